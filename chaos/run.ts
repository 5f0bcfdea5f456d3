/**
 * `npm run chaos [-- --jobs N]`: a real coordinator and 4 real workers on loopback run a mixed load
 * (short, long, failing, big-output, cancelled and timing-out jobs, a broadcast run to every worker,
 * a map run over 8 zips, plus a burst of 20 concurrent 50 MB uploads) while faults are injected on a schedule: kill -9 of the coordinator (restarted on the
 * same data dir), kill -9 of workers (restarted), and the coordinator frozen for 15 s (SIGSTOP, then
 * SIGCONT). Then it checks the promises, runs the endpoint fuzz test (tests/fuzz/endpoint-fuzz.test.ts)
 * with 10x its cases, and prints them with the figures; it exits 1 if any is broken.
 * `npm run chaos -- --postgres`: a campus of two coordinators on one PostgreSQL instead (chaos/postgres.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { zipFiles } from '../electron/core/runner/zip-writer.ts';
import { JsonClient, tempDir } from '../bench/lib.ts';
import { expectedStdout, freePort, orphanProcesses, plan, startCli, type Planned, type Proc } from './common.ts';
import { chaosPostgres } from './postgres.ts';

const args = process.argv.slice(2);
const JOBS = Number(args[args.indexOf('--jobs') + 1] || 500) || 500;
const RUN_ID = `chaos-${randomBytes(4).toString('hex')}`;
const started = Date.now();
const log = (msg: string) => process.stderr.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// `--postgres`: two coordinators on one PostgreSQL, a campus, instead (chaos/postgres.ts).
if (args.includes('--postgres')) process.exit(await chaosPostgres({ jobs: JOBS, runId: RUN_ID, log }));

// ---- processes -----------------------------------------------------------------------------------

const dataDir = tempDir('cmdx-chaos-');
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let coordinator!: Proc;
const workerLogs: any[][] = [];
const workers: (Proc & { id: string; workDir: string })[] = [];

async function startCoordinator(): Promise<void> {
  coordinator = startCli(RUN_ID, [
    'coordinator',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--offline-after',
    '6',
    '--max-upload-mb',
    '100',
  ]);
  const deadline = Date.now() + 30_000;
  while (!coordinator.logs.some((l) => l.msg === 'coordinator listening')) {
    if (Date.now() > deadline || coordinator.proc.exitCode !== null) throw new Error('the coordinator did not start');
    await sleep(20);
  }
}

await startCoordinator();
const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8')) as { adminToken: string; joinToken: string };
const api = new JsonClient(url);

function startWorker(index: number, workDir = tempDir('cmdx-chaos-worker-')): void {
  const p = startCli(RUN_ID, ['worker', '--server', url, '--id', `chaos-w${index}`, '--work-dir', workDir, '--heartbeat-interval', '1'], {
    CMDX_JOIN_TOKEN: tokens.joinToken,
  });
  workerLogs.push(p.logs);
  workers[index] = Object.assign(p, { id: `chaos-w${index}`, workDir });
}
for (let i = 0; i < 4; i++) startWorker(i);

/** Calls the API until it answers (the coordinator may be down or frozen); gives up after `timeoutMs`. */
async function call(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<{ status: number; body: any }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await api.call(method, path, tokens.adminToken, body, 10_000);
    } catch {
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer for ${timeoutMs} ms`);
      await sleep(200);
    }
  }
}

// ---- the load ------------------------------------------------------------------------------------

const fileUrl = await (async () => {
  const zip = await zipFiles([{ name: 'project/readme.txt', content: 'chaos\n' }]);
  const path = join(dataDir, '..', `${RUN_ID}-small.zip`);
  writeFileSync(path, zip);
  const out = spawnSync(
    'curl',
    ['-s', '-H', `Authorization: Bearer ${tokens.adminToken}`, '-F', `file=@${path}`, '-F', 'commands=true', '-F', 'mode=distributed', `${url}/api/execute`],
    { encoding: 'utf8' },
  );
  rmSync(path, { force: true });
  const jobId = JSON.parse(out.stdout).jobId;
  return (await call('GET', `/api/jobs/status?jobId=${jobId}`)).body.fileUrl as string;
})();

const planned: Planned[] = [];
const submitter = (async () => {
  const perSecond = JOBS / 40; // spread over 40 s, so faults hit a loaded system
  for (let i = 0; i < JOBS; i++) {
    const p = plan(i);
    const res = await call('POST', '/api/jobs/create', {
      command: p.command,
      fileUrl,
      filename: `chaos-${i}.zip`,
      maxAttempts: p.maxAttempts,
      ...(p.kind === 'timeout' ? { timeoutSeconds: 2 } : {}),
    });
    if (res.status === 200) {
      p.jobId = res.body.jobId;
      planned.push(p);
      if (p.kind === 'cancel')
        void (async () => {
          await sleep(500 + (i % 3) * 1000);
          await call('POST', '/api/jobs/cancel', { jobId: p.jobId });
        })();
    } else {
      log(`create ${i} refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await sleep(1000 / perSecond);
  }
})();

