// Profiling aid: an idle fleet against a coordinator started with --cpu-prof (see docs/benchmarks.md).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, JsonClient, percentile, tempDir } from './lib.ts';

const workers = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 15);
const profDir = process.argv[4] ?? tempDir('cmdx-prof-');
const dataDir = tempDir();
const proc = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${profDir}`, CLI, 'coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve) =>
  proc.stdout.on('data', (d) => {
    const m = /"url":"([^"]+)"/.exec(String(d));
    if (m) resolve(m[1]!);
  }),
);
const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
const api = new JsonClient(url);
const workerTokens: string[] = [];
for (let i = 0; i < workers; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, workers - i) }, (_, k) =>
      api.call('POST', '/api/workers/register', tokens.joinToken, { workerId: `w-${i + k}`, hostname: 'h' }),
    ),
  );
  workerTokens.push(...batch.map((r) => r.body.workerToken));
}
let running = true;
const beats: { at: number; ms: number }[] = [];
const start = performance.now();
workerTokens.forEach((token, i) => {
  void (async () => {
    while (running) await api.call('GET', `/api/jobs/get-job?workerId=w-${i}&wait=30`, token).catch(() => {});
  })();
  void (async () => {
    await new Promise((r) => setTimeout(r, Math.random() * 10_000));
    while (running) {
      const r = await api.call('POST', '/api/workers/heartbeat', token, { workerId: `w-${i}`, jobId: null }).catch(() => null);
      if (r) beats.push({ at: Math.round(performance.now() - start), ms: Math.round(r.ms) });
      await new Promise((res) => setTimeout(res, 10_000));
    }
  })();
});
await new Promise((r) => setTimeout(r, seconds * 1000));
running = false;
const slow = beats.filter((b) => b.ms > 20);
console.log(
  `beats ${beats.length}, p50 ${percentile(
    beats.map((b) => b.ms),
    50,
  )} ms, p99 ${percentile(
    beats.map((b) => b.ms),
    99,
  )} ms; slow at:`,
  JSON.stringify(slow.slice(0, 30)),
);
proc.kill('SIGINT');
await new Promise((r) => proc.once('exit', r));
console.log('profile in', profDir);
process.exit(0);
