/**
 * One zip to a lab of real worker processes on loopback: a broadcast run's zip goes from the coordinator to
 * one worker and from worker to worker after it (their logs say from whom), every job runs with the right
 * bytes, and a worker started with --no-peers takes it from the coordinator and serves nothing.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip, uploadForm } from '../helpers/zip.ts';

const SHARING = ['pc-1', 'pc-2', 'pc-3', 'pc-4'];
const ALONE = 'pc-alone';

describe('a broadcast spreads from worker to worker', () => {
  let c: TestCoordinator;
  let t: Target;
  const workers = new Map<string, CliProcess & { workDir: string }>();

  const start = (id: string, extra: string[] = []) => {
    const workDir = tempDir('cmdx-peer-worker-');
    const proc = startCli(['worker', '--server', c.url, '--id', id, '--work-dir', workDir, '--heartbeat-interval', '0.5', ...extra], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    workers.set(id, Object.assign(proc, { workDir }));
  };

  before(async () => {
    c = await startTestCoordinator({ offlineAfterSeconds: 5 });
    t = { url: c.url, adminToken: c.tokens.adminToken };
    for (const id of SHARING) start(id);
    start(ALONE, ['--no-peers']);
    const ids = [...SHARING, ALONE];
    await waitFor(
      'workers idle',
      async () => (await listWorkers(t)).filter((w) => ids.includes(w.workerId) && w.status === 'idle').length === ids.length || undefined,
      30_000,
    );
    // Their peer servers are known before the run: the coordinator can name them.
    await waitFor('peer servers known', () => SHARING.every((id) => c.context.zipSources.directory.fingerprintOf(id)) || undefined, 15_000);
  });
  after(async () => {
    await Promise.all([...workers.values()].map((w) => w.kill('SIGKILL')));
    for (const w of workers.values()) rmSync(w.workDir, { recursive: true, force: true });
    await c?.close();
  });

  it('runs every job with the right zip, most of them fetched from a peer', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const zip = await buildZip([{ name: 'data.bin', content: data }]);
    const form = uploadForm(zip, { mode: 'each', commands: 'sha256sum data.bin', target: JSON.stringify({ workers: [...SHARING, ALONE] }) });
    const res = await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    assert.equal(res.status, 200, await res.clone().text());
    const { runId } = (await res.json()) as { runId: string };
    const run = await waitFor(
      'the run done',
      async () => {
        const status = (await c.api('GET', `/api/runs/status?runId=${runId}`)).body;
        return status.completedAt !== null ? status : undefined;
      },
      60_000,
      100,
    );
    assert.equal(run.summary.passed, SHARING.length + 1, JSON.stringify(run.summary));
    const expected = createHash('sha256').update(data).digest('hex');
    for (const job of run.jobs) {
      const full = (await c.api('GET', `/api/jobs/status?jobId=${job.jobId}`)).body;
      assert.match(full.stdout, new RegExp(`${expected}  data.bin`), `${job.workerId}: ${full.stdout}`);
    }
    const downloads = new Map([...workers].map(([id, w]) => [id, w.logs.find((l) => l.msg === 'bundle downloaded')]));
    const fromPeers = SHARING.filter((id) => downloads.get(id)?.from === 'peer');
    assert.ok(fromPeers.length >= 1, `downloads: ${JSON.stringify([...downloads])}`);
    assert.equal(SHARING.filter((id) => downloads.get(id)?.from === 'coordinator').length, SHARING.length - fromPeers.length);
    const served = SHARING.filter((id) => workers.get(id)!.logs.some((l) => l.msg === 'zip served to a peer'));
    assert.ok(served.length >= 1, 'a worker says it served the zip');
    assert.equal(downloads.get(ALONE)?.from, undefined, 'the --no-peers worker downloads as before');
    assert.equal(c.context.zipSources.directory.fingerprintOf(ALONE), undefined);
    assert.ok(!workers.get(ALONE)!.logs.some((l) => l.msg === 'serving zips to peers'));
  });
});
