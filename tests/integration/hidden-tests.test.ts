/**
 * A grading job's hidden tests with a real coordinator and a real worker process: the worker fetches
 * the teacher's zip and lays it over the student's project before the commands run (the teacher's
 * files win, a student's link is replaced), and a tests zip that arrived changed stops the job.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createJob } from '../../electron/core/coordinator/jobs/job-commands.ts';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { cancelJob, listWorkers, submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import type { ZipItem } from '../helpers/zip.ts';

const STUDENT: ZipItem[] = [
  { name: 'proj/mine.py', content: 'def sort(xs): return sorted(xs)\n' },
  { name: 'proj/tests/test_sort.py', content: 'assert True  # the student made the test pass\n' },
  { name: 'proj/tests/test_link.py', symlinkTo: '../mine.py' },
];

const HIDDEN: ZipItem[] = [
  { name: 'tests/test_sort.py', content: 'HIDDEN sort test\n' },
  { name: 'tests/test_link.py', content: 'HIDDEN link test\n' },
  { name: 'tests/conftest.py', content: 'HIDDEN conftest\n' },
];

interface Upload {
  fileUrl: string;
  fileSha256: string;
  filename: string;
}

describe('hidden tests on a real worker', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  let workDir: string;
  let student: Upload;
  let hidden: Upload;

  /** Uploads a zip through POST /api/execute; its job is cancelled at once (no worker runs yet), the upload stays. */
  async function upload(items: ZipItem[]): Promise<Upload> {
    const jobId = await submitZip(t, items, 'true');
    await cancelJob(t, jobId);
    const job = c.context.store.jobs.get(jobId)!;
    assert.equal(job.status, 'cancelled');
    return { fileUrl: job.fileUrl, fileSha256: job.fileSha256!, filename: job.filename };
  }

  /** A job of the student's zip with the hidden tests, as a grading run makes them (its creation is not on this branch). */
  function gradingJob(command: string, testsSha256: string): string {
    const job = createJob(c.context.store, { command, ...student, testsUrl: hidden.fileUrl, testsSha256 });
    return job.jobId;
  }

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    student = await upload(STUDENT);
    hidden = await upload(HIDDEN);
    workDir = tempDir('cmdx-worker-');
    worker = startCli(['worker', '--server', c.url, '--id', 'pc-1', '--work-dir', workDir, '--heartbeat-interval', '1'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    await waitFor('pc-1 idle', async () => (await listWorkers(t)).some((w) => w.workerId === 'pc-1' && w.status === 'idle') || undefined);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("unpacks the hidden tests over the project: the teacher's files replace the student's, links included", async () => {
    const command = ['cat tests/test_sort.py', 'cat tests/test_link.py', 'test -L tests/test_link.py || echo a real file', 'cat mine.py', 'ls tests'].join(
      '\n',
    );
    const jobId = gradingJob(command, hidden.fileSha256);
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal(job.exitCode, 0);
    assert.equal(
      job.stdout,
      [
        "[cmdx: hidden tests: 3 files unpacked over the project (2 replaced the project's own)]",
        '$ cat tests/test_sort.py',
        'HIDDEN sort test',
        '$ cat tests/test_link.py',
        'HIDDEN link test',
        '$ test -L tests/test_link.py || echo a real file',
        'a real file',
        '$ cat mine.py',
        'def sort(xs): return sorted(xs)',
        '$ ls tests',
        'conftest.py',
        'test_link.py',
        'test_sort.py',
        '',
      ].join('\n'),
    );
  });

  it('stops the job when the hidden tests do not match their SHA-256, before any command', async () => {
    const jobId = gradingJob('echo never', 'f'.repeat(64));
    const job = await waitForJob(t, jobId);
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.endReason, 'download_failed');
    assert.match(job.errorMessage, /^The downloaded hidden tests zip does not match the SHA-256 the coordinator recorded at upload/);
    assert.doesNotMatch(job.stdout, /never/);
  });
});
