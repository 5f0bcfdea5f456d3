/**
 * One ordered log per job: the log endpoint's pages (forwards and backwards), the whole-log text
 * download, the migration from two streams, the live feed's `after`, and the control long poll
 * that tells a busy worker about a cancel at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { MIGRATIONS } from '../../../electron/core/coordinator/state/migrations.ts';
import { CoordinatorEvents } from '../../../electron/core/coordinator/live/events.ts';
import { Store } from '../../../electron/core/coordinator/state/store.ts';
import { CHUNKS_DROPPED_MARKER, MAX_LOG_CHUNKS } from '../../../electron/core/coordinator/state/repositories/log.ts';
import { downloadName } from '../../../electron/core/coordinator/http/routes/log.ts';
import type { LogEntry, LogPage } from '../../../shared/api.ts';
import type { LiveServerMessage } from '../../../shared/live.ts';
import { startTestCoordinator, tempDir, waitForJobListeners, type TestCoordinator } from '../../helpers/coordinator.ts';
import { heartbeat, registerWorker } from '../../../electron/core/coordinator/workers/worker-liveness.ts';
import { assignNextJob, createJob } from '../../../electron/core/coordinator/jobs/job-commands.ts';
import { appendOutput, readLog } from '../../../electron/core/coordinator/jobs/job-output.ts';
import { getJob } from '../../../electron/core/coordinator/jobs/job-queries.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

const FILE = 'http://files.invalid/project.zip';

/** A running job on worker w1, with `chunks` posted as its output. */
async function runningJob(c: TestCoordinator, chunks: { stream: 'stdout' | 'stderr'; data: string }[] = []): Promise<string> {
  await c.register('w1');
  const created = await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'my project.zip' } });
  const jobId = created.body.jobId as string;
  assert.equal((await c.api('GET', '/api/jobs/get-job?workerId=w1')).body.job.jobId, jobId);
  for (let i = 0; i < chunks.length; i += 500) {
    const batch = chunks.slice(i, i + 500).map((chunk, j) => ({ ...chunk, seq: i + j, time: 1_700_000_000_000 + i + j }));
    const res = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: batch } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return jobId;
}

