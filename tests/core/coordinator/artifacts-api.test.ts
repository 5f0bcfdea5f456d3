/** The artifacts upload refuses what it must: for a job that asked for none, too big, names too long, a second upload at once, past the quota or the free-space floor; and the id direct runs use is reserved. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yazl from 'yazl';
import { finishZip } from '../../../electron/core/runner/zip-writer.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { waitFor } from '../../helpers/processes.ts';

const FILE = 'http://files.invalid/project.zip';

/** Two running jobs that asked for artifacts, on workers w0 and w1, and a 700 KB zip to upload for them. */
async function twoJobsAskingForArtifacts(c: TestCoordinator): Promise<{ tokens: string[]; jobIds: string[]; bytes: Buffer }> {
  const tokens = [await c.register('w0'), await c.register('w1')];
  const jobIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', artifacts: ['**'] } });
    jobIds.push((await c.api('GET', `/api/jobs/get-job?workerId=w${i}`, { token: tokens[i] })).body.job.jobId);
  }
  const zip = new yazl.ZipFile();
  zip.addBuffer(randomBytes(700_000), 'big.bin', { compress: false });
  return { tokens, jobIds, bytes: await finishZip(zip) };
}

describe('the artifacts quota and the free-space floor', () => {
  it('answers 507 saying what to free, past --max-artifacts-total-mb or below --min-free-mb, keeping nothing', async () => {
    for (const [limits, sentence] of [
      [{ maxArtifactsTotalMb: 1 }, /keeps at most 1 MB of artifacts \(--max-artifacts-total-mb\) and holds 1 MB; these are not kept\. Delete old jobs or runs/],
      [{ minFreeMb: 1024 * 1024 * 1024 }, /disk has \d+ MB free and keeps at least \d+ MB \(--min-free-mb\); these are not kept\. Free space on the disk of/],
    ] as const) {
      const c = await startTestCoordinator(limits);
      try {
        const { tokens, jobIds, bytes } = await twoJobsAskingForArtifacts(c);
        const send = (i: number) =>
          c.api('POST', `/api/jobs/artifacts?jobId=${jobIds[i]}&workerId=w${i}`, {
            token: tokens[i],
            rawBody: bytes,
            headers: { 'content-type': 'application/zip' },
          });
        const statuses = [(await send(0)).status];
        const second = await send(1);
        statuses.push(second.status);
        if ('maxArtifactsTotalMb' in limits) assert.deepEqual(statuses, [200, 507]);
        else assert.deepEqual(statuses, [507, 507]);
        assert.match(second.body.error, sentence);
        assert.equal(second.body.reason, 'maxArtifactsTotalMb' in limits ? 'artifacts_quota' : 'disk_full');
        assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobIds[1]}`)).body.artifactCount, 0);
      } finally {
        await c.close();
      }
    }
  });
});

describe('uploads at once against the quota', () => {
  it('counts an upload on its way at its declared size: two at once cannot pass the quota together', async () => {
    const c = await startTestCoordinator({ maxArtifactsTotalMb: 1 });
    try {
      const { tokens, jobIds, bytes } = await twoJobsAskingForArtifacts(c);
      // The first upload declares its size, sends half and waits: it is on its way while the second comes.
      const url = new URL(c.url);
      const first = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/api/jobs/artifacts?jobId=${jobIds[0]}&workerId=w0`,
        headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/zip', 'content-length': bytes.length },
      });
      const firstAnswer = new Promise<number>((resolve, reject) => {
        first.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        first.on('error', reject);
      });
      first.write(bytes.subarray(0, bytes.length >> 1));
      await waitFor('the first upload on disk', () => readdirSync(join(c.dataDir, 'artifacts')).some((name) => name.endsWith('.part')) || undefined);
      const second = await c.api('POST', `/api/jobs/artifacts?jobId=${jobIds[1]}&workerId=w1`, {
        token: tokens[1],
        rawBody: bytes,
        headers: { 'content-type': 'application/zip' },
      });
      assert.equal(second.status, 507, JSON.stringify(second.body));
      assert.equal(second.body.reason, 'artifacts_quota');
      first.end(bytes.subarray(bytes.length >> 1));
      assert.equal(await firstAnswer, 200, 'the one on its way is kept');
    } finally {
      await c.close();
    }
  });
});

