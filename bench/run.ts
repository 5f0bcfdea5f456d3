/**
 * `npm run bench [-- --quick] [-- --only name,name]`: measures dispatch, throughput, transfer and
 * scale with real coordinator and worker processes on loopback. Every figure is the median of 3 runs
 * (min and max kept), but fanout's (one run each, in a lab of network namespaces: fanout.ts, as root).
 * Prints a table and writes bench/results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import yazl from 'yazl';
import { launchChromium } from '../tests/helpers/browser.ts';
import { benchSimilarity } from './similarity.ts';
import { benchFanout } from './fanout.ts';
import { benchDashboard } from './dashboard.ts';
import { zipFiles } from '../electron/core/runner/zip-writer.ts';
import { pidOutsideNamespace } from '../electron/core/runner/process-groups.ts';
import {
  cpuSeconds,
  JsonClient,
  peakRssMb,
  percentile,
  round,
  rssMb,
  startCoordinator,
  startWorker,
  summarize,
  tempDir,
  waitUntil,
  type BenchCoordinator,
} from './lib.ts';
import { appendHistory, comparisonText, historyLine, readHistory } from './history.ts';
import { tableOf } from './table.ts';
import { CAMPUS_LABELS, CAMPUS_NOTE, CAMPUS_SETUPS, onPostgres, singleSqlite, type CampusSetupName, type StartSetup } from './campus.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
/** Names the figures go by (docs/benchmarks.md): `api_p99` is measured in the throughput run, `memory` (idle RSS) in the idle fleet's. */
const ALIASES: Record<string, string> = { api_p99: 'throughput', memory: 'idle' };
const ONLY = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
  .map((name) => ALIASES[name] ?? name);
const RUNS = 3;
const P = QUICK
  ? {
      pickupJobs: 40,
      seedJobs: 6,
      drainJobs: 1500,
      campusWorkers: 200,
      fleet: [50, 200, 1000],
      e2eJobs: 100,
      transferMb: 128,
      outputMb: 200,
      idleWorkers: 1000,
      idleSeconds: 10,
      fanoutMb: 20,
    }
  : {
      pickupJobs: 200,
      seedJobs: 20,
      drainJobs: 5000,
      campusWorkers: 200,
      fleet: [50, 200, 1000],
      e2eJobs: 500,
      transferMb: 1024,
      outputMb: 200,
      idleWorkers: 1000,
      idleSeconds: 60,
      fanoutMb: 100,
    };
const FANOUT_COUNTS = [1, 5, 10];

