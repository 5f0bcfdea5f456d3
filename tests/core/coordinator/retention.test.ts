import assert from 'node:assert/strict';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { removeOldUploads } from '../../../electron/core/coordinator/files/retention.ts';
import { startTestCoordinator } from '../../helpers/coordinator.ts';
import { buildZip, uploadForm } from '../../helpers/zip.ts';
import { onBothEngines } from '../../helpers/store-engines.ts';

onBothEngines('upload retention', () => {
  it('removes zips whose jobs all ended long ago and orphaned zips, and keeps the rest', async () => {
    const c = await startTestCoordinator({ auth: false });
    try {
      const uploadsDir = join(c.dataDir, 'uploads');
      const submit = async () => {
        const res = await fetch(`${c.url}/api/execute`, {
          method: 'POST',
          body: uploadForm(await buildZip([{ name: 'a', content: 'a' }]), { commands: 'true', mode: 'distributed' }),
        });
        const jobId = ((await res.json()) as any).jobId;
        return (await c.api('GET', `/api/jobs/status?jobId=${jobId}`)).body;
      };
      await c.register('w1');
      const done = await submit();
      await c.api('GET', '/api/jobs/get-job?workerId=w1');
      await c.api('POST', '/api/jobs/submit-result', { body: { jobId: done.jobId, workerId: 'w1', exitCode: 0 } });
      const waiting = await submit(); // still pending: must stay
      const orphan = join(uploadsDir, 'upload-1-abcdef.zip');
      writeFileSync(orphan, 'x');
      utimesSync(orphan, new Date(Date.now() - 3 * 86400_000), new Date(Date.now() - 3 * 86400_000));

      assert.deepEqual(removeOldUploads(c.context.uploadIndex, uploadsDir, 7), ['upload-1-abcdef.zip'], 'recent jobs keep their zip');
      const later = Date.now() + 8 * 86400_000;
      const removed = removeOldUploads(c.context.uploadIndex, uploadsDir, 7, later);
      assert.deepEqual(removed, [done.fileUrl.replace('/uploads/', '')]);
      assert.equal(existsSync(join(uploadsDir, waiting.fileUrl.replace('/uploads/', ''))), true, 'a pending job keeps its zip');
      assert.deepEqual(readdirSync(uploadsDir), [waiting.fileUrl.replace('/uploads/', '')]);
    } finally {
      await c.close();
    }
  });
});
