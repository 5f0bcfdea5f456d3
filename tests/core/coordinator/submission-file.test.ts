/**
 * GET /api/runs/submission-file: one source file of a student's zip as text, for the similarity
 * check's side-by-side view. Only the admin; only a source file the check compares, named exactly
 * (no absolute, `..` or backslash paths, no links, no vendor folders), at most 256 KB; the refusals
 * say which job, file or limit.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uploadNameFromUrl } from '../../../shared/uploads.ts';
import { startTestCoordinator, type TestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip, type ZipItem } from '../../helpers/zip.ts';

const ALICE: ZipItem[] = [
  { name: 'src/sort.c', content: 'int main(void) {\n  return 0;\n}\n' },
  { name: 'notes.txt', content: 'not source\n' },
  { name: 'node_modules/lib/index.js', content: 'module.exports = 1;\n' },
  { name: 'src/link.c', symlinkTo: '/etc/passwd' },
  { name: 'src/big.c', content: `/* ${'x'.repeat(300 * 1024)} */\n` },
  { name: 'src/blob.c', content: Buffer.from([0x69, 0x6e, 0x74, 0x00, 0x01]) },
  { name: 'src/wide.py', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('print("hé")\n', 'utf16le')]) },
];

describe('GET /api/runs/submission-file', () => {
  let c: TestCoordinator;
  let alice = '';
  let bob = '';
  const file = (jobId: string, path: string, token?: string | null) =>
    c.api('GET', `/api/runs/submission-file?${new URLSearchParams({ jobId, path }).toString()}`, token === undefined ? {} : { token });

  before(async () => {
    c = await startTestCoordinator();
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'true');
    form.append('file', new Blob([new Uint8Array(await buildZip(ALICE))]), 'alice.zip');
    form.append('file', new Blob([new Uint8Array(await buildZip([{ name: 'main.c', content: 'int x;\n' }]))]), 'bob.zip');
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    const created = (await res.json()) as { jobIds: string[] };
    assert.equal(res.status, 200, JSON.stringify(created));
    [alice, bob] = created.jobIds as [string, string];
  });
  after(async () => {
    await c?.close();
  });

  it("answers a source file's text, UTF-16 decoded too", async () => {
    const res = await file(alice, 'src/sort.c');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { jobId: alice, path: 'src/sort.c', text: 'int main(void) {\n  return 0;\n}\n' });
    assert.equal((await file(alice, 'src/wide.py')).body.text, 'print("hé")\n');
    assert.equal((await file(bob, 'main.c')).body.text, 'int x;\n');
  });

  it('is for the admin only', async () => {
    assert.equal((await file(alice, 'src/sort.c', null)).status, 401);
    assert.equal((await file(alice, 'src/sort.c', c.tokens.joinToken)).status, 403, 'a join token is not an admin');
  });

  it('refuses paths that leave the zip or are not plain relative paths', async () => {
    for (const path of ['/etc/passwd', '../alice.c', 'src/../src/sort.c', 'src\\sort.c', 'src//sort.c', './src/sort.c', 'src/\u0000.c', '']) {
      const res = await file(alice, path);
      assert.equal(res.status, 400, `${JSON.stringify(path)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.reason, 'invalid_request');
    }
  });

  it('refuses what the similarity check does not read: other files, vendor folders, links, binary bytes', async () => {
    for (const [path, sentence] of [
      ['notes.txt', /notes\.txt is not a source file the similarity check compares/],
      ['node_modules/lib/index.js', /is not a source file the similarity check compares/],
      ['src/link.c', /src\/link\.c is not a source file \(a folder or a link\)/],
      ['src/blob.c', /holds binary bytes/],
    ] as const) {
      const res = await file(alice, path);
      assert.equal(res.status, 400, path);
      assert.match(res.body.error, sentence);
    }
  });

  it('says which job, file or limit is missing: job_not_found, not_found, too_large', async () => {
    const noJob = await file('job-nope', 'src/sort.c');
    assert.equal(noJob.status, 404);
    assert.equal(noJob.body.reason, 'job_not_found');
    const noFile = await file(alice, 'src/missing.c');
    assert.equal(noFile.status, 404);
    assert.equal(noFile.body.reason, 'not_found');
    assert.match(noFile.body.error, /The zip holds no file src\/missing\.c\./);
    const big = await file(alice, 'src/big.c');
    assert.equal(big.status, 413);
    assert.equal(big.body.reason, 'too_large');
    assert.match(big.body.error, /larger than 256 KB/);
    assert.equal((await c.api('GET', `/api/runs/submission-file?jobId=${alice}`)).status, 400, 'path is required');
  });

  it('says when the zip is no longer kept', async () => {
    const name = uploadNameFromUrl(c.context.store.jobs.get(bob)!.fileUrl)!;
    rmSync(join(c.dataDir, 'uploads', name));
    const res = await file(bob, 'main.c');
    assert.equal(res.status, 404);
    assert.equal(res.body.reason, 'not_found');
    assert.match(res.body.error, /is not kept on this coordinator/);
  });
});