const results: Record<string, any> = {};
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny project zip, uploaded once; jobs reuse its fileUrl. */
async function uploadTinyZip(c: BenchCoordinator): Promise<string> {
  const zip = await zipFiles([{ name: 'project/readme.txt', content: 'hello\n' }]);
  const form = new FormData();
  form.append('commands', 'true');
  form.append('mode', 'distributed');
  form.append('file', new Blob([new Uint8Array(zip)]), 'project.zip');
  const res = await fetch(`${c.url}/api/execute`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.adminToken}` } });
  const body = (await res.json()) as { jobId: string };
  const status = (await (await fetch(`${c.url}/api/jobs/status?jobId=${body.jobId}`, { headers: { authorization: `Bearer ${c.adminToken}` } })).json()) as {
    fileUrl: string;
  };
  return status.fileUrl;
}

async function createJobs(api: JsonClient, token: string, count: number, body: Record<string, unknown>, concurrency = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const res = await api.call('POST', '/api/jobs/create', token, body);
        if (res.status !== 200) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(res.body.jobId);
      }
    }),
  );
  return ids;
}

async function idleWorkers(api: JsonClient, token: string, count: number): Promise<void> {
  await waitUntil(
    `${count} idle workers`,
    async () => {
      const res = await api.call('GET', '/api/workers/register', token);
      return res.body.workers.filter((w: any) => w.status === 'idle').length >= count;
    },
    60_000,
    100,
  );
}

// ---- pickup: create -> first command started on a worker ----------------------------------------

/** `setup`: the coordinators (one unless a campus scenario says otherwise); workers and creates go to each in turn. */
async function pickupRun(jobs: number, polling: boolean, setup: StartSetup = singleSqlite): Promise<number[]> {
  const { coordinators, stop } = await setup([]);
  const c = coordinators[0]!;
  const apis = coordinators.map((x) => new JsonClient(x.url));
  const api = apis[0]!;
  const workers = [];
  try {
    const fileUrl = await uploadTinyZip(c);
    for (let i = 0; i < 10; i++) {
      workers.push(startWorker(coordinators[i % coordinators.length]!, `pickup-${i}`, polling ? ['--poll-interval', '5'] : []));
      // Polling workers start at random moments, as PCs in a lab do, so their polls are not in step.
      if (polling) await sleep(Math.random() * 500);
    }
    await idleWorkers(api, c.adminToken, 10);
    // Warm-up (not measured): two jobs per worker, so each worker's code is loaded and compiled and its
    // download cache holds the project, as on a lab PC that has run a job before.
    if (!polling) await createJobs(api, c.adminToken, 20, { command: 'true', fileUrl, filename: 'project.zip' }, 10);
    if (!polling)
      await waitUntil(
        'warm-up done',
        async () => (await api.call('GET', '/api/jobs/create?status=completed&limit=1', c.adminToken)).body.total >= 21,
        60_000,
        50,
      );
    const samples: number[] = [];
    for (let i = 0; i < jobs; i++) {
      const creator = apis[i % apis.length]!;
      const res = await creator.call('POST', '/api/jobs/create', c.adminToken, { command: 'true', fileUrl, filename: 'project.zip' });
      const createdAt = Date.now();
      let job: any;
      await waitUntil(
        'job done',
        async () => {
          job = (await api.call('GET', `/api/jobs/status?jobId=${res.body.jobId}`, c.adminToken)).body;
          return job.status === 'completed';
        },
        60_000,
        polling ? 50 : 5,
      );
      samples.push(job.commandStartedAt - createdAt);
      if (process.env.BENCH_TRACE) log(`job ${i} on ${job.workerId}: ${job.commandStartedAt - createdAt} ms`);
    }
    return samples;
  } finally {
    for (const a of apis) a.close();
    await Promise.all(workers.map((w) => w.stop()));
    await stop();
  }
}

async function benchPickup(): Promise<void> {
  const p50: number[] = [];
  const p99: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const samples = await pickupRun(P.pickupJobs, false);
    p50.push(percentile(samples, 50));
    p99.push(percentile(samples, 99));
    log(`pickup run ${run + 1}: p50 ${round(percentile(samples, 50))} ms, p99 ${round(percentile(samples, 99))} ms`);
  }
  results.pickup_ms = { p50: summarize(p50), p99: summarize(p99), jobs_per_run: P.pickupJobs, note: 'after 2 warm-up jobs per worker' };
}

async function benchSeedPolling(): Promise<void> {
  const p50: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const samples = await pickupRun(P.seedJobs, true);
    p50.push(percentile(samples, 50));
    log(`seed polling run ${run + 1}: p50 ${round(percentile(samples, 50))} ms`);
  }
  results.seed_polling_pickup_ms = { p50: summarize(p50), jobs_per_run: P.seedJobs, note: '10 workers polling every 5 s at random phases' };
}

// ---- throughput: simulated workers draining pre-created jobs ------------------------------------

/** What a dashboard and an admin ask while a run drains: one request every 50 ms, in turn, until `stop`. */
const ADMIN_REQUESTS = ['/api/jobs/create?limit=50', '/api/jobs/counts', '/api/workers/register', '/api/runs/create?limit=20', '/api/coordinator/info'];

async function adminProbe(api: JsonClient, token: string, stop: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; !stop() && i < 100_000; i++) {
    const res = await api.call('GET', ADMIN_REQUESTS[i % ADMIN_REQUESTS.length]!, token).catch(() => null);
    if (res && res.status === 200) latencies.push(res.ms);
    await sleep(50);
  }
  return latencies;
}

async function drainRun(
  workers: number,
  jobs: number,
  setup: StartSetup = singleSqlite,
): Promise<{ jobsPerS: number; p99: number; adminP99: number; loopP99: number; rss: number }> {
  const { coordinators, stop } = await setup(['--max-pending-jobs', '1000000']);
  const c = coordinators[0]!;
  const api = new JsonClient(c.url);
  // Simulated worker i asks coordinator i % n (the first's client is `api`).
  const workerApis = [api, ...coordinators.slice(1).map((x) => new JsonClient(x.url))];
  const apiOf = (i: number) => workerApis[i % workerApis.length]!;
  try {
    await createJobs(api, c.adminToken, jobs, { command: 'true', fileUrl: 'http://files.invalid/project.zip', filename: 'project.zip' });
    const tokens: string[] = [];
    for (let i = 0; i < workers; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, workers - i) }, (_, k) =>
          apiOf(i + k).call('POST', '/api/workers/register', c.joinToken, { workerId: `sim-${i + k}`, hostname: `sim-${i + k}` }),
        ),
      );
      tokens.push(...batch.map((r) => r.body.workerToken as string));
    }
    const latencies: number[] = [];
    let done = 0;
    let finish!: () => void;
    const finished = new Promise<void>((r) => {
      finish = r;
    });
    await api.call('GET', '/api/coordinator/metrics?reset=true', c.adminToken);
    const started = performance.now();
    let ended = 0;
    // A teacher's dashboard meanwhile, on its own connection (a browser's), measured apart from the workers' chatter.
    const adminApi = new JsonClient(c.url);
    const probing = adminProbe(adminApi, c.adminToken, () => done >= jobs);
    tokens.forEach(
      (token, i) =>
        void (async () => {
          const id = `sim-${i}`;
          while (done < jobs) {
            const got = await apiOf(i)
              .call('GET', `/api/jobs/get-job?workerId=${id}&wait=30`, token)
              .catch(() => null);
            if (!got) continue;
            latencies.push(got.ms);
            if (got.status !== 200) continue;
            const res = await apiOf(i).call('POST', '/api/jobs/submit-result', token, { jobId: got.body.job.jobId, workerId: id, exitCode: 0 });
            latencies.push(res.ms);
            if (++done === jobs) {
              ended = performance.now();
              finish();
            }
          }
        })(),
    );
    await finished;
    const seconds = (ended - started) / 1000;
    const admin = await probing;
    adminApi.close();
    const loop = (await api.call('GET', '/api/coordinator/metrics', c.adminToken)).body.eventLoopDelayMs;
    return { jobsPerS: jobs / seconds, p99: percentile(latencies, 99), adminP99: percentile(admin, 99), loopP99: loop.p99, rss: peakRssMb(c.pid) };
  } finally {
    for (const a of workerApis) a.close();
    await stop();
  }
}

async function benchThroughput(): Promise<void> {
  results.throughput_jobs_per_s = {};
  results.api_p99_ms = {};
  results.coordinator_rss_mb = {};
  for (const n of P.fleet) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await drainRun(n, P.drainJobs);
      runs.push(r);
      log(
        `throughput w${n} run ${run + 1}: ${round(r.jobsPerS)} jobs/s, worker requests p99 ${round(r.p99)} ms, dashboard p99 ${round(r.adminP99)} ms, event-loop delay p99 ${round(r.loopP99)} ms, rss ${round(r.rss)} MB`,
      );
    }
    results.throughput_jobs_per_s[`w${n}`] = summarize(runs.map((r) => r.jobsPerS));
    results.api_p99_ms[`w${n}`] = summarize(runs.map((r) => r.p99));
    (results.admin_p99_ms ??= {})[`w${n}`] = summarize(runs.map((r) => r.adminP99));
    (results.event_loop_p99_ms ??= {})[`w${n}`] = summarize(runs.map((r) => r.loopP99));
    results.coordinator_rss_mb[`w${n}`] = summarize(runs.map((r) => r.rss));
  }
  results.throughput_jobs_per_s.jobs_per_run = P.drainJobs;
}

// ---- campus: 1 coordinator on SQLite, 1 on PostgreSQL, 2 on one PostgreSQL, side by side -------------------------

/** Throughput (simulated workers draining pre-created jobs) and pickup (real workers) per setup, the setups in turn run by run. */
async function benchCampus(): Promise<void> {
  const cluster = await startPostgres({ fsync: true });
  try {
    const start: Record<CampusSetupName, StartSetup> = {
      sqlite_1: singleSqlite,
      postgres_1: onPostgres(cluster, 1),
      postgres_2: onPostgres(cluster, 2),
    };
    const samples = Object.fromEntries(
      CAMPUS_SETUPS.map((name) => [name, { jobsPerS: [] as number[], p99: [] as number[], pickupP50: [] as number[], pickupP99: [] as number[] }]),
    );
    for (let run = 0; run < RUNS; run++) {
      // Each run starts with the next setup, so none is always measured first (or last) on a warming machine.
      for (let k = 0; k < CAMPUS_SETUPS.length; k++) {
        const name = CAMPUS_SETUPS[(run + k) % CAMPUS_SETUPS.length]!;
        const drained = await drainRun(P.campusWorkers, P.drainJobs, start[name]);
        const pickup = await pickupRun(P.pickupJobs, false, start[name]);
        const s = samples[name]!;
        s.jobsPerS.push(drained.jobsPerS);
        s.p99.push(drained.p99);
        s.pickupP50.push(percentile(pickup, 50));
        s.pickupP99.push(percentile(pickup, 99));
        log(
          `campus ${name} run ${run + 1}: ${round(drained.jobsPerS)} jobs/s (${P.campusWorkers} workers), worker requests p99 ${round(drained.p99)} ms, pickup p50 ${round(percentile(pickup, 50))} ms, p99 ${round(percentile(pickup, 99))} ms`,
        );
      }
    }
    results.campus = {
      ...Object.fromEntries(
        CAMPUS_SETUPS.map((name) => {
          const s = samples[name]!;
          return [
            name,
            {
              throughput_jobs_per_s: summarize(s.jobsPerS),
              worker_requests_p99_ms: summarize(s.p99),
              pickup_p50_ms: summarize(s.pickupP50),
              pickup_p99_ms: summarize(s.pickupP99),
            },
          ];
        }),
      ),
      workers: P.campusWorkers,
      jobs_per_run: P.drainJobs,
      pickup_jobs_per_run: P.pickupJobs,
      postgres: { fsync: true, synchronous_commit: 'on' },
      note: CAMPUS_NOTE,
    };
  } finally {
    cluster.stop();
  }
}

// ---- end to end against the machine's floor ------------------------------------------------------

/** The same jobs run by xargs: the machine's floor, measured before our processes start so nothing else competes. */
function xargsFloorSeconds(jobs: number): number {
  const floorStart = performance.now();
  spawnSync('sh', ['-c', `yes true | head -n ${jobs} | xargs -P2 -n1 sh -c`], { stdio: 'ignore' });
  return (performance.now() - floorStart) / 1000;
}

/** One run of each side, back to back, so both see the machine in the same state. */
/** Each phase's mean per job, in ms, from the workers' "job phases" and "job protocol" log lines (a job polled for or not). */
function phaseMeans(logs: any[]): Record<string, number> {
  const sums: Record<string, number> = {};
  const add = (name: string, ms: unknown) => typeof ms === 'number' && (sums[name] = (sums[name] ?? 0) + ms);
  let jobs = 0;
  for (const line of logs) {
    if (line.msg === 'job phases') {
      jobs++;
      for (const [phase, ms] of Object.entries(line.ms ?? {})) add(phase, ms);
    }
    if (line.msg === 'job protocol') {
      add('result POST', line.resultMs);
      add('get-job', line.pollMs);
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, round(v / Math.max(1, jobs))]));
}

async function e2eRun(jobs: number): Promise<{ seconds: number; floor: number; phases: Record<string, number> }> {
  const floor = xargsFloorSeconds(jobs);
  const c = await startCoordinator(['--max-pending-jobs', '100000']);
  const api = new JsonClient(c.url);
  const workers = [startWorker(c, 'e2e-1'), startWorker(c, 'e2e-2')];
  try {
    const fileUrl = await uploadTinyZip(c);
    await idleWorkers(api, c.adminToken, 2);
    const started = performance.now();
    await createJobs(api, c.adminToken, jobs, { command: 'true', fileUrl, filename: 'project.zip' }, 4);
    await waitUntil(
      'all jobs done',
      async () => {
        const res = await api.call('GET', '/api/jobs/create?status=completed&limit=1', c.adminToken);
        return res.body.total >= jobs + 1;
      },
      600_000,
      50,
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds, floor, phases: phaseMeans(workers.flatMap((w) => w.logs)) };
  } finally {
    api.close();
    await Promise.all(workers.map((w) => w.stop()));
    await c.stop();
  }
}

async function benchE2e(): Promise<void> {
  const runs: Awaited<ReturnType<typeof e2eRun>>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await e2eRun(P.e2eJobs);
    runs.push(r);
    log(`e2e run ${run + 1}: ${round(r.seconds)} s vs floor ${round(r.floor)} s (x${round(r.seconds / r.floor)}); per job, ms: ${JSON.stringify(r.phases)}`);
  }
  const phaseNames = Object.keys(runs[0]?.phases ?? {});
  results.e2e = {
    seconds: summarize(runs.map((r) => r.seconds)),
    floor_seconds: summarize(runs.map((r) => r.floor)),
    ratio: summarize(runs.map((r) => r.seconds / r.floor)),
    jobs_per_run: P.e2eJobs,
    // Mean ms per job on a worker, phase by phase (the worker's own clock): where the time goes.
    phases_ms: Object.fromEntries(phaseNames.map((name) => [name, summarize(runs.map((r) => r.phases[name] ?? 0))])),
  };
}

// ---- transfer: a big zip up through /api/execute and down by a worker ---------------------------

async function bigZip(dir: string, mb: number): Promise<string> {
  const path = join(dir, 'big.zip');
  const zip = new yazl.ZipFile();
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const { Readable } = await import('node:stream');
  let left = mb;
  const source = new Readable({
    read() {
      this.push(left-- > 0 ? chunk : null);
    },
  });
  zip.addReadStream(source, 'data.bin', { compress: false, size: mb * 1024 * 1024 });
  zip.end();
  await new Promise<void>((resolve, reject) =>
    zip.outputStream
      .pipe(createWriteStream(path))
      .on('finish', () => resolve())
      .on('error', reject),
  );
  return path;
}

/** Uploads with curl, as the README tells an admin to (curl streams from disk and reports its speed). */
function uploadFile(c: BenchCoordinator, path: string): { seconds: number; jobId: string } {
  const out = spawnSync(
    'curl',
    [
      '-s',
      '-w',
      '\n%{time_total}',
      '-H',
      `Authorization: Bearer ${c.adminToken}`,
      '-F',
      `file=@${path}`,
      '-F',
      'commands=true',
      '-F',
      'mode=distributed',
      `${c.url}/api/execute`,
    ],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 },
  );
  const lines = out.stdout.trim().split('\n');
  const seconds = Number(lines.pop());
  const body = JSON.parse(lines.join('\n'));
  if (!body.jobId) throw new Error(`upload failed: ${out.stdout.slice(0, 300)} ${out.stderr}`);
  return { seconds, jobId: body.jobId };
}

async function benchTransfer(): Promise<void> {
  const dir = tempDir();
  const zipPath = await bigZip(dir, P.transferMb);
  const mb = statSync(zipPath).size / (1024 * 1024);
  const up: number[] = [];
  const down: number[] = [];
  const rss: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const c = await startCoordinator(['--max-upload-mb', String(P.transferMb * 2)]);
      const api = new JsonClient(c.url);
      const worker = startWorker(c, 'transfer', ['--max-extract-mb', String(P.transferMb * 2)]);
      try {
        await idleWorkers(api, c.adminToken, 1);
        const upload = uploadFile(c, zipPath);
        const line = await worker.waitLog((l) => l.msg === 'bundle downloaded', 300_000);
        await waitUntil(
          'job done',
          async () => (await api.call('GET', `/api/jobs/status?jobId=${upload.jobId}`, c.adminToken)).body.status === 'completed',
          300_000,
          100,
        );
        up.push(mb / upload.seconds);
        down.push(mb / (line.ms / 1000));
        rss.push(peakRssMb(c.pid));
        log(
          `transfer run ${run + 1}: ${round(mb)} MB up ${round(mb / upload.seconds)} MB/s, down ${round(mb / (line.ms / 1000))} MB/s, coordinator peak ${round(peakRssMb(c.pid))} MB`,
        );
      } finally {
        api.close();
        await worker.stop();
        await c.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.upload = { mb_per_s: summarize(up), coordinator_peak_rss_mb: summarize(rss), size_mb: round(mb) };
  results.download = { mb_per_s: summarize(down), size_mb: round(mb) };
}

// ---- output: a job printing 200 MB ---------------------------------------------------------------

async function benchOutput(): Promise<void> {
  const workerRss: number[] = [];
  const coordRss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c = await startCoordinator();
    const api = new JsonClient(c.url);
    const worker = startWorker(c, 'output');
    try {
      const fileUrl = await uploadTinyZip(c);
      await idleWorkers(api, c.adminToken, 1);
      const res = await api.call('POST', '/api/jobs/create', c.adminToken, {
        command: `head -c ${P.outputMb * 1000 * 1000} /dev/zero | tr '\\0' x`,
        fileUrl,
        filename: 'project.zip',
      });
      // Watched through the job list (no output in it), as the dashboard does, not by reading 16 MB of status 10 times a second.
      await waitUntil(
        'job done',
        async () => (await api.call('GET', '/api/jobs/create?status=completed&limit=1', c.adminToken)).body.jobs[0]?.jobId === res.body.jobId,
        300_000,
        100,
      );
      workerRss.push(peakRssMb(worker.pid));
      coordRss.push(peakRssMb(c.pid));
      log(`output run ${run + 1}: worker peak ${round(peakRssMb(worker.pid))} MB, coordinator peak ${round(peakRssMb(c.pid))} MB`);
    } finally {
      api.close();
      await worker.stop();
      await c.stop();
    }
  }
  results.output = { worker_peak_rss_mb: summarize(workerRss), coordinator_peak_rss_mb: summarize(coordRss), output_mb: P.outputMb };
}

// ---- runs: a broadcast to 1,000 simulated workers, and a map of 500 zips ------------------------

async function runsRun(workers: number, zips: number): Promise<{ createMs: number; assignedMs: number; cpuPct: number; mapCreateMs: number }> {
  const c = await startCoordinator(['--max-pending-jobs', '1000000']);
  const api = new JsonClient(c.url);
  try {
    const tokens: string[] = [];
    for (let i = 0; i < workers; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, workers - i) }, (_, k) =>
          api.call('POST', '/api/workers/register', c.joinToken, { workerId: `sim-${i + k}`, hostname: `sim-${i + k}`, tags: ['lab'] }),
        ),
      );
      tokens.push(...batch.map((r) => r.body.workerToken as string));
    }
    let assigned = 0;
    let allAssigned!: () => void;
    const everyone = new Promise<void>((r) => (allAssigned = r));
    // Every simulated worker waits in its long poll, takes one job of the run and reports it.
    tokens.forEach(
      (token, i) =>
        void (async () => {
          const id = `sim-${i}`;
          for (let attempt = 0; attempt < 10; attempt++) {
            const got = await api.call('GET', `/api/jobs/get-job?workerId=${id}&wait=30`, token).catch(() => null);
            if (got?.status !== 200) continue;
            if (++assigned === workers) allAssigned();
            await api.call('POST', '/api/jobs/submit-result', token, { jobId: got.body.job.jobId, workerId: id, exitCode: 0 });
            return;
          }
        })(),
    );
    await sleep(2000); // all polls waiting
    const cpu0 = cpuSeconds(c.pid);
    const t0 = performance.now();
    const created = await api.call('POST', '/api/runs/create', c.adminToken, {
      mode: 'each',
      commands: 'true',
      fileUrl: 'http://files.invalid/p.zip',
      target: { tags: ['lab'] },
    });
    const createMs = performance.now() - t0;
    if (created.body.count !== workers) throw new Error(`run create: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
    await everyone;
    const assignedMs = performance.now() - t0;
    const cpuPct = ((cpuSeconds(c.pid) - cpu0) / (assignedMs / 1000)) * 100;
    // A map run of `zips` small zips, uploaded in one multipart request.
    const zip = new Blob([new Uint8Array(await zipFiles([{ name: 'a.txt', content: 'student\n' }]))]);
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'true');
    for (let i = 0; i < zips; i++) form.append('file', zip, `student-${i}.zip`);
    const t1 = performance.now();
    const map = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.adminToken}` } });
    const mapCreateMs = performance.now() - t1;
    if (map.status !== 200) throw new Error(`map create: ${map.status} ${await map.text()}`);
    return { createMs, assignedMs, cpuPct, mapCreateMs };
  } finally {
    api.close();
    await c.stop();
  }
}

async function benchRuns(): Promise<void> {
  const create: number[] = [];
  const assigned: number[] = [];
  const cpu: number[] = [];
  const map: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await runsRun(1000, 500);
    create.push(r.createMs);
    assigned.push(r.assignedMs);
    cpu.push(r.cpuPct);
    map.push(r.mapCreateMs);
    log(
      `runs ${run + 1}: broadcast to 1000 created in ${round(r.createMs)} ms, all assigned in ${round(r.assignedMs)} ms (coordinator ${round(r.cpuPct)}% CPU), map of 500 zips created in ${round(r.mapCreateMs)} ms`,
    );
  }
  results.runs = {
    broadcast_create_ms: summarize(create),
    all_assigned_ms: summarize(assigned),
    coordinator_cpu_pct: summarize(cpu),
    map_create_ms: summarize(map),
    workers: 1000,
    zips: 500,
  };
}

// ---- log: a 100 MB, 1,000,000-line log with stderr interleaved, watched in Chromium; cancel latency --

const LOG_LINES = Number(process.env.CMDX_BENCH_LOG_LINES) || 1_000_000;
/** 1,000,000 lines of 100 bytes; every 10th on stderr. */
const LOG_COMMAND = `awk 'BEGIN { pad = sprintf("%86s", ""); gsub(/ /, "x", pad); for (i = 0; i < ${LOG_LINES}; i++) { if (i % 10 == 9) printf "err  %07d %s\\n", i, pad > "/dev/stderr"; else printf "line %07d %s\\n", i, pad } }'\necho end-of-the-log`;
/** The log's last line: the second command's, so it is last whichever pipe the worker read last. */
const LAST_LINE = 'end-of-the-log';

/** Logs in to the dashboard in a fresh context; returns the context (the token stays for its pages). */
async function dashboardContext(browser: Browser, c: BenchCoordinator) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(c.url);
  await page.getByRole('button', { name: 'Use the admin token' }).click();
  await page.getByLabel('Admin token').fill(c.adminToken);
  await page.getByRole('button', { name: 'Open dashboard' }).click();
  await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
  return { context, page };
}

/** Bytes the coordinator sends one page: WebSocket frames plus HTTP bodies (log pages, the job, the lists). */
function countBytes(page: Page): () => number {
  let bytes = 0;
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => (bytes += Buffer.byteLength(payload))));
  page.on('response', (res) => {
    if (res.url().includes('/api/'))
      void res
        .body()
        .then((b) => (bytes += b.length))
        .catch(() => {});
  });
  return () => bytes;
}

async function benchLog(): Promise<void> {
  const ratio: number[] = [];
  const tailMs: number[] = [];
  const workerRss: number[] = [];
  const coordRss: number[] = [];
  let logMb = 0;
  const browser = await launchChromium();
  try {
    for (let run = 0; run < RUNS; run++) {
      const c = await startCoordinator(['--max-output-mb', '128']);
      const api = new JsonClient(c.url);
      const worker = startWorker(c, 'log', ['--max-output-mb', '256']);
      try {
        const fileUrl = await uploadTinyZip(c);
        await idleWorkers(api, c.adminToken, 1);
        const { context } = await dashboardContext(browser, c);
        const res = await api.call('POST', '/api/jobs/create', c.adminToken, { command: LOG_COMMAND, fileUrl, filename: 'log.zip', timeoutSeconds: 600 });
        const jobId = res.body.jobId as string;
        // One page open on the job from its start to its end.
        const watcher = await context.newPage();
        const sent = countBytes(watcher);
        await watcher.goto(`${c.url}/#/jobs/${jobId}`);
        await waitUntil(
          'log job done',
          async () => (await api.call('GET', '/api/jobs/create?status=completed&limit=1', c.adminToken)).body.jobs[0]?.jobId === jobId,
          600_000,
          200,
        );
        const lastLine = LAST_LINE;
        await watcher.locator('.xterm-rows').filter({ hasText: lastLine }).waitFor({ timeout: 120_000 });
        await sleep(1000); // frames still on their way are counted
        const size = Number(
          (
            await fetch(`${c.url}/api/jobs/log?jobId=${jobId}&format=text`, { headers: { authorization: `Bearer ${c.adminToken}` } }).then((r) =>
              r.arrayBuffer(),
            )
          ).byteLength,
        );
        logMb = size / 1e6;
        ratio.push(sent() / size);
        workerRss.push(peakRssMb(worker.pid));
        coordRss.push(peakRssMb(c.pid));
        await watcher.close();
        // The finished job opened afresh: from navigation to its last line on screen.
        const reader = await context.newPage();
        const started = performance.now();
        await reader.goto(`${c.url}/#/jobs/${jobId}`);
        await reader.locator('.xterm-rows').filter({ hasText: lastLine }).waitFor({ timeout: 60_000 });
        tailMs.push(performance.now() - started);
        log(
          `log run ${run + 1}: ${round(logMb)} MB log, page got ${round(ratio.at(-1)!)}× its size, tail on screen in ${Math.round(tailMs.at(-1)!)} ms, worker ${round(workerRss.at(-1)!)} MB, coordinator ${round(coordRss.at(-1)!)} MB`,
        );
        await context.close();
      } finally {
        api.close();
        await worker.stop();
        await c.stop();
      }
    }
  } finally {
    await browser.close();
  }
  results.log = {
    page_bytes_ratio: summarize(ratio),
    tail_on_screen_ms: summarize(tailMs),
    worker_peak_rss_mb: summarize(workerRss),
    coordinator_peak_rss_mb: summarize(coordRss),
    log_mb: round(logMb),
    lines: LOG_LINES,
  };
}

