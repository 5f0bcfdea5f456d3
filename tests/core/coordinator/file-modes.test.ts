/** Loose folders made private at start: the coordinator's data dir and database, a worker's work dir and what it writes. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestCoordinator, tempDir } from '../../helpers/coordinator.ts';
import { submitZip, waitForJob } from '../../helpers/jobs.ts';
import { startCli } from '../../helpers/processes.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('file modes', () => {
  it('a coordinator started on a 0777 data dir with a 0644 database makes them 0700 and 0600', async () => {
    const dataDir = tempDir();
    chmodSync(dataDir, 0o777);
    mkdirSync(join(dataDir, 'uploads'), { mode: 0o755 });
    chmodSync(join(dataDir, 'uploads'), 0o755);
    const first = await startTestCoordinator({ dataDir });
    await first.stop();
    chmodSync(join(dataDir, 'coordinator.db'), 0o644);
    chmodSync(dataDir, 0o777);
    const c = await startTestCoordinator({ dataDir });
    try {
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(dataDir, 'uploads')), 0o700);
      assert.equal(mode(join(dataDir, 'coordinator.db')), 0o600);
      assert.equal(mode(join(dataDir, 'tokens.json')), 0o600);
      assert.equal(mode(join(dataDir, 'tls-key.pem')), 0o600);
    } finally {
      await c.close();
    }
  });

  it('a worker started on a 0755 work dir makes it 0700 and writes its identity, reports and cached zips 0600', async () => {
    const c = await startTestCoordinator();
    const workDir = tempDir('cmdx-worker-');
    chmodSync(workDir, 0o755);
    mkdirSync(join(workDir, 'cache'), { mode: 0o755 });
    chmodSync(join(workDir, 'cache'), 0o755);
    writeFileSync(join(workDir, 'stray.txt'), 'x');
    const worker = startCli(['worker', '--server', c.url, '--work-dir', workDir, '--heartbeat-interval', '0.5'], { CMDX_JOIN_TOKEN: c.tokens.joinToken });
    try {
      await worker.waitForLog((l) => l.msg === 'registered with the coordinator');
      const t = { url: c.url, adminToken: c.tokens.adminToken };
      assert.equal((await waitForJob(t, await submitZip(t, [{ name: 'a.txt', content: 'a' }], 'true'))).status, 'completed');
      assert.equal(mode(workDir), 0o700);
      assert.equal(mode(join(workDir, 'worker.json')), 0o600);
      assert.equal(mode(join(workDir, 'cache')), 0o700);
      for (const zip of readdirSync(join(workDir, 'cache'))) assert.equal(mode(join(workDir, 'cache', zip)), 0o600, zip);
    } finally {
      await worker.kill('SIGKILL');
      await c.close();
    }
  });
});