describe('artifact uploads and reserved ids', () => {
  let c: TestCoordinator;
  let token: string;
  before(async () => {
    c = await startTestCoordinator({ maxUploadMb: 1 });
    token = await c.register('w1');
  });
  after(() => c?.close());

  async function runningJob(artifacts?: string[]): Promise<string> {
    await c.api('POST', '/api/jobs/create', { body: { command: 'x', fileUrl: FILE, filename: 'a.zip', ...(artifacts ? { artifacts } : {}) } });
    const got = await c.api('GET', '/api/jobs/get-job?workerId=w1', { token });
    return got.body.job.jobId;
  }
  const upload = (jobId: string, body: Uint8Array) =>
    c.api('POST', `/api/jobs/artifacts?jobId=${jobId}&workerId=w1`, { token, rawBody: body, headers: { 'content-type': 'application/zip' } });
  const finish = (jobId: string) => c.api('POST', '/api/jobs/submit-result', { token, body: { jobId, workerId: 'w1', exitCode: 0 } });

  it('refuses artifacts for a job that asked for none', async () => {
    const jobId = await runningJob();
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('x'), 'x.txt');
    const res = await upload(jobId, await finishZip(zip));
    assert.equal(res.status, 400);
    assert.match(res.body.error, /asked for no artifacts/);
    await finish(jobId);
  });

  it('refuses a listing with a name too long, and a body over --max-upload-mb, keeping nothing', async () => {
    const jobId = await runningJob(['**']);
    const long = new yazl.ZipFile();
    long.addBuffer(Buffer.from('x'), `${'d/'.repeat(600)}x.txt`);
    const res = await upload(jobId, await finishZip(long));
    assert.equal(res.status, 400);
    assert.match(res.body.error, /file names too long \(at most 1024 characters each/);
    const big = await upload(jobId, new Uint8Array(2 * 1024 * 1024));
    assert.equal(big.status, 413);
    assert.match(big.body.error, /larger than the coordinator accepts \(1 MB, --max-upload-mb\)/);
    const job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.deepEqual([job.artifacts, job.artifactCount], [[], 0]);
    await finish(jobId);
  });

  it('takes one upload per job at a time: others for that job get 409 before their body is read, and the disk holds one part', async () => {
    const jobId = await runningJob(['**']);
    const zip = new yazl.ZipFile();
    zip.addBuffer(randomBytes(300_000), 'big.bin', { compress: false });
    const bytes = await finishZip(zip);
    // The first upload sends half its body and waits: it is "in flight" while the others come.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes.subarray(0, bytes.length >> 1));
        await held;
        controller.enqueue(bytes.subarray(bytes.length >> 1));
        controller.close();
      },
    });
    const first = fetch(`${c.url}/api/jobs/artifacts?jobId=${jobId}&workerId=w1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
      body,
      duplex: 'half',
    });
    await waitFor('the first upload on disk', () => readdirSync(join(c.dataDir, 'artifacts')).some((name) => name.endsWith('.part')) || undefined);
    const others = await Promise.all(Array.from({ length: 11 }, () => upload(jobId, bytes)));
    assert.deepEqual(
      others.map((r) => r.status),
      Array<number>(11).fill(409),
    );
    assert.match(others[0]!.body.error, /are being received already; send them again once that upload is answered/);
    assert.equal(others[0]!.body.reason, 'upload_in_progress');
    assert.equal(readdirSync(join(c.dataDir, 'artifacts')).length, 1, 'one part file, not twelve');
    release();
    assert.equal((await first).status, 200);
    assert.equal((await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body.artifactCount, 1);
    await finish(jobId);
  });

  it('reserves the id "coordinator", under which direct runs are recorded', async () => {
    const res = await c.api('POST', '/api/workers/register', { token: c.tokens.joinToken, body: { workerId: 'coordinator', hostname: 'rogue' } });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /"coordinator" is reserved for direct runs/);
  });
});