/** 20 cancels of a silent job: from the cancel request to the job's process group gone (heartbeats at the default 10 s). */
async function benchCancel(): Promise<void> {
  const c = await startCoordinator();
  const api = new JsonClient(c.url);
  const worker = startWorker(c, 'cancel');
  // The job runs as the job account with a private /tmp (a root worker): the box lives outside the temp folders.
  const boxes = '/var/lib/cmdx-bench-boxes';
  if (process.getuid?.() === 0) mkdirSync(boxes, { recursive: true, mode: 0o755 });
  const box = process.getuid?.() === 0 ? mkdtempSync(join(boxes, 'box-')) : tempDir('cmdx-bench-box-');
  chmodSync(box, 0o1777);
  const times: number[] = [];
  try {
    const fileUrl = await uploadTinyZip(c);
    await idleWorkers(api, c.adminToken, 1);
    for (let i = 0; i < 20; i++) {
      const pidFile = join(box, `pid-${i}`);
      // The pid as the job sees it, with its PID namespace: found from outside by its NSpid.
      const res = await api.call('POST', '/api/jobs/create', c.adminToken, {
        command: `sleep 300 & echo "$(readlink /proc/self/ns/pid) $!" > ${pidFile}; wait`,
        fileUrl,
        filename: 'p.zip',
      });
      let pid = 0;
      await waitUntil('pid file', () => (pid = pidOutsideNamespace(readIfExists(pidFile) ?? '') ?? 0) > 0, 20_000, 10);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      await sleep(200);
      const started = performance.now();
      await api.call('POST', '/api/jobs/cancel', c.adminToken, { jobId: res.body.jobId });
      await waitUntil('process group gone', () => !groupAlive(pgid), 30_000, 5);
      times.push(performance.now() - started);
      await waitUntil(
        'worker idle again',
        async () => (await api.call('GET', '/api/workers/register', c.adminToken)).body.workers[0]?.status === 'idle',
        30_000,
        20,
      );
    }
  } finally {
    api.close();
    await worker.stop();
    await c.stop();
    rmSync(box, { recursive: true, force: true });
  }
  results.cancel_ms = { p50: round(percentile(times, 50)), max: round(Math.max(...times)), cancels: times.length };
  log(`cancel: p50 ${round(percentile(times, 50))} ms, max ${round(Math.max(...times))} ms over ${times.length}`);
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether any live process is in the group; a zombie counts as gone (it waits only for init to reap it). */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readIfExists(`/proc/${entry}/stat`);
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

// ---- idle fleet: 1000 simulated workers heartbeating and long-polling ---------------------------

async function benchIdleFleet(): Promise<void> {
  const cpu: number[] = [];
  const p99: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c = await startCoordinator();
    const api = new JsonClient(c.url);
    let running = true;
    try {
      const tokens: string[] = [];
      for (let i = 0; i < P.idleWorkers; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, P.idleWorkers - i) }, (_, k) =>
            api.call('POST', '/api/workers/register', c.joinToken, { workerId: `idle-${i + k}`, hostname: `idle-${i + k}` }),
          ),
        );
        tokens.push(...batch.map((r) => r.body.workerToken as string));
      }
      const beats: number[] = [];
      let measuring = false; // the first seconds, while 1000 long polls connect at once, are not the idle state
      const loops = tokens.map((token, i) => {
        const id = `idle-${i}`;
        const poll = (async () => {
          while (running) await api.call('GET', `/api/jobs/get-job?workerId=${id}&wait=30`, token).catch(() => sleep(100));
        })();
        const beat = (async () => {
          await sleep(Math.random() * 10_000);
          while (running) {
            const r = await api.call('POST', '/api/workers/heartbeat', token, { workerId: id, jobId: null }).catch(() => null);
            if (r && running && measuring) beats.push(r.ms);
            await sleep(10_000);
          }
        })();
        return Promise.all([poll, beat]);
      });
      await sleep(2000); // let every long poll arrive
      measuring = true;
      const cpuStart = cpuSeconds(c.pid);
      const t0 = performance.now();
      await sleep(P.idleSeconds * 1000);
      const pct = ((cpuSeconds(c.pid) - cpuStart) / ((performance.now() - t0) / 1000)) * 100;
      cpu.push(pct);
      p99.push(percentile(beats, 99));
      rss.push(rssMb(c.pid)); // at the end of the idle minute: what a lab's coordinator holds while nothing runs
      log(
        `idle fleet run ${run + 1}: coordinator ${round(pct)}% of a core, heartbeat p99 ${round(percentile(beats, 99))} ms (${beats.length} beats), RSS ${rss.at(-1)} MB`,
      );
      running = false;
      void loops;
    } finally {
      api.close();
      await c.stop();
    }
  }
  results.idle_fleet = {
    coordinator_cpu_pct: summarize(cpu),
    heartbeat_p99_ms: summarize(p99),
    coordinator_rss_mb: summarize(rss),
    workers: P.idleWorkers,
    seconds: P.idleSeconds,
  };
}