// ---- faults --------------------------------------------------------------------------------------

interface Fault {
  name: string;
  at: number;
  recoveredMs?: number;
}
const faults: Fault[] = [];

/** Time from the end of a fault until a fresh probe job has run to completion. */
async function recovery(fault: Fault): Promise<void> {
  const from = Date.now();
  const res = await call('POST', '/api/jobs/create', { command: `echo probe-${faults.length}`, fileUrl, filename: 'probe.zip' });
  const jobId = res.body.jobId;
  for (let i = 0; i < 1200; i++) {
    const s = (await call('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    if (s.status !== 'pending' && s.status !== 'running') break;
    await sleep(100);
  }
  fault.recoveredMs = Date.now() - from;
  log(`${fault.name}: recovered in ${fault.recoveredMs} ms`);
}

async function killWorkers(indexes: number[], downMs: number): Promise<void> {
  const fault: Fault = { name: `kill -9 worker${indexes.length > 1 ? 's' : ''} ${indexes.join(', ')}`, at: Date.now() - started };
  faults.push(fault);
  log(fault.name);
  for (const i of indexes) workers[i]!.proc.kill('SIGKILL');
  await sleep(downMs);
  for (const i of indexes) startWorker(i, workers[i]!.workDir); // same work dir: it keeps its identity
  await recovery(fault);
}

async function killCoordinator(downMs: number): Promise<void> {
  const fault: Fault = { name: 'kill -9 coordinator, restart on the same data dir', at: Date.now() - started };
  faults.push(fault);
  log(fault.name);
  coordinator.proc.kill('SIGKILL');
  await new Promise((r) => coordinator.proc.once('exit', r));
  await sleep(downMs);
  await startCoordinator();
  await recovery(fault);
}

async function freezeCoordinator(ms: number): Promise<void> {
  const fault: Fault = { name: `coordinator unreachable ${ms / 1000} s (SIGSTOP, SIGCONT)`, at: Date.now() - started };
  faults.push(fault);
  log(fault.name);
  coordinator.proc.kill('SIGSTOP');
  await sleep(ms);
  coordinator.proc.kill('SIGCONT');
  await recovery(fault);
}

async function uploadBurst(): Promise<void> {
  const fault: Fault = { name: 'burst of 20 concurrent 50 MB uploads', at: Date.now() - started };
  faults.push(fault);
  log(fault.name);
  const path = join(dataDir, '..', `${RUN_ID}-50mb.zip`);
  await new Promise<void>((resolve) => {
    const z = new yazl.ZipFile();
    z.addBuffer(randomBytes(50 * 1024 * 1024), 'project/data.bin', { compress: false });
    z.end();
    z.outputStream.pipe(createWriteStream(path)).on('finish', () => resolve());
  });
  const uploads = await Promise.all(
    Array.from(
      { length: 20 },
      (_, k) =>
        new Promise<string | undefined>((resolve) => {
          const curl = spawn('curl', [
            '-s',
            '--max-time',
            '120',
            '-H',
            `Authorization: Bearer ${tokens.adminToken}`,
            '-F',
            `file=@${path}`,
            '-F',
            `commands=echo upload-${k}`,
            '-F',
            'mode=distributed',
            `${url}/api/execute`,
          ]);
          let out = '';
          curl.stdout.on('data', (d) => {
            out += d;
          });
          curl.on('close', () => {
            try {
              resolve(JSON.parse(out).jobId);
            } catch {
              resolve(undefined);
            }
          });
        }),
    ),
  );
  rmSync(path, { force: true });
  uploads.forEach((jobId, k) => {
    if (jobId) planned.push({ index: -1 - k, kind: 'upload', command: `echo upload-${k}`, lines: 0, exitCode: 0, maxAttempts: 1, jobId });
  });
  log(`uploads acknowledged: ${uploads.filter(Boolean).length} of 20`);
  await recovery(fault);
}

// ---- runs: a broadcast and a map, with a worker killed while they run --------------------------

const chaosRuns: { runId: string; mode: string }[] = [];
async function createRuns(): Promise<void> {
  const each = await call('POST', '/api/runs/create', { mode: 'each', commands: "sleep 2; seq 1 3 | sed 's/^/B-/'", maxAttempts: 2, fileUrl });
  if (each.status === 200) chaosRuns.push({ runId: each.body.runId, mode: 'each' });
  else log(`broadcast run refused: ${each.status} ${JSON.stringify(each.body)}`);
  const form = new FormData();
  form.set('mode', 'map');
  form.set('commands', 'sh grade.sh');
  form.set('scorePattern', 'SCORE=(\\d+)');
  form.set('maxAttempts', '2');
  for (let i = 0; i < 8; i++) {
    const zip = await zipFiles([{ name: 'grade.sh', content: `sleep 1\necho SCORE=${i}\nexit ${i % 4 === 0 ? 1 : 0}\n` }]);
    form.append('file', new Blob([new Uint8Array(zip)]), `student-${i}.zip`);
  }
  const res = await fetch(`${url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens.adminToken}` } });
  const body = (await res.json()) as { runId?: string };
  if (res.status === 200 && body.runId) chaosRuns.push({ runId: body.runId, mode: 'map' });
  else log(`map run refused: ${res.status} ${JSON.stringify(body)}`);
  log(`runs created: ${chaosRuns.map((r) => `${r.mode} ${r.runId}`).join(', ')}`);
}

