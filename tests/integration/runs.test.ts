/**
 * Runs against real worker processes with tags: a broadcast that waits for a stopped PC, a deadline,
 * maxParallel, a targeted job, a map over 20 zips with scores and CSV, groups and re-running the failed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCsv } from '../helpers/csv.ts';
import { zipFiles } from '../../electron/core/runner/zip-writer.ts';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

interface Worker {
  id: string;
  workDir: string;
  tags: string;
  proc: CliProcess;
}

describe('runs on real workers', () => {
  let c: TestCoordinator;
  let t: Target;
  const workers: Worker[] = [];

  const start = (id: string, tags: string, workDir = tempDir('cmdx-worker-')): Worker => {
    const proc = startCli(['worker', '--server', c.url, '--id', id, '--work-dir', workDir, '--tags', tags, '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    return { id, workDir, tags, proc };
  };
  const waitIdle = (ids: string[]) =>
    waitFor(
      `${ids.join(', ')} idle`,
      async () => {
        const list = await listWorkers(t);
        return ids.every((id) => list.find((w) => w.workerId === id)?.status === 'idle') || undefined;
      },
      30_000,
    );
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await c.api(method, path, body === undefined ? {} : { body });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const runDone = (runId: string, timeoutMs = 60_000) =>
    waitFor(
      `run ${runId} done`,
      async () => {
        const status = await api('GET', `/api/runs/status?runId=${runId}`);
        return status.completedAt !== null ? status : undefined;
      },
      timeoutMs,
      100,
    );

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 2 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    for (let i = 1; i <= 5; i++) workers.push(start(`pc-${i}`, i <= 3 ? 'room-a' : 'room-b,gpu'));
    await waitIdle(workers.map((w) => w.id));
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.proc.kill('SIGKILL')));
    await c?.close();
  });

  it('broadcasts to 5 PCs, one stopped: 4 finish, the fifth runs when its PC comes back', async () => {
    const stopped = workers[4]!;
    await stopped.proc.kill('SIGKILL');
    await waitFor('pc-5 offline', async () => (await listWorkers(t)).find((w) => w.workerId === 'pc-5')?.status === 'offline' || undefined, 15_000);
    const run = await api('POST', '/api/runs/create', { mode: 'each', commands: 'echo "on $CMDX_PC"; echo same-everywhere' });
    assert.equal(run.count, 5);
    await waitFor(
      'four of five done',
      async () => {
        const s = await api('GET', `/api/runs/status?runId=${run.runId}`);
        return s.summary.passed === 4 ? s : undefined;
      },
      30_000,
    );
    const waiting = await api('GET', `/api/runs/status?runId=${run.runId}`);
    assert.deepEqual({ pending: waiting.summary.pending, waitingOffline: waiting.summary.waitingOffline }, { pending: 1, waitingOffline: 1 });
    workers[4] = start('pc-5', stopped.tags, stopped.workDir); // same work dir: same identity
    const done = await runDone(run.runId);
    assert.equal(done.summary.passed, 5);
    assert.deepEqual(done.jobs.map((j: any) => j.workerId).sort(), ['pc-1', 'pc-2', 'pc-3', 'pc-4', 'pc-5']);
    assert.deepEqual(
      done.groups.map((g: any) => g.count),
      [5],
      'the same commands print the same on every PC: one group',
    );
  });

  it('fails a job at the deadline when its PC never comes back', async () => {
    await workers[3]!.proc.kill('SIGKILL');
    await waitFor('pc-4 offline', async () => (await listWorkers(t)).find((w) => w.workerId === 'pc-4')?.status === 'offline' || undefined, 15_000);
    const run = await api('POST', '/api/runs/create', { mode: 'each', commands: 'true', target: { tags: ['room-b'] }, deadlineSeconds: 2 });
    const done = await runDone(run.runId, 20_000);
    const byWorker = Object.fromEntries(done.jobs.map((j: any) => [j.workerId, j]));
    assert.equal(byWorker['pc-5'].status, 'completed');
    assert.equal(byWorker['pc-4'].status, 'failed');
    assert.equal(byWorker['pc-4'].endReason, 'worker_offline');
    workers[3] = start('pc-4', workers[3]!.tags, workers[3]!.workDir);
    await waitIdle(['pc-4']);
  });

  it('never runs more than maxParallel of a broadcast at once', async () => {
    const box = dropBox();
    const log = join(box, 'spans');
    const run = await api('POST', '/api/runs/create', {
      mode: 'each',
      commands: `echo "start $(date +%s%N)" >> ${log}; sleep 0.6; echo "end $(date +%s%N)" >> ${log}`,
      maxParallel: 2,
    });
    assert.equal(run.count, 5);
    const done = await runDone(run.runId);
    assert.equal(done.summary.passed, 5);
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([kind, ns]) => ({ kind, at: BigInt(ns!) }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.kind === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    assert.equal(events.length, 10);
    assert.equal(most, 2, 'two at a time, and never three');
  });

  it('gives a job targeted at one PC to that PC only', async () => {
    const jobIds = [];
    for (let i = 0; i < 3; i++) jobIds.push(await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'true', { target: JSON.stringify({ workers: ['pc-2'] }) }));
    for (const jobId of jobIds) assert.equal((await waitForJob(t, jobId)).workerId, 'pc-2');
    const refused = await fetch(`${c.url}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.tokens.adminToken}` },
      body: (() => {
        const form = new FormData();
        form.set('file', new Blob([new Uint8Array([0x50, 0x4b, 5, 6, ...new Array<number>(18).fill(0)])]), 'a.zip');
        form.set('commands', 'true');
        form.set('mode', 'distributed');
        form.set('target', JSON.stringify({ tags: ['room-z'] }));
        return form;
      })(),
    });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as any).error, /No registered worker matches the target \(PCs tagged room-z\)/);
  });

  it('maps 20 zips over the workers, exports a CSV whose rows match the jobs, and re-runs exactly the failed', async () => {
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'sh grade.sh');
    form.set('scorePattern', 'SCORE=(\\d+)');
    for (let i = 0; i < 20; i++) {
      const script = `echo "grading student ${i}"\necho "SCORE=${i * 5}"\nexit ${i % 7 === 0 ? 1 : 0}\n`;
      form.append('file', new Blob([new Uint8Array(await zipFiles([{ name: 'grade.sh', content: script }]))]), `student-${String(i).padStart(2, '0')}.zip`);
    }
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const created = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(created));
    assert.equal(created.count, 20);
    const done = await runDone(created.runId, 90_000);
    assert.equal(done.summary.total, 20);
    assert.equal(done.summary.failed, 3, 'students 0, 7 and 14 exit 1');
    assert.ok(new Set(done.jobs.map((j: any) => j.workerId)).size >= 2, 'spread over the workers');

    const csv = await (
      await fetch(`${c.url}/api/runs/export?runId=${created.runId}&format=csv`, { headers: { authorization: `Bearer ${c.tokens.adminToken}` } })
    ).text();
    const rows = parseCsv(csv).slice(1);
    assert.equal(rows.length, 20);
    for (const row of rows) {
      const job = done.jobs.find((j: any) => j.filename === row[0]);
      assert.ok(job, `a job for ${row[0]}`);
      const i = Number(row[0]!.slice(8, 10));
      assert.deepEqual([row[1], row[3], row[4], row[6]], [job.workerId, job.status, String(job.exitCode), String(i * 5)]);
    }

    const rerun = await api('POST', '/api/runs/rerun', { runId: created.runId, only: 'failed' });
    assert.equal(rerun.count, 3);
    const again = await runDone(rerun.runId);
    assert.deepEqual(again.jobs.map((j: any) => j.filename).sort(), ['student-00.zip', 'student-07.zip', 'student-14.zip']);
  });
});