// ---- main ----------------------------------------------------------------------------------------

const SCENARIOS: [string, () => Promise<void>][] = [
  ['pickup', benchPickup],
  ['seed', benchSeedPolling],
  ['throughput', benchThroughput],
  ['campus', benchCampus],
  ['e2e', benchE2e],
  ['transfer', benchTransfer],
  ['output', benchOutput],
  ['runs', benchRuns],
  ['log', benchLog],
  ['cancel', benchCancel],
  ['idle', benchIdleFleet],
  [
    'dashboard',
    async () => {
      results.dashboard = await benchDashboard(log);
    },
  ],
  [
    'similarity',
    async () => {
      results.similarity = await benchSimilarity(RUNS, log);
    },
  ],
  [
    'fanout',
    async () => {
      results.fanout = await benchFanout({ sizeMb: P.fanoutMb, counts: FANOUT_COUNTS, log });
    },
  ],
];

// `--compare` alone: the last full run against the one before it, without running anything.
if (args.includes('--compare') && args.length === 1) {
  const history = readHistory();
  if (history.length < 2) console.log(`bench/history.jsonl holds ${history.length} full run(s); a comparison needs two (npm run bench).`);
  else console.log(comparisonText(history.at(-2)!, history.at(-1)!));
  process.exit(0);
}