await sleep(4000);
await createRuns();
await killWorkers([0], 1500);
await killCoordinator(500);
await freezeCoordinator(15_000);
await uploadBurst();
await killWorkers([1, 2], 3000);
await killCoordinator(2000);
await submitter;
log(`all ${planned.length} jobs submitted; waiting for every job to end`);

// ---- wait for the end, stop everything -----------------------------------------------------------

let jobs: any[];
const waitDeadline = Date.now() + 240_000;
for (;;) {
  jobs = (await call('GET', '/api/jobs/create')).body.jobs;
  const open = jobs.filter((j) => j.status === 'pending' || j.status === 'running').length;
  if (open === 0 || Date.now() > waitDeadline) break;
  await sleep(1000);
}
const endedAt = Date.now();
const runStatuses = await Promise.all(chaosRuns.map(async (r) => (await call('GET', `/api/runs/status?runId=${r.runId}`)).body));
for (const w of workers) w.proc.kill('SIGTERM');
await sleep(300);
for (const w of workers) w.proc.kill('SIGTERM'); // a second signal cancels anything still running
await Promise.all(workers.map((w) => new Promise((r) => (w.proc.exitCode !== null ? r(null) : w.proc.once('exit', r)))));
coordinator.proc.kill('SIGTERM');
await new Promise((r) => (coordinator.proc.exitCode !== null ? r(null) : coordinator.proc.once('exit', r)));
api.close();
await sleep(500);

// ---- the promises --------------------------------------------------------------------------------

const byId = new Map(jobs.map((j) => [j.jobId, j]));
const problems: string[] = [];
const terminal = new Set(['completed', 'failed', 'cancelled']);
const stuck = jobs.filter((j) => !terminal.has(j.status));
for (const j of stuck) problems.push(`job ${j.jobId} is stuck in ${j.status}`);
const lost = planned.filter((p) => !byId.has(p.jobId!));
for (const p of lost) problems.push(`acknowledged job ${p.jobId} (#${p.index}) is missing`);

