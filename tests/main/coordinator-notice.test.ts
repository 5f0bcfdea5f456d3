/** The coordinator PC's desktop notices: the words for each event, and the seam the main process subscribes to (a real coordinator's notifier). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coordinatorNoticeText, watchCoordinatorNotices } from '../../electron/main/coordinator-notice.ts';
import type { NoticeText } from '../../electron/main/job-notice.ts';
import { startTestCoordinator } from '../helpers/coordinator.ts';
import { waitFor } from '../helpers/processes.ts';

const URL_BASE = 'https://127.0.0.1:3000';

describe('coordinator notices', () => {
  it('says what finished, failed, went offline or was missed, in one line', () => {
    const counts = { total: 30, passed: 27, failed: 2, cancelled: 1 };
    const run = { runId: 'r1', name: 'Lab 3', mode: 'map', command: 'npm test', counts, completedAt: null, url: URL_BASE };
    assert.deepEqual(coordinatorNoticeText({ event: 'run.finished', at: 1, summary: run }), {
      title: 'Run finished',
      body: 'Lab 3: 27 passed, 2 failed, 1 cancelled (of 30).',
    });
    assert.equal(
      coordinatorNoticeText({ event: 'run.finished', at: 1, summary: { ...run, name: null, counts: { ...counts, cancelled: 0 } } }).body,
      'npm test: 27 passed, 2 failed (of 30).',
    );
    const job = {
      jobId: 'j1',
      status: 'completed' as const,
      exitCode: 2,
      endReason: 'exit',
      errorMessage: null,
      command: 'make',
      filename: 'p.zip',
      workerId: 'w1',
      workerName: 'lab-pc-01',
      completedAt: null,
      url: URL_BASE,
    };
    assert.deepEqual(coordinatorNoticeText({ event: 'job.failed', at: 1, summary: job }), { title: 'Job failed', body: 'make on lab-pc-01: exit code 2' });
    assert.match(
      coordinatorNoticeText({ event: 'job.failed', at: 1, summary: { ...job, status: 'failed', exitCode: null, endReason: 'timeout' } }).body,
      /^make on lab-pc-01: It ran past its time limit/,
    );
    const offline = { workerId: 'w1', name: 'lab-pc-01', hostname: 'lab-pc-01', lastSeenAt: null, url: URL_BASE };
    assert.equal(coordinatorNoticeText({ event: 'worker.offline', at: 1, summary: offline }).body, 'lab-pc-01 stopped answering the coordinator.');
    const missed = { scheduleId: 's1', template: 'nightly', dueAt: '2030-01-01T00:00:00.000Z', url: URL_BASE };
    assert.equal(coordinatorNoticeText({ event: 'schedule.missed', at: 1, summary: missed }).title, 'Schedule missed');
  });

  it("shows a notice for a real coordinator's event, none where notifications are unsupported, and stops when unsubscribed", async () => {
    const c = await startTestCoordinator({ auth: false });
    try {
      const shown: NoticeText[] = [];
      let supported = true;
      const stop = watchCoordinatorNotices(c.context.notifier, { supported: () => supported, show: (text) => shown.push(text) });
      await c.register('w1');
      await c.api('POST', '/api/workers/goodbye', { body: { workerId: 'w1' } });
      await waitFor('the notice', () => shown.length === 1 || undefined);
      assert.deepEqual(shown, [{ title: 'Worker offline', body: 'host-w1 stopped answering the coordinator.' }]);

      const heard: string[] = [];
      const other = c.context.notifier.onNotification((n) => heard.push(n.event));
      supported = false;
      await c.register('w2');
      await c.api('POST', '/api/workers/goodbye', { body: { workerId: 'w2' } });
      await waitFor('the event', () => heard.length === 1 || undefined);
      assert.equal(shown.length, 1, 'unsupported: nothing shown');
      stop();
      supported = true;
      await c.register('w3');
      await c.api('POST', '/api/workers/goodbye', { body: { workerId: 'w3' } });
      await waitFor('the event', () => heard.length === 2 || undefined);
      assert.equal(shown.length, 1, 'unsubscribed: nothing shown');
      other();
    } finally {
      await c.close();
    }
  });
});
