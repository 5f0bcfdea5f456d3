import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../../helpers/coordinator.ts';
import { readPidFile } from '../../helpers/processes.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';

async function execute(c: TestCoordinator, form: FormData, token: string | null = c.tokens.adminToken): Promise<Response> {
  return fetch(`${c.url}/api/execute`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(60_000),
  });
}

/** Parses a text/event-stream body into [event, data] pairs. */
function parseSse(text: string): [string, any][] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return [event, data ? JSON.parse(data) : null];
    });
}

const uploadsOf = (c: TestCoordinator) => readdirSync(join(c.dataDir, 'uploads'));

describe('POST /api/execute', () => {
  let c: TestCoordinator;
  before(async () => {
    c = await startTestCoordinator({ auth: false, maxUploadMb: 1 });
  });
  after(() => c.close());

  it('distributed mode stores the zip and creates a job whose fileUrl serves it', async () => {
    const zip = await buildZip([{ name: 'proj/run.sh', content: 'echo hi' }]);
    const res = await execute(c, uploadForm(zip, { commands: 'sh run.sh', mode: 'distributed' }, 'my project.zip'));
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.mode, 'distributed');
    assert.equal(body.message, 'Job created. Waiting for idle worker to pick it up.');
    assert.equal(body.checkStatusUrl, `/api/jobs/status?jobId=${body.jobId}`);
    const job = (await c.api('GET', body.checkStatusUrl)).body;
    assert.match(job.fileUrl, /^\/uploads\/upload-\d+-[a-f0-9]+\.zip$/);
    assert.equal(job.filename, 'my project.zip');
    assert.equal(job.command, 'sh run.sh');
    const download = await fetch(c.url + job.fileUrl);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);
  });

  it('direct mode (the default) runs the commands here and streams stdout, stderr and exit as events', async () => {
    const zip = await buildZip([{ name: 'top/hello.txt', content: 'hello from the zip\n' }]);
    const res = await execute(c, uploadForm(zip, { commands: 'cat hello.txt\necho oops >&2\nexit 4\necho never' }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const jobId = res.headers.get('x-exec-id') ?? '';
    assert.match(jobId, /^job-/, 'a direct run is recorded as a job');
    const events = parseSse(await res.text());
    const stdout = events
      .filter(([e]) => e === 'stdout')
      .map(([, d]) => d.data)
      .join('');
    const stderr = events
      .filter(([e]) => e === 'stderr')
      .map(([, d]) => d.data)
      .join('');
    assert.equal(stdout, '$ cat hello.txt\nhello from the zip\n$ echo oops >&2\n$ exit 4\n');
    assert.equal(stderr, 'oops\n');
    assert.deepEqual(events.at(-1), ['exit', { exitCode: 4 }]);
    assert.equal(readdirSync(join(c.dataDir, 'tmp')).length, 0, 'the run folder is removed');
    const job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    assert.deepEqual(
      [job.workerId, job.status, job.exitCode, job.stdout, job.stderr],
      ['coordinator', 'completed', 4, stdout, stderr],
      'the job list shows what ran on the coordinator, with its output and exit code',
    );
  });

  it('refuses direct runs with --no-direct, saying how to send the job to a worker', async () => {
    const strict = await startTestCoordinator({ auth: false, direct: false });
    try {
      const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
      const res = await execute(strict, uploadForm(zip, { commands: 'echo here' }));
      assert.equal(res.status, 403);
      assert.match(
        ((await res.json()) as any).error,
        /Direct runs are turned off on this coordinator \(--no-direct\); send the job to a worker with mode=distributed/,
      );
      assert.equal((await strict.api('GET', '/api/jobs/create')).body.count, 0);
    } finally {
      await strict.close();
    }
  });

  it('direct mode kills the process tree when the client disconnects', async () => {
    const marker = join(tempDir(), 'pid');
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    const abort = new AbortController();
    const res = await fetch(`${c.url}/api/execute`, {
      method: 'POST',
      body: uploadForm(zip, { commands: `sh -c 'echo $$ > ${marker}; exec sleep 60'` }),
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read();
    const pid = await readPidFile(marker);
    assert.ok(pid > 1);
    abort.abort();
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    assert.equal(alive, false, `process ${pid} was killed`);
    const jobId = res.headers.get('x-exec-id')!;
    let job: any;
    for (let i = 0; i < 100 && job?.status !== 'cancelled'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
    }
    assert.equal(job.status, 'cancelled', 'its job says it was cut short');
  });

  it('answers 400 "file and commands are required" without a file or commands', async () => {
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    for (const form of [uploadForm(undefined, { commands: 'ls' }), uploadForm(zip, {}), uploadForm(zip, { commands: '  \n ' })]) {
      const res = await execute(c, form);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: 'file and commands are required', statusCode: 400, reason: 'invalid_request' });
    }
  });

  it('answers 400 for an unknown mode and for a file that is not a zip, leaving no file', async () => {
    const before = uploadsOf(c).length;
    const zip = await buildZip([{ name: 'a.txt', content: 'a' }]);
    const mode = await execute(c, uploadForm(zip, { commands: 'ls', mode: 'turbo' }));
    assert.equal(mode.status, 400);
    assert.match(((await mode.json()) as any).error, /mode must be "distributed" or "direct"/);
    const notZip = await execute(c, uploadForm(Buffer.from('#!/bin/sh\nrm -rf /\n'), { commands: 'ls', mode: 'distributed' }));
    assert.equal(notZip.status, 400);
    assert.match(((await notZip.json()) as any).error, /not a zip/);
    assert.equal(uploadsOf(c).length, before);
  });

  it('answers 413 with the limit in the message for an upload over --max-upload-mb, leaving no partial file', async () => {
    const before = uploadsOf(c).length;
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    big.writeUInt32LE(0x04034b50, 0);
    const res = await execute(c, uploadForm(big, { commands: 'ls', mode: 'distributed' }));
    assert.equal(res.status, 413);
    const body = (await res.json()) as any;
    assert.match(body.error, /Upload is 2\.0 MB; the coordinator accepts up to 1 MB \(--max-upload-mb\)/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(uploadsOf(c).length, before);
  });

  it('lets a fetch() client read the 413 of an upload far over the limit (the rest of the body is read and dropped, not reset)', async () => {
    const big = Buffer.alloc(40 * 1024 * 1024, 1);
    big.writeUInt32LE(0x04034b50, 0);
    const res = await execute(c, uploadForm(big, { commands: 'ls', mode: 'distributed' }));
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as any).error, /Upload is 40\.0 MB; the coordinator accepts up to 1 MB \(--max-upload-mb\)/);
  });

  it('answers 413 even when the size is not announced (chunked upload), leaving no partial file', async () => {
    const before = uploadsOf(c).length;
    const boundary = 'XyZboundary';
    const url = new URL(c.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/execute',
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', () => {});
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\ndistributed\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04`,
      );
      let sent = 0;
      const pump = () => {
        while (sent < 3 * 1024 * 1024) {
          sent += 64 * 1024;
          if (!req.write(Buffer.alloc(64 * 1024, 7))) return void req.once('drain', pump);
        }
        req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
      setTimeout(() => reject(new Error('no answer')), 30_000).unref();
    });
    assert.equal(status, 413);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(uploadsOf(c).length, before);
  });

  it('answers 400 for a truncated multipart body', async () => {
    const res = await c.api('POST', '/api/execute', {
      rawBody: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\nPK\x03\x04abc',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.statusCode, 400);
  });

  it('never lists or escapes the uploads folder', async () => {
    for (const path of ['/uploads/', '/uploads/..%2Fcoordinator.db', '/uploads/%2e%2e/tokens.json', '/uploads/upload-1-ab.zip', '/uploads/.part']) {
      const res = await c.api('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.statusCode, 404);
    }
  });
});