async function log(c: TestCoordinator, query: string): Promise<LogPage> {
  const res = await c.api<LogPage>('GET', `/api/jobs/log?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const texts = (chunks: LogEntry[]) => chunks.map((c) => c.data);

describe('the job log endpoint', () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
  });
  afterEach(async () => {
    await c?.close();
  });

  it('gives interleaved stdout and stderr back in the order the worker read them, each with its stream and time', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => [
      { stream: 'stdout' as const, data: `line ${i}\n` },
      { stream: 'stderr' as const, data: `err ${i}\n` },
    ]).flat();
    const jobId = await runningJob(c, lines);
    const page = await log(c, `jobId=${jobId}&after=-1&limit=5000`);
    assert.deepEqual(texts(page.chunks), texts(lines as LogEntry[]));
    assert.deepEqual(
      page.chunks.slice(0, 3).map((x) => [x.seq, x.stream, x.time]),
      [
        [0, 'stdout', 1_700_000_000_000],
        [1, 'stderr', 1_700_000_000_001],
        [2, 'stdout', 1_700_000_000_002],
      ],
    );
    assert.equal(page.complete, false, 'the job still runs');
    const status = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.equal(
      status.stdout,
      lines
        .filter((l) => l.stream === 'stdout')
        .map((l) => l.data)
        .join(''),
      "the seed's stdout still holds stdout alone",
    );
    assert.equal(
      status.stderr,
      lines
        .filter((l) => l.stream === 'stderr')
        .map((l) => l.data)
        .join(''),
    );
  });

  it('pages forwards with after= and backwards with before= without skipping or repeating a chunk', async () => {
    const chunks = Array.from({ length: 137 }, (_, i) => ({ stream: i % 3 === 0 ? ('stderr' as const) : ('stdout' as const), data: `chunk ${i}\n` }));
    const jobId = await runningJob(c, chunks);
    await c.api('POST', '/api/jobs/submit-result', { body: { jobId, workerId: 'w1', exitCode: 0 } });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -1, max: 136 }), async (limit, start) => {
        const seen: number[] = [];
        let after = start;
        for (let i = 0; i < 200; i++) {
          const page = await log(c, `jobId=${jobId}&after=${after}&limit=${limit}`);
          assert.ok(page.chunks.length <= limit);
          seen.push(...page.chunks.map((x) => x.seq));
          after = page.next;
          if (page.complete) break;
        }
        assert.deepEqual(
          seen,
          Array.from({ length: 136 - start }, (_, i) => start + 1 + i),
        );
        const back: number[] = [];
        let before = 'end';
        for (let i = 0; i < 200; i++) {
          const page = await log(c, `jobId=${jobId}&before=${before}&limit=${limit}`);
          back.unshift(...page.chunks.map((x) => x.seq));
          if (!page.older) break;
          before = String(page.chunks[0]!.seq);
        }
        assert.deepEqual(
          back,
          Array.from({ length: 137 }, (_, i) => i),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('stops a page at about a megabyte of text, whatever the limit', async () => {
    const big = 'x'.repeat(300 * 1024);
    const jobId = await runningJob(
      c,
      Array.from({ length: 6 }, () => ({ stream: 'stdout' as const, data: big })),
    );
    const page = await log(c, `jobId=${jobId}&limit=5000`);
    assert.equal(page.chunks.length, 4, 'the chunk that passes 1 MiB ends the page');
    const rest = await log(c, `jobId=${jobId}&after=${page.next}`);
    assert.deepEqual(
      rest.chunks.map((x) => x.seq),
      [4, 5],
    );
  });

  it('downloads the whole log as text/plain, equal to what was printed, with a file name from the job', async () => {
    const chunks = Array.from({ length: 3000 }, (_, i) => ({ stream: i % 2 ? ('stderr' as const) : ('stdout' as const), data: `${i} ${'é'.repeat(i % 7)}\n` }));
    const jobId = await runningJob(c, chunks);
    const res = await fetch(`${c.url}/api/jobs/log?jobId=${jobId}&format=text`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; charset=utf-8/);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${downloadName('my project.zip', jobId)}"`);
    assert.equal(downloadName('my project.zip', jobId), `my_project-${jobId}.log`);
    assert.equal(downloadName('../..\r\n".zip', 'job-1"\r\n'), 'job-job-1.log', 'nothing from the names can break the header or the path');
    assert.equal(await res.text(), chunks.map((x) => x.data).join(''));
  });

  it('adds no rows for output past the cap or past the chunk limit, and refuses a seq far ahead', async () => {
    await c.close();
    c = await startTestCoordinator({ auth: false, maxOutputMb: 0.001, dataDir: tempDir() }); // kept after close, to count rows
    const jobId = await runningJob(c, [{ stream: 'stdout', data: 'x'.repeat(2000) }]);
    // 30,000 one-byte chunks past the byte cap, as a worker's token could send them: not one row more.
    for (let from = 1; from <= 30_000; from += 1000) {
      const chunks = Array.from({ length: 1000 }, (_, i) => ({ stream: 'stdout' as const, seq: from + i, data: 'y' }));
      const res = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.next, from + 1000, 'the first missing seq moves on past what was dropped');
    }
    const far = await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: [{ stream: 'stderr', seq: 1_000_000_000, data: 'z' }] } });
    assert.equal(far.status, 400);
    assert.match(far.body.error, /too far ahead.*send the log in order/);
    assert.equal(far.body.reason, 'log_seq_ahead');
    assert.match((await log(c, `jobId=${jobId}&after=-1`)).chunks.map((x) => x.data).join(''), /over the coordinator's limit of 1048 bytes/);
    await c.close(); // the database is the coordinator's alone while it runs
    const db = new DatabaseSync(join(c.dataDir, 'coordinator.db'));
    const rows = Number((db.prepare('SELECT COUNT(*) AS n FROM job_log').get() as { n: number }).n);
    db.close();
    assert.equal(rows, 1, 'only the first chunk (cut at the cap, with the marker) has a row');
    c = await startTestCoordinator({ auth: false });
  });

  it('answers a missing job with 404 and a bad query with 400 saying what to give', async () => {
    assert.equal((await c.api('GET', '/api/jobs/log?jobId=nope')).status, 404);
    assert.equal((await c.api('GET', '/api/jobs/log?jobId=nope&format=text')).status, 404);
    const both = await c.api('GET', '/api/jobs/log?jobId=x&after=1&before=4');
    assert.equal(both.status, 400);
    assert.match(both.body.error, /"after".*or "before".*not both/);
    assert.match((await c.api('GET', '/api/jobs/log?jobId=x&format=html')).body.error, /"format" must be json .* or text/);
    assert.match((await c.api('GET', '/api/jobs/log?jobId=x&limit=0')).body.error, /"limit" must be a whole number between 1 and 5000/);
    assert.equal((await c.api('GET', '/api/jobs/log')).status, 400);
    const real = await runningJob(c);
    const empty = await c.api('GET', `/api/jobs/log?jobId=${real}&before=`); // was a 500 (found by the endpoint fuzz)
    assert.equal(empty.status, 400);
    assert.match(empty.body.error, /Give "before" a chunk number, or "end"/);
  });
});