const started = Date.now();
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
for (const [name, run] of SCENARIOS) {
  if (ONLY && !ONLY.includes(name)) continue;
  log(`${name}…`);
  await run();
}
results.meta = {
  quick: QUICK,
  runs_per_figure: RUNS,
  commit,
  node: process.version,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model,
  finished_at: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
};
const out = fileURLToPath(new URL('./results.json', import.meta.url));
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
const { text: printed, figures } = tableOf(results, P);
// Only a full run of every scenario is history: a quick or partial run is not comparable with one.
if (!QUICK && !ONLY) {
  const previous = readHistory().at(-1);
  const line = historyLine(figures, { ...results.meta, node: process.version });
  appendHistory(line);
  if (previous) console.log(`\n${comparisonText(previous, line)}`);
}
if (results.campus) console.log(`\nCampus (${CAMPUS_SETUPS.map((n) => CAMPUS_LABELS[n]).join('; ')}): ${CAMPUS_NOTE}`);
console.log(
  `\n${printed}\n\n${QUICK ? 'Quick run' : 'Full run'} on ${results.meta.finished_at.slice(0, 10)} in ${results.meta.seconds} s: ${results.meta.cpus} × ${results.meta.cpu_model}, Node ${process.version}; written to bench/results.json`,
);
process.exit(0);
