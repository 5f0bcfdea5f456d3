/**
 * The worker's own status page for the person at that PC, when it runs headless (`--ui-port`): the
 * dashboard's worker view plus a small local API (state, pause, resume, live output) on 127.0.0.1.
 * The desktop app shows the same view through its preload bridge instead.
 */
import express from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { LOCAL_HEADER, LOCAL_KEY_HEADER, type LocalServerMessage, type WorkerViewState } from '../../../shared/worker-view.ts';
import type { WorkerAgent } from './agent.ts';
import type { LogEntry } from '../../../shared/api.ts';

export interface LocalUi {
  url: string;
  close(): Promise<void>;
}

export function viewState(agent: WorkerAgent): WorkerViewState {
  return { ...agent.state, output: agent.currentOutput };
}

/** Pages of other sites must not drive this API: same-origin requests only (a custom header forces a CORS preflight we never answer). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return !origin || origin === `http://${req.headers.host}`;
}

/** Only this PC's own names: a DNS-rebinding page (Host: evil.example:P) never gets an answer. */
function localHost(req: IncomingMessage, port: number): boolean {
  return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
}

/** The per-start secret, from `?key=` or the header (it is in the page's URL fragment, never in a request for the page). */
function hasKey(req: IncomingMessage, key: string): boolean {
  const given = new URL(req.url ?? '/', 'http://local').searchParams.get('key') ?? req.headers[LOCAL_KEY_HEADER];
  return typeof given === 'string' && given.length === key.length && timingSafeEqual(Buffer.from(given), Buffer.from(key));
}

export async function startLocalUi(agent: WorkerAgent, options: { port: number; host?: string; staticDir?: string }): Promise<LocalUi> {
  const key = randomBytes(16).toString('hex');
  let port = 0;
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    if (!localHost(req, port)) return void res.status(403).json({ error: 'This page answers only as 127.0.0.1 or localhost.', statusCode: 403 });
    if (req.path.startsWith('/local/') && !hasKey(req, key))
      return void res.status(403).json({ error: 'Open the worker page from the address the worker printed (it holds its key).', statusCode: 403 });
    next();
  });
  app.get('/local/state', (_req, res) => void res.json(viewState(agent)));
  for (const action of ['pause', 'resume'] as const) {
    app.post(`/local/${action}`, (req, res) => {
      if (req.get(LOCAL_HEADER) !== '1' || !sameOrigin(req))
        return void res.status(403).json({ error: "Only this PC's worker page may do that.", statusCode: 403 });
      agent[action]();
      res.json(viewState(agent));
    });
  }
  if (options.staticDir) {
    app.use((_req, res, next) => {
      res.set('Content-Security-Policy', "default-src 'self'; connect-src 'self' ws:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      next();
    });
    app.use(express.static(options.staticDir, { index: 'index.html' }));
  }
  app.use((_req, res) => void res.status(404).json({ error: 'Not found', statusCode: 404 }));

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://local').pathname !== '/local/ws' || !sameOrigin(req) || !localHost(req, port) || !hasKey(req, key)) {
      return void socket.destroy();
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (m: LocalServerMessage) => ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 1024 * 1024 && ws.send(JSON.stringify(m));
      const onState = () => send({ type: 'state', state: viewState(agent) });
      const onOutput = (jobId: string, entry: LogEntry) => send({ type: 'output', jobId, entry });
      agent.on('state', onState);
      agent.on('output', onOutput);
      ws.on('close', () => {
        agent.off('state', onState);
        agent.off('output', onOutput);
      });
      onState();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/#/worker?key=${key}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