onBothEngines('the job log in the store', (engine) => {
  it('keeps at most MAX_LOG_CHUNKS chunks of a job, with a line saying the rest was dropped', () => {
    const store = engine.open();
    registerWorker(store, { workerId: 'w1', hostname: 'h' }, null);
    const job = createJob(store, { command: 'x', fileUrl: FILE, filename: 'p.zip' });
    assert.ok(assignNextJob(store, 'w1').ok);
    const first = MAX_LOG_CHUNKS - 5;
    for (let seq = 0; seq < first; seq += 1000) {
      const chunks = Array.from({ length: Math.min(1000, first - seq) }, (_, i) => ({ stream: 'stdout' as const, seq: seq + i, data: '.' }));
      assert.ok(appendOutput(store, job.jobId, 'w1', chunks).ok);
    }
    const outcome = appendOutput(
      store,
      job.jobId,
      'w1',
      Array.from({ length: 20 }, (_, i) => ({ stream: 'stdout' as const, seq: first + i, data: 'tail' })),
    );
    assert.deepEqual(outcome, { ok: true, cancel: false, next: first + 20 });
    const tail = readLog(store, job.jobId, { before: 'end', limit: 10, maxChars: 1e6 })!;
    assert.equal(tail.chunks.at(-1)!.seq, MAX_LOG_CHUNKS);
    assert.equal(tail.chunks.at(-1)!.data, CHUNKS_DROPPED_MARKER);
    assert.equal(tail.chunks.filter((x) => x.data === 'tail').length, 5);
    store.close();
  });

  it('numbers a retried attempt after the earlier one and tells the worker where to start', () => {
    const store = engine.open();
    registerWorker(store, { workerId: 'w1', hostname: 'h' }, null);
    registerWorker(store, { workerId: 'w2', hostname: 'h' }, null);
    const job = createJob(store, { command: 'x', fileUrl: FILE, filename: 'a.zip', maxAttempts: 2 });
    const first = assignNextJob(store, 'w1');
    assert.ok(first.ok && first.job.logStart === undefined, 'a first attempt starts at 0, and the seed answer has no extra field');
    appendOutput(store, job.jobId, 'w1', [{ stream: 'stdout', seq: 0, data: 'first try\n' }]);
    heartbeat(store, 'w1', { reportedJobId: null, restarted: true }); // the worker came back without its job: requeued
    const second = assignNextJob(store, 'w2');
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.job.logStart, 2);
    appendOutput(store, job.jobId, 'w2', [{ stream: 'stdout', seq: 2, data: 'second try\n' }]);
    assert.equal(getJob(store, job.jobId)!.stdout, 'first try\n\n[cmdx: the job starts again on w2 (attempt 2 of 2)]\nsecond try\n');
    store.close();
  });
});

