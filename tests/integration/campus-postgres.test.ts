/**
 * Two coordinators on one PostgreSQL, as real processes with one identity and one shared files folder: a job is
 * handed out once whichever coordinator the workers ask, a job created on one wakes a worker waiting on the other,
 * a dashboard on one sees changes made on the other, the duties move when their holder is killed, and a real
 * worker carries its running job over to the survivor.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { formatJoinLine } from '../../shared/join-line.ts';
import { presentedCertificate } from '../../electron/core/pinned-tls.ts';
import { tempDir } from '../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../helpers/jobs.ts';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.ts';
import { CLI, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

const PASSPHRASE = 'a campus passphrase for the test';
const FILE = 'https://example.invalid/p.zip';

interface Coordinator extends CliProcess {
  port: number;
  url: string;
}

describe('two coordinators on one PostgreSQL', () => {
  let pg: PostgresCluster;
  const processes: CliProcess[] = [];
  let a: Coordinator;
  let b: Coordinator;
  let tokens: { adminToken: string; joinToken: string };

  async function startCoordinator(dataDir: string, filesDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Coordinator> {
    const args = ['coordinator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--files-dir', filesDir, '--offline-after', '6', ...extra];
    const cli = startCli(args, { CMDX_DATABASE: pg.url, ...env });
    processes.push(cli);
    const line = await cli.waitForLog((l) => l.msg === 'coordinator listening');
    const port = Number(new URL(line.url as string).port);
    return Object.assign(cli, { port, url: `http://127.0.0.1:${port}` });
  }

  async function api(c: Coordinator, method: string, path: string, body?: unknown, token = tokens.adminToken): Promise<{ status: number; body: any }> {
    const res = await fetch(`${c.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.json() };
  }

  /** A simulated worker: registers on `c` with the join token, and answers with its own token from then on. */
  async function register(c: Coordinator, workerId: string): Promise<string> {
    const res = await api(c, 'POST', '/api/workers/register', { workerId, hostname: workerId }, tokens.joinToken);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.token as string;
  }

  before(async () => {
    pg = await startPostgres();
    const files = tempDir('cmdx-campus-files-');
    const aDir = tempDir('cmdx-campus-a-');
    a = await startCoordinator(aDir, files);
    tokens = JSON.parse(readFileSync(join(aDir, 'tokens.json'), 'utf8'));
    const identity = join(tempDir('cmdx-campus-id-'), 'campus.identity');
    const exported = spawnSync(process.execPath, [CLI, 'coordinator', 'export-identity', '--data-dir', aDir, '--out', identity], {
      env: { ...process.env, CMDX_IDENTITY_PASSPHRASE: PASSPHRASE },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(exported.status, 0, exported.stderr);
    b = await startCoordinator(tempDir('cmdx-campus-b-'), files, ['--identity', identity], { CMDX_IDENTITY_PASSPHRASE: PASSPHRASE });
  });

  after(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    pg?.stop();
  });

  it('hands each of 300 jobs to exactly one of 8 workers, 4 asking each coordinator', async () => {
    const workers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => register(i % 2 ? b : a, `claim-${i}`).then((token) => ({ id: `claim-${i}`, token, c: i % 2 ? b : a }))),
    );
    const created = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const res = await api(i % 2 ? b : a, 'POST', '/api/jobs/create', { command: `echo ${i}`, fileUrl: FILE, filename: 'p.zip' });
      assert.equal(res.status, 200);
      created.add(res.body.jobId);
    }
    const given: string[] = [];
    const deadline = Date.now() + 120_000;
    await Promise.all(
      workers.map(async (w) => {
        while (given.length < 300 && Date.now() < deadline) {
          const got = await api(w.c, 'GET', `/api/jobs/get-job?workerId=${w.id}&wait=1`, undefined, w.token);
          if (got.status !== 200) continue;
          given.push(got.body.job.jobId);
          const done = await api(w.c, 'POST', '/api/jobs/submit-result', { jobId: got.body.job.jobId, workerId: w.id, stdout: 'ok', exitCode: 0 }, w.token);
          assert.equal(done.status, 200, JSON.stringify(done.body));
        }
      }),
    );
    assert.equal(given.length, 300, 'every job handed out');
    assert.equal(new Set(given).size, 300, 'no job handed out twice');
    assert.deepEqual(new Set(given), created);
    const counts = (await api(a, 'GET', '/api/jobs/counts')).body;
    assert.deepEqual([counts.passed, counts.active], [300, 0], JSON.stringify(counts));
  });

  it('wakes a worker long-polling one coordinator when a job is created on the other', async () => {
    const token = await register(b, 'waiter');
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const waiting = api(b, 'GET', '/api/jobs/get-job?workerId=waiter&wait=20', undefined, token);
      await waitFor('the long poll held on b', async () => (await api(b, 'GET', '/api/coordinator/metrics')).body.waitingWorkers > 0 || undefined);
      const created = performance.now();
      const res = await api(a, 'POST', '/api/jobs/create', { command: 'echo woken', fileUrl: FILE, filename: 'p.zip', target: { workers: ['waiter'] } });
      const got = await waiting;
      latencies.push(performance.now() - created);
      assert.equal(got.status, 200);
      assert.equal(got.body.job.jobId, res.body.jobId);
      await api(b, 'POST', '/api/jobs/submit-result', { jobId: res.body.jobId, workerId: 'waiter', exitCode: 0 }, token);
    }
    latencies.sort((x, y) => x - y);
    process.stdout.write(
      `# cross-coordinator pickup (create on a → worker on b answered): median ${latencies[5]!.toFixed(1)} ms, max ${latencies[9]!.toFixed(1)} ms\n`,
    );
    assert.ok(latencies[9]! < 20_000 * 0.75, 'answered by the wake, not by the wait running out');
  });

  it('serves a zip uploaded to one coordinator from the other (the shared --files-dir)', async () => {
    const jobId = await submitZip({ url: a.url, adminToken: tokens.adminToken }, [{ name: 'x.txt', content: 'shared\n' }], 'cat x.txt');
    const job = (await api(b, 'GET', `/api/jobs/status?jobId=${jobId}`)).body;
    const zip = await fetch(`${b.url}${new URL(job.fileUrl, b.url).pathname}`, { headers: { authorization: `Bearer ${tokens.adminToken}` } });
    assert.equal(zip.status, 200);
    const bytes = Buffer.from(await zip.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip');
    assert.equal((await api(b, 'POST', '/api/jobs/cancel', { jobId })).status, 200);
  });

  it("shows a dashboard connected to one coordinator the other's changes", async () => {
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/ws`, ['cmdx', `cmdx-token.${tokens.adminToken}`]);
    const seen: string[] = [];
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as { type: string; jobs?: { jobId: string }[] };
      if (m.type === 'changes') seen.push(...(m.jobs ?? []).map((j) => j.jobId));
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      const res = await api(a, 'POST', '/api/jobs/create', { command: 'echo seen', fileUrl: FILE, filename: 'p.zip' });
      await waitFor('the job on the dashboard of the other coordinator', () => seen.includes(res.body.jobId) || undefined, 10_000);
    } finally {
      ws.close();
    }
  });

  it('moves the duties and a running job to the survivor when the other is killed', async () => {
    const leader = await waitFor<Coordinator>('a duty holder', () =>
      [a, b].find((c) => c.logs.some((l) => l.msg?.startsWith('this coordinator runs the campus duties'))),
    );
    const survivor = leader === a ? b : a;
    const fingerprint = (await presentedCertificate(new URL(`https://127.0.0.1:${leader.port}`), 5000)).fingerprint;
    const line = formatJoinLine('127.0.0.1', leader.port, fingerprint, tokens.joinToken, [`127.0.0.1:${survivor.port}`]);
    const worker = startCli(['worker', '--join', line, '--id', 'campus-pc', '--work-dir', tempDir('cmdx-campus-w-'), '--heartbeat-interval', '1']);
    processes.push(worker);
    await waitFor(
      'the worker online',
      async () =>
        (await api(leader, 'GET', '/api/workers/register')).body.workers.some((w: any) => w.workerId === 'campus-pc' && w.status !== 'offline') || undefined,
    );
    const jobId = await submitZip(
      { url: leader.url, adminToken: tokens.adminToken },
      [{ name: 'run.sh', content: 'echo started; sleep 3; echo carried over\n' }],
      'sh run.sh',
      {
        target: JSON.stringify({ workers: ['campus-pc'] }),
      },
    );
    // Killed while the job's command runs (a kill during its download is the unit test's: download-failover.test.ts).
    await waitForJob({ url: survivor.url, adminToken: tokens.adminToken }, jobId, (j) => j.status === 'running' && /started/.test(j.stdout));
    await leader.kill('SIGKILL');
    const killedAt = performance.now();
    await survivor.waitForLog((l) => l.msg?.startsWith('this coordinator runs the campus duties') ?? false, 10_000);
    const dutiesMs = performance.now() - killedAt;
    const moved = await worker.waitForLog((l) => l.msg === 'coordinator moved', 10_000);
    const movedMs = performance.now() - killedAt;
    assert.equal(moved.to, `https://127.0.0.1:${survivor.port}`);
    const job = await waitForJob({ url: survivor.url, adminToken: tokens.adminToken }, jobId, undefined, 30_000);
    process.stdout.write(`# failover: duties taken over ${Math.round(dutiesMs)} ms after kill -9, the worker moved after ${Math.round(movedMs)} ms\n`);
    assert.deepEqual([job.status, job.exitCode, job.attempts ?? 1], ['completed', 0, 1], JSON.stringify(job));
    assert.match(job.stdout, /carried over/);
    assert.ok(dutiesMs < 10_000 && movedMs < 10_000);
  });
});
