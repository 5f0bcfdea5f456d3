/** What cmdx's exit code says after --wait, and that docs/operations.md and --help list the same codes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EXIT, exitCodesHelp, exitCodesMarkdown, jobExitCode, runExitCode } from '../../../electron/core/client/exit-codes.ts';

const job = (status: any, exitCode: number | null, endReason: any = null) => ({ status, exitCode, endReason });
const summary = (total: number, passed: number) => ({ total, passed, pending: 0, running: 0, failed: total - passed, cancelled: 0, waitingOffline: 0 });

describe('exit codes', () => {
  it('a completed job gives its own code; one the shell cannot carry still reads as a failure', () => {
    assert.equal(jobExitCode(job('completed', 0, 'exit')), 0);
    assert.equal(jobExitCode(job('completed', 3, 'exit')), 3);
    assert.equal(jobExitCode(job('completed', 255, 'exit')), 255);
    assert.equal(jobExitCode(job('completed', 256, 'exit')), EXIT.failed);
    assert.equal(jobExitCode(job('completed', -1073741515, 'exit')), EXIT.failed);
    assert.equal(jobExitCode(job('completed', null, 'exit')), EXIT.couldNotRun);
  });

  it('timed out 124, could not run 125, cancelled 130', () => {
    assert.equal(jobExitCode(job('failed', null, 'timeout')), 124);
    for (const reason of ['error', 'worker_lost', 'worker_restarted', 'worker_offline']) assert.equal(jobExitCode(job('failed', null, reason)), 125, reason);
    assert.equal(jobExitCode(job('cancelled', null, 'cancelled')), 130);
    assert.throws(() => jobExitCode(job('running', null)), /still running/);
  });

  it('a run is 0 only when every job passed', () => {
    assert.equal(runExitCode(summary(3, 3)), 0);
    assert.equal(runExitCode(summary(3, 2)), 1);
    assert.equal(runExitCode(summary(0, 0)), 1);
  });

  it('are listed the same in docs/operations.md and in cmdx --help', () => {
    const operations = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    assert.ok(operations.includes(`${exitCodesMarkdown()}\n`), 'docs/operations.md has the generated exit code table');
    for (const code of ['0', '1–255', '1', '2', '124', '125', '130']) assert.match(exitCodesHelp(), new RegExp(`^  ${code} `, 'm'));
  });
});