// Every run's summary is what its jobs say (it is derived, never kept twice), and it lists exactly its jobs.
let runsChecked = 0;
if (runStatuses.length !== 2) problems.push(`${2 - runStatuses.length} of the 2 runs were not created`);
for (const status of runStatuses) {
  const own = jobs.filter((j) => j.runId === status.runId);
  const expected = { total: own.length, pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0 } as Record<string, number>;
  for (const j of own) {
    const key = j.status === 'completed' ? (j.exitCode === 0 ? 'passed' : 'failed') : j.status;
    expected[key] = (expected[key] ?? 0) + 1;
  }
  const { waitingOffline: _ignored, ...summary } = status.summary as Record<string, number>;
  if (JSON.stringify(summary) !== JSON.stringify(expected))
    problems.push(`run ${status.runId} (${status.mode}) summary ${JSON.stringify(summary)} differs from its jobs ${JSON.stringify(expected)}`);
  const listed = new Set((status.jobs as { jobId: string }[]).map((j) => j.jobId));
  if (listed.size !== own.length || own.some((j) => !listed.has(j.jobId))) problems.push(`run ${status.runId} lists other jobs than those that name it`);
  if (status.mode === 'each' && own.length !== 4) problems.push(`broadcast run ${status.runId} has ${own.length} jobs for 4 workers`);
  if (status.mode === 'map' && own.length !== 8) problems.push(`map run ${status.runId} has ${own.length} jobs for 8 zips`);
  runsChecked++;
}

const RETRY_LINE = '[cmdx: the job starts again on ';
let outputChecked = 0;
for (const p of planned) {
  const j = byId.get(p.jobId!);
  if (!j || j.status !== 'completed' || p.kind === 'upload') continue;
  if (p.kind === 'cancel' || p.kind === 'timeout') {
    problems.push(`job ${p.jobId} (${p.kind}) completed instead of being ${p.kind === 'cancel' ? 'cancelled' : 'timed out'}`);
    continue;
  }
  outputChecked++;
  if (j.exitCode !== p.exitCode) problems.push(`job ${p.jobId} (#${p.index}) exit code ${j.exitCode}, expected ${p.exitCode}`);
  // A retried job's log keeps the earlier attempt's output, then a line saying it starts again: the last attempt must be whole.
  const lastAttempt = j.stdout.includes(RETRY_LINE) ? j.stdout.slice(j.stdout.lastIndexOf(RETRY_LINE)).replace(/^[^\n]*\n/, '') : j.stdout;
  if (j.attempts > 1 && !j.stdout.includes(RETRY_LINE) && j.stdout !== expectedStdout(p))
    problems.push(`job ${p.jobId} (#${p.index}) was retried but its log does not say so`);
  if (lastAttempt !== expectedStdout(p))
    problems.push(
      `job ${p.jobId} (#${p.index}) stored output differs from what the command printed (${j.stdout.length} vs ${expectedStdout(p).length} characters)`,
    );
}
for (const p of planned.filter((x) => x.kind === 'timeout')) {
  const j = byId.get(p.jobId!);
  if (j?.status === 'failed' && !/timed out|worker|restarted|went away/i.test(j.errorMessage ?? ''))
    problems.push(`job ${p.jobId} failed with an unexpected message: ${j.errorMessage}`);
}

const allLogs = workerLogs.flat();
const completions = new Map<string, number>();
for (const l of allLogs) if (l.msg === 'job finished' && l.status === 'completed') completions.set(l.jobId, (completions.get(l.jobId) ?? 0) + 1);
for (const [jobId, n] of completions) {
  const j = byId.get(jobId);
  if (n > 1 && (j?.maxAttempts ?? 1) < 2) problems.push(`job ${jobId} ran to completion ${n} times without retries allowed`);
}

let acked = 0;
for (const l of allLogs.filter((x) => x.msg === 'report delivered')) {
  acked++;
  const j = byId.get(l.jobId);
  if (!j) problems.push(`acknowledged report for ${l.jobId} but the job is missing`);
  else if (l.kind === 'result' && !(j.status === 'completed' && j.exitCode === l.exitCode) && j.status !== 'cancelled')
    problems.push(`acknowledged result for ${l.jobId} (exit ${l.exitCode}) but the job is ${j.status}/${j.exitCode}`);
  else if (l.kind === 'failure' && !['failed', 'cancelled'].includes(j.status)) problems.push(`acknowledged failure for ${l.jobId} but the job is ${j.status}`);
}

const orphans = orphanProcesses(RUN_ID);
for (const o of orphans) problems.push(`orphan process ${o}`);

// ---- every endpoint under generated bad input: the fuzz test of `npm test` with 10x its cases -----

