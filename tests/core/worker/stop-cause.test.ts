/** A job that stops before an exit code is named for why: a full disk wherever it happened, else the step that failed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { END_REASON_TEXT, END_REASONS, WORKER_END_REASONS } from '../../../shared/job-status.ts';
import { asStop, endReasonOf, type JobStop } from '../../../electron/core/worker/stop-cause.ts';

const enospc = () => Object.assign(new Error('write failed'), { code: 'ENOSPC' });

describe('stop causes', () => {
  it('a full disk is disk_full whatever step it hit, even wrapped', async () => {
    assert.equal(endReasonOf(enospc()), 'disk_full');
    assert.equal(endReasonOf(new Error('outer', { cause: enospc() })), 'disk_full');
    await assert.rejects(
      asStop('zip_refused', () => Promise.reject(enospc())),
      (e: JobStop) => e.reason === 'disk_full',
    );
  });

  it('an error of a named step carries that step, anything else is error', async () => {
    await assert.rejects(
      asStop('download_failed', () => Promise.reject(new Error('404'))),
      (e: JobStop) => e.reason === 'download_failed' && e.message === '404',
    );
    assert.equal(endReasonOf(new Error('something else')), 'error');
  });

  it('every end reason has a sentence, and a worker reports only end reasons', () => {
    for (const reason of END_REASONS) assert.match(END_REASON_TEXT[reason], /^[A-Z].+\.$/, reason);
    for (const reason of WORKER_END_REASONS) assert.ok((END_REASONS as readonly string[]).includes(reason));
  });
});
