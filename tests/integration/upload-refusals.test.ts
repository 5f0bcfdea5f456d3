/**
 * An upload over --max-upload-mb is answered 413 with a sentence the client can read, every time: on a
 * real coordinator process (in one process with the client, the race that reset the connection hid).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/coordinator.ts';
import { startCoordinatorProcess, type CliProcess } from '../helpers/processes.ts';
import { uploadForm } from '../helpers/zip.ts';

describe('oversize uploads on a real coordinator', () => {
  let coordinator: CliProcess & { url: string };
  let adminToken: string;
  before(async () => {
    const dataDir = tempDir();
    coordinator = await startCoordinatorProcess(dataDir, ['--max-upload-mb', '5']);
    adminToken = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8')).adminToken;
  });
  after(async () => {
    await coordinator.kill();
  });

  it('answers each of 100 oversize uploads, from 6 to 100 MB, with a readable 413', async () => {
    const sizes = [6, 8, 20, 100, ...Array<number>(96).fill(6)];
    const answers: string[] = [];
    for (const mb of sizes) {
      const zip = Buffer.alloc(mb * 1024 * 1024, 1);
      zip.writeUInt32LE(0x04034b50, 0);
      try {
        const res = await fetch(`${coordinator.url}/api/execute`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}` },
          body: uploadForm(zip, { commands: 'ls' }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await res.json()) as { error?: string };
        answers.push(`${res.status} ${body.error}`);
      } catch (error) {
        answers.push(`no answer: ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`);
      }
    }
    const expected = sizes.map((mb) => `413 Upload is ${mb}.0 MB; the coordinator accepts up to 5 MB (--max-upload-mb).`);
    assert.deepEqual(answers, expected);
  });
});
