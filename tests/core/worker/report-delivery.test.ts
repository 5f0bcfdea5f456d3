/**
 * A worker killed while it brings a job's result files back: the exit code was kept before the zip was
 * made, a whole zip is sent even if the report did not say so yet, and half a zip never is.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Logger } from '../../../electron/core/logger.ts';
import type { CoordinatorClient } from '../../../electron/core/worker/coordinator-client.ts';
import { Outbox } from '../../../electron/core/worker/outbox.ts';
import { ReportDelivery } from '../../../electron/core/worker/report-delivery.ts';
import { tempDir } from '../../helpers/coordinator.ts';

const quiet = { info() {}, warn() {}, error() {} } as unknown as Logger;

/** A coordinator that takes everything and remembers what it was sent. */
function recordingClient(calls: string[]): CoordinatorClient {
  return {
    uploadArtifacts: (jobId: string) => Promise.resolve(void calls.push(`artifacts ${jobId}`)),
    submitResult: (jobId: string, _w: string, exitCode: number) => Promise.resolve(void calls.push(`result ${jobId} ${exitCode}`)),
    reportFailure: (jobId: string) => Promise.resolve(void calls.push(`failure ${jobId}`)),
  } as unknown as CoordinatorClient;
}

function delivery(outbox: Outbox, calls: string[], client = recordingClient(calls)): ReportDelivery {
  return new ReportDelivery({
    outbox,
    client,
    logger: quiet,
    workerId: () => 'w1',
    reregister: async () => {},
    onRetry: () => {},
    sleep: async () => {},
    stopping: () => false,
  });
}

describe('report delivery after a worker was killed bringing artifacts back', () => {
  it('sends a whole zip the report does not mention yet, then the exit code', async () => {
    const outbox = new Outbox(tempDir('cmdx-outbox-'));
    outbox.put({ kind: 'result', jobId: 'job-a', exitCode: 3 }); // put before zipping; killed after the zip got its name
    writeFileSync(outbox.artifactsPath('job-a'), 'PK\x05\x06' + '\0'.repeat(18));
    const calls: string[] = [];
    await delivery(outbox, calls).flush();
    assert.deepEqual(calls, ['artifacts job-a', 'result job-a 3']);
    assert.equal(outbox.has('job-a'), false);
    assert.equal(existsSync(outbox.artifactsPath('job-a')), false);
  });

  it('never sends half a zip: the exit code goes alone and the part is removed', async () => {
    const outbox = new Outbox(tempDir('cmdx-outbox-'));
    outbox.put({ kind: 'result', jobId: 'job-b', exitCode: 0 });
    writeFileSync(`${outbox.artifactsPath('job-b')}.part`, 'PK\x03\x04 half');
    const calls: string[] = [];
    await delivery(outbox, calls).flush();
    assert.deepEqual(calls, ['result job-b 0']);
    assert.equal(existsSync(`${outbox.artifactsPath('job-b')}.part`), false);
  });
});

describe('report delivery when an earlier upload is still being received', () => {
  it('tries again on 409 upload_in_progress instead of dropping the report', async () => {
    const { CoordinatorError } = await import('../../../electron/core/worker/coordinator-errors.ts');
    const outbox = new Outbox(tempDir('cmdx-outbox-'));
    outbox.put({ kind: 'result', jobId: 'job-c', exitCode: 0, artifacts: true });
    writeFileSync(outbox.artifactsPath('job-c'), 'PK\x05\x06' + '\0'.repeat(18));
    const calls: string[] = [];
    let busy = 2;
    const client = {
      uploadArtifacts: () => {
        calls.push('artifacts');
        if (busy-- > 0) return Promise.reject(new CoordinatorError(409, 'being received already', 'upload_in_progress'));
        return Promise.resolve();
      },
      submitResult: () => Promise.resolve(void calls.push('result')),
    } as unknown as CoordinatorClient;
    const d = delivery(outbox, calls, client);
    await d.flush();
    assert.deepEqual(calls, ['artifacts', 'artifacts', 'artifacts', 'result'], 'retried, then delivered with its exit code');
  });
});