describe('the job log in an older SQLite file', () => {
  it('migrates two-stream output to one log, stdout first, keeping each stream in order', () => {
    const file = join(tempDir(), 'c.db');
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, 9).entries()) raw.exec(`${sql}; PRAGMA user_version = ${version + 1}`);
    raw.exec(
      "INSERT INTO jobs (job_id, status, command, file_url, filename, created_at, started_at, timeout_seconds, max_attempts) VALUES ('j1', 'completed', 'x', 'u', 'f', 1, 5, 60, 1)",
    );
    const insert = raw.prepare('INSERT INTO job_output (job_seq, stream, seq, data) VALUES (1, ?, ?, ?)');
    insert.run('stderr', 1, 'e1\n');
    insert.run('stdout', 1, 'o1\n');
    insert.run('stderr', 0, 'e0\n');
    insert.run('stdout', 0, 'o0\n');
    raw.close();
    const store = new Store({ file, events: new CoordinatorEvents() });
    const page = readLog(store, 'j1', { after: -1, limit: 10, maxChars: 1000 })!;
    assert.deepEqual(
      page.chunks.map((x) => [x.seq, x.stream, x.data, x.time]),
      [
        [0, 'stdout', 'o0\n', 5],
        [1, 'stdout', 'o1\n', 5],
        [2, 'stderr', 'e0\n', 5],
        [3, 'stderr', 'e1\n', 5],
      ],
    );
    assert.equal(page.complete, true);
    assert.equal(getJob(store, 'j1')!.stderr, 'e0\ne1\n');
    store.close();
  });
});

describe('the live feed and the control poll', () => {
  let c: TestCoordinator;
  beforeEach(async () => {
    c = await startTestCoordinator({ auth: false });
  });
  afterEach(async () => {
    await c?.close();
  });

  /** Opens the feed, subscribes with `after`, and collects log messages for this job. */
  async function follow(jobId: string, after: number): Promise<{ messages: LiveServerMessage[]; ws: WebSocket }> {
    const ws = new WebSocket(`${c.url.replace('http', 'ws')}/api/ws`, ['cmdx']);
    const messages: LiveServerMessage[] = [];
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as LiveServerMessage;
      if ((m.type === 'log' || m.type === 'log-reset') && m.jobId === jobId) messages.push(m);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', jobId, after }));
    return { messages, ws };
  }

  const until = async (check: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('sends a subscriber only what comes after the seq it already has, then live chunks', async () => {
    const jobId = await runningJob(c, [
      { stream: 'stdout', data: 'a\n' },
      { stream: 'stderr', data: 'b\n' },
      { stream: 'stdout', data: 'c\n' },
    ]);
    const { messages, ws } = await follow(jobId, 1);
    await until(() => messages.length === 1);
    await c.api('POST', '/api/jobs/logs', { body: { jobId, workerId: 'w1', chunks: [{ stream: 'stderr', seq: 3, data: 'd\n' }] } });
    await until(() => messages.length === 2);
    const seqs = messages.flatMap((m) => (m.type === 'log' ? m.chunks.map((x) => x.seq) : []));
    assert.deepEqual(seqs, [2, 3], 'nothing the page had is sent again');
    ws.close();
  });

  it('tells a subscriber far behind to reload the tail instead of sending megabytes at once', async () => {
    const big = 'y'.repeat(512 * 1024);
    const jobId = await runningJob(
      c,
      Array.from({ length: 10 }, () => ({ stream: 'stdout' as const, data: big })),
    );
    const { messages, ws } = await follow(jobId, -1);
    await until(() => messages.length === 1);
    assert.equal(messages[0]!.type, 'log-reset');
    ws.close();
  });

  it('answers a worker waiting on the control poll as soon as its job is cancelled', async () => {
    const jobId = await runningJob(c);
    const quiet = await c.api('GET', `/api/jobs/control?jobId=${jobId}&workerId=w1&wait=0`);
    assert.deepEqual(quiet.body, { cancel: false });
    const started = Date.now();
    const listeners = c.context.events.listenerCount('job');
    const waiting = c.api('GET', `/api/jobs/control?jobId=${jobId}&workerId=w1&wait=20`);
    await waitForJobListeners(c, listeners);
    const cancel = await c.api('POST', '/api/jobs/cancel', { body: { jobId } });
    assert.match(cancel.body.message, /the worker is stopping the job/);
    const answer = await waiting;
    assert.deepEqual(answer.body, { cancel: true });
    assert.ok(Date.now() - started < 5000, 'answered at the cancel, not at the end of the wait');
    const other = await c.api('GET', `/api/jobs/control?jobId=${jobId}&workerId=w2&wait=0`);
    assert.deepEqual(other.body, { cancel: true }, 'a job that is not this worker’s is one to stop');
    assert.equal((await c.api('GET', `/api/jobs/control?jobId=nope&workerId=w1`)).status, 404);
  });
});