log('endpoint fuzz: every endpoint, every kind of token, 10x the cases of npm test');
const fuzz = spawnSync(process.execPath, ['--test', '--test-reporter=spec', fileURLToPath(new URL('../tests/fuzz/endpoint-fuzz.test.ts', import.meta.url))], {
  encoding: 'utf8',
  env: { ...process.env, CMDX_FUZZ_RUNS: '10' },
  timeout: 15 * 60_000,
  maxBuffer: 64 * 1024 * 1024,
});
const fuzzFigures = /endpoint fuzz: (\d+) requests .* in ([\d.]+) s \(seed (-?\d+)\)/.exec(fuzz.stdout);
const endpointFuzz = { ok: fuzz.status === 0, requests: Number(fuzzFigures?.[1] ?? 0), seconds: Number(fuzzFigures?.[2] ?? 0), seed: fuzzFigures?.[3] ?? null };
if (!endpointFuzz.ok) {
  const lines = `${fuzz.stdout}\n${fuzz.stderr}`.split('\n');
  const why = [...new Set([...lines.filter((l) => /\[cause\]|still alive/.test(l)), ...lines.filter((l) => /✖ (?!failing)/.test(l))])];
  problems.push(
    `endpoint fuzz failed (${fuzz.signal ?? `exit ${fuzz.status}`}, seed ${endpointFuzz.seed}): ${why
      .slice(0, 6)
      .map((l) => l.trim().slice(0, 300))
      .join(' | ')}`,
  );
}

const counts = { completed: 0, failed: 0, cancelled: 0 } as Record<string, number>;
for (const j of jobs) counts[j.status] = (counts[j.status] ?? 0) + 1;
const elapsed = (endedAt - started) / 1000;
const jobsLost = stuck.length + lost.length + problems.filter((p) => /stored output|acknowledged/.test(p)).length;

const rows: [string, string][] = [
  ['jobs submitted (acknowledged)', String(planned.length)],
  ['jobs in the coordinator', `${jobs.length} (${counts.completed} completed, ${counts.failed} failed, ${counts.cancelled} cancelled)`],
  ['every job in exactly one terminal state', stuck.length === 0 ? 'yes' : `NO (${stuck.length} stuck)`],
  ['completed outputs checked line by line', `${outputChecked}, ${problems.filter((p) => p.includes('stored output')).length} different`],
  ['jobs completed twice without a retry', String(problems.filter((p) => p.includes('times without retries')).length)],
  ['acknowledged reports', `${acked}, ${problems.filter((p) => p.startsWith('acknowledged')).length} missing or different`],
  [
    'runs whose summary equals their jobs (a broadcast and a map)',
    `${runsChecked - problems.filter((p) => p.startsWith('run ') || p.includes(' run ')).length} of 2`,
  ],
  ['orphan processes', String(orphans.length)],
  ['jobs/s (all jobs, end to end, faults included)', (jobs.length / elapsed).toFixed(1)],
  ['faults injected', String(faults.length)],
  ...faults.map((f) => [`  ${f.name} (at ${Math.round(f.at / 1000)} s)`, `recovered in ${f.recoveredMs ?? '?'} ms`] as [string, string]),
  ['jobs lost', String(jobsLost)],
  ['run time', `${elapsed.toFixed(0)} s`],
  [
    'endpoint fuzz (bad input to every endpoint, 10x npm test)',
    `${endpointFuzz.ok ? 'passed' : 'FAILED'}: ${endpointFuzz.requests} requests in ${endpointFuzz.seconds.toFixed(0)} s`,
  ],
];
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nCMD Executor chaos run ${RUN_ID}\n`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (problems.length) {
  console.log(`\nBROKEN PROMISES (${problems.length}):`);
  for (const p of problems.slice(0, 50)) console.log(`- ${p}`);
} else {
  console.log('\nAll promises kept.');
}
// The campus run's section (--postgres) stays: each mode writes its own.
const resultsFile = fileURLToPath(new URL('./results.json', import.meta.url));
const campusSection = (() => {
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')).postgres;
  } catch {
    return undefined;
  }
})();
writeFileSync(
  resultsFile,
  JSON.stringify(
    {
      runId: RUN_ID,
      jobs: jobs.length,
      counts,
      outputChecked,
      acked,
      orphans: orphans.length,
      runs: runStatuses.map((r) => ({ runId: r.runId, mode: r.mode, summary: r.summary })),
      jobsPerSecond: Number((jobs.length / elapsed).toFixed(1)),
      faults,
      jobsLost,
      problems,
      seconds: Math.round(elapsed),
      endpointFuzz,
      ...(campusSection ? { postgres: campusSection } : {}),
    },
    null,
    2,
  ) + '\n',
);
rmSync(dataDir, { recursive: true, force: true });
for (const w of workers) rmSync(w.workDir, { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);
