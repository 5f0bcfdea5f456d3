/** A webhook receiver on 127.0.0.1 (never any other address): records each request, answers what the test says. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The exact body text. */
  raw: string;
  body: any;
  /** When the coordinator hung up (a request left unanswered). */
  closed: Promise<void>;
}

/** A status to answer with (and headers), or 'hang': never answer (the request stays open until the coordinator gives up). */
export type Answer = number | { status: number; headers: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** What the next requests are answered with, in order; the last one repeats. */
  answers: Answer[];
  close(): Promise<void>;
}

export async function startReceiver(answers: Answer[] = [200]): Promise<Receiver> {
  const received: Received[] = [];
  const open = new Set<ServerResponse>();
  const receiver = { answers, received } as Receiver;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      const answer = receiver.answers.length > 1 ? receiver.answers.shift()! : receiver.answers[0]!;
      received.push({ headers: req.headers, raw, body: JSON.parse(raw), closed });
      if (answer === 'hang') return void open.add(res);
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end('x'.repeat(100_000));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise((resolve) => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** What a receiver computes to check X-Cmdx-Signature. */
export function expectedSignature(secret: string, raw: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`;
}
