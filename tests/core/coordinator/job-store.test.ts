import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { CoordinatorEvents } from '../../../electron/core/coordinator/live/events.ts';
import { Store } from '../../../electron/core/coordinator/state/store.ts';
import { MIGRATIONS } from '../../../electron/core/coordinator/state/migrations.ts';
import { canTransition, JOB_STATUSES } from '../../../shared/job-status.ts';
import { tempDir } from '../../helpers/coordinator.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';
import { registerWorker, sweep } from '../../../electron/core/coordinator/workers/worker-liveness.ts';
import { assignNextJob, completeJob, createJob, failJob } from '../../../electron/core/coordinator/jobs/job-commands.ts';
import { getJob } from '../../../electron/core/coordinator/jobs/job-queries.ts';
import { appendOutput } from '../../../electron/core/coordinator/jobs/job-output.ts';

function open(file = join(tempDir(), 'c.db'), now = () => Date.now()) {
  return new Store({ file, events: new CoordinatorEvents(), now });
}

describe('the job store in a SQLite file', () => {
  it('migrates a new file to the latest schema version in WAL mode', () => {
    const file = join(tempDir(), 'c.db');
    const store = open(file);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    store.close();
    const raw = new DatabaseSync(file);
    assert.equal((raw.prepare('PRAGMA journal_mode').get() as any).journal_mode, 'wal');
    raw.close();
  });

  it('refuses a database written by a newer version with a clear message', () => {
    const file = join(tempDir(), 'c.db');
    const raw = new DatabaseSync(file);
    raw.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    assert.throws(() => open(file), /newer CMD Executor/);
  });

  it('allows only the documented job transitions', () => {
    const allowed = JOB_STATUSES.flatMap((from) => JOB_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    assert.deepEqual(
      allowed.sort(),
      ['pending->cancelled', 'pending->failed', 'pending->running', 'running->cancelled', 'running->completed', 'running->failed', 'running->pending'].sort(),
    );
  });

  it('gives jobs ended before end_reason existed a reason from their status and sentence', () => {
    const file = join(tempDir(), 'c.db');
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, 5).entries()) raw.exec(`${sql}; PRAGMA user_version = ${version + 1}`);
    const insert = raw.prepare(
      "INSERT INTO jobs (job_id, status, command, file_url, filename, created_at, timeout_seconds, max_attempts, error_message) VALUES (?, ?, 'x', 'u', 'f', 1, 60, 1, ?)",
    );
    insert.run('j-ok', 'completed', null);
    insert.run('j-timeout', 'failed', 'timed out after 5 s');
    insert.run('j-restart', 'failed', 'worker restarted while running this job');
    insert.run('j-lost', 'failed', 'Worker w stopped sending heartbeats (offline after 30 s); the job was lost.');
    insert.run('j-error', 'failed', 'Could not download the project zip');
    insert.run('j-cancel', 'cancelled', 'Cancelled by request.');
    insert.run('j-pending', 'pending', null);
    raw.close();
    const store = open(file);
    assert.deepEqual(
      ['j-ok', 'j-timeout', 'j-restart', 'j-lost', 'j-error', 'j-cancel', 'j-pending'].map((id) => getJob(store, id)!.endReason),
      ['exit', 'timeout', 'worker_restarted', 'worker_lost', 'error', 'cancelled', null],
    );
    store.close();
  });
});

onBothEngines('job store', (engine) => {
  it('announces committed changes as events', () => {
    const seen: string[] = [];
    const bus = new CoordinatorEvents();
    const s2 = engine.open({ events: bus });
    bus.on('job', (id) => seen.push(`job:${id}`));
    bus.on('worker', (id) => seen.push(`worker:${id}`));
    registerWorker(s2, { workerId: 'w1', hostname: 'h' }, null);
    const job = createJob(s2, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' });
    assignNextJob(s2, 'w1');
    assert.deepEqual(seen, ['worker:w1', `job:${job.jobId}`, `job:${job.jobId}`, 'worker:w1']);
    s2.close();
  });

  it('fails a job whose worker stays silent long past its timeout', () => {
    let now = 1_000_000;
    const store = engine.open({ now: () => now });
    registerWorker(store, { workerId: 'w1', hostname: 'h' }, null);
    const job = createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip', timeoutSeconds: 10 });
    assignNextJob(store, 'w1');
    now += 10_000 + 61_000;
    const report = sweep(store, 0, 30);
    assert.deepEqual(report.timedOut, [job.jobId]);
    const after = getJob(store, job.jobId)!;
    assert.equal(after.status, 'failed');
    assert.match(after.errorMessage!, /timed out after 10 s/);
    store.close();
  });

  it('caps stored output per stream and says where bytes were dropped', () => {
    const store = engine.open({ maxOutputBytes: 10 });
    registerWorker(store, { workerId: 'w1', hostname: 'h' }, null);
    const job = createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' });
    assignNextJob(store, 'w1');
    appendOutput(store, job.jobId, 'w1', [
      { stream: 'stdout', seq: 0, data: '12345678' },
      { stream: 'stdout', seq: 1, data: 'abcdef' },
      { stream: 'stdout', seq: 2, data: 'more' },
    ]);
    const out = getJob(store, job.jobId)!.stdout;
    assert.ok(out.startsWith('12345678ab'));
    assert.match(out, /output over the coordinator's limit of 10 bytes per stream was dropped/);
    assert.doesNotMatch(out, /more/);
    const next = appendOutput(store, job.jobId, 'w1', [{ stream: 'stderr', seq: 3, data: 'still room on stderr' }]);
    assert.ok(next.ok && next.next === 4, 'a dropped chunk still counts, so no gap is reported');
    assert.match(getJob(store, job.jobId)!.stderr, /^still room\n\[cmdx: output over/);
    store.close();
  });
  it('stores why a job ended as a value next to the sentence', () => {
    let now = 1_000_000;
    const store = engine.open({ now: () => now });
    registerWorker(store, { workerId: 'w1', hostname: 'h' }, null);
    const a = createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' });
    const b = createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' });
    const c = createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' });
    assignNextJob(store, 'w1');
    completeJob(store, { jobId: a.jobId, workerId: 'w1', exitCode: 2 });
    assignNextJob(store, 'w1');
    failJob(store, { jobId: b.jobId, workerId: 'w1', errorMessage: 'timed out after 5 s', endReason: 'timeout' });
    assignNextJob(store, 'w1');
    now += 60_000;
    sweep(store, now - 30_000, 30);
    assert.deepEqual(
      [a, b, c].map((j) => [getJob(store, j.jobId)!.status, getJob(store, j.jobId)!.endReason]),
      [
        ['completed', 'exit'],
        ['failed', 'timeout'],
        ['failed', 'worker_lost'],
      ],
    );
    assert.equal(createJob(store, { command: 'x', fileUrl: 'http://h.invalid/a.zip', filename: 'a.zip' }).endReason, null);
    store.close();
  });
});
