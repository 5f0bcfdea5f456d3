/**
 * The dashboard's LogView alone on a page, fed by a generated log of any size that pages like the
 * coordinator's (tail, then 500-chunk pages before a seq) and takes live chunks from the test
 * (`window.harness.push(lines)`). Built with Vite into dist/ and served on 127.0.0.1.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = join(ROOT, 'dist/log-harness/src');
const OUT = join(ROOT, 'dist/log-harness/out');

const MAIN = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { LogView } from '${join(ROOT, 'renderer/components/log-view/log-view.tsx')}';
import '${join(ROOT, 'renderer/styles.css')}';

const params = new URLSearchParams(location.search);
const total = Number(params.get('lines') ?? 1000000);
const perChunk = Number(params.get('perChunk') ?? 100);
const pageChunks = 500;
const generated = Math.ceil(total / perChunk);
const start = Date.UTC(2026, 0, 1, 12, 0, 0);
const pushed = [];
const followers = new Map(); // onChunks -> onReset
const requests = [];

function chunk(seq) {
  if (seq >= generated) return pushed[seq - generated];
  let data = '';
  for (let i = seq * perChunk; i < Math.min(total, (seq + 1) * perChunk); i++) data += 'line ' + String(i).padStart(7, '0') + '\\n';
  return { seq, stream: seq % 10 === 9 ? 'stderr' : 'stdout', time: start + seq * 1007, data }; // a second and 7 ms apart: the stamps' milliseconds show
}
const range = (from, to) => Array.from({ length: Math.max(0, to - from) }, (_, i) => chunk(from + i));
const last = () => generated + pushed.length;

const source = {
  async tail() {
    requests.push('tail');
    const from = Math.max(0, last() - pageChunks);
    return { chunks: range(from, last()), older: from > 0, complete: false };
  },
  async before(seq) {
    requests.push('before ' + seq);
    const from = Math.max(0, seq - pageChunks);
    return { chunks: range(from, seq), older: from > 0 };
  },
  follow(after, onChunks, onReset) {
    requests.push('follow ' + after);
    const held = range(after + 1, last());
    if (held.length) queueMicrotask(() => onChunks(held));
    followers.set(onChunks, onReset);
    return () => followers.delete(onChunks);
  },
};

window.harness = {
  requests,
  /** Adds a chunk to the log; quietly: not sent to followers (a feed that fell behind). */
  push(lines, quietly = false) {
    const seq = last();
    const entry = { seq, stream: 'stdout', time: Date.now(), data: lines.map((l) => l + '\\n').join('') };
    pushed.push(entry);
    if (!quietly) for (const follower of followers.keys()) follower([entry]);
  },
  /** The feed gives up, as the coordinator's log-reset. */
  reset() {
    for (const onReset of [...followers.values()]) onReset();
  },
};
window.harness.mountedAt = performance.now();
createRoot(document.getElementById('root')).render(
  createElement('main', { className: 'page' }, createElement(LogView, { source, emptyText: 'No output yet.' })),
);
`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /><title>LogView harness</title><link rel="icon" href="data:," /></head>
<body><div id="root"></div><script type="module" src="./main.js"></script></body></html>`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export interface LogHarness {
  /** The page's address; `?lines=N&perChunk=M` sets the generated log. */
  url: string;
  close(): Promise<void>;
}

export async function startLogHarness(): Promise<LogHarness> {
  rmSync(join(ROOT, 'dist/log-harness'), { recursive: true, force: true });
  mkdirSync(SOURCE, { recursive: true });
  writeFileSync(join(SOURCE, 'main.js'), MAIN);
  writeFileSync(join(SOURCE, 'index.html'), HTML);
  await build({
    configFile: false,
    root: SOURCE,
    base: './',
    logLevel: 'warn',
    build: { outDir: OUT, emptyOutDir: true, target: 'es2022' },
  });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = normalize(join(OUT, path === '/' ? 'index.html' : path));
    if (!file.startsWith(OUT)) return res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
