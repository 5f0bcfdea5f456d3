/**
 * Result files from real jobs: nested globs, a symlink and a hard link pointing out refused, a size
 * cap said in the log, byte-identical downloads from the job and from a run's zip, junit.xml counts
 * in the job and the CSV, and an upload that survives a worker restart.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCsv } from '../helpers/csv.ts';
import { dropBox, startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { submitZip, waitForJob, type Target } from '../helpers/jobs.ts';
import { startCli, startCoordinatorProcess, waitFor, type CliProcess } from '../helpers/processes.ts';
import { buildZip, readZip } from '../helpers/zip.ts';

const JUNIT = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="math">
    <testcase name="adds"/>
    <testcase name="subtracts"><failure message="2 != 3"/></testcase>
    <testcase name="divides"><skipped/></testcase>
  </testsuite>
  <testsuite name="strings"><testcase name="joins"/><testcase name="splits"><error/></testcase></testsuite>
</testsuites>`;

/** The project: makes result files, a file too big for the cap, and links pointing out of the folder. */
const MAKE = [
  'mkdir -p coverage/deep/er dist reports',
  'printf cov-a > coverage/a.txt',
  'printf cov-deep > coverage/deep/er/b.txt',
  'head -c 3000 /dev/urandom > dist/app.bin',
  'printf no > dist/readme.txt',
  'cp junit.xml.src reports/junit.xml',
  'head -c 2000000 /dev/zero > dist/huge.bin',
  'ln -s /etc/hostname coverage/escape.txt',
].join('\n');

describe('artifacts', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  let workDir: string;
  const get = async (path: string) => {
    const res = await fetch(c.url + path, { headers: { authorization: `Bearer ${c.tokens.adminToken}` } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    workDir = tempDir('cmdx-worker-');
    worker = startCli(['worker', '--server', c.url, '--id', 'pc-1', '--work-dir', workDir, '--max-artifacts-mb', '1', '--heartbeat-interval', '1'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
  });

  it('brings back the files that match, refuses links out of the folder, notes the cap, and counts junit.xml', async () => {
    const jobId = await submitZip(t, [{ name: 'junit.xml.src', content: JUNIT }], MAKE, {
      artifacts: JSON.stringify(['coverage/**', 'dist/*.bin', 'reports/junit.xml']),
    });
    const job = await waitFor('artifacts listed', async () => {
      const j = await waitForJob(t, jobId, undefined, 30_000);
      return j.artifacts.length ? j : undefined;
    });
    assert.equal(job.status, 'completed', job.errorMessage);
    assert.deepEqual(
      job.artifacts.map((a: any) => a.path).sort(),
      ['coverage/a.txt', 'coverage/deep/er/b.txt', 'dist/app.bin', 'reports/junit.xml'],
      'nested globs match; dist/readme.txt does not; the link and the file over the cap are left out',
    );
    assert.deepEqual(job.tests, { total: 5, passed: 2, failed: 2, skipped: 1 });
    assert.match(job.stdout, /\[cmdx: artifacts: coverage\/escape\.txt: a symbolic link, not followed/);
    assert.match(job.stdout, /\[cmdx: artifacts: 1 matching file\(s\) left out: the artifacts would pass 1 MB \(--max-artifacts-mb\)\]/);

    const whole = await get(`/api/jobs/artifacts?jobId=${jobId}`);
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get('content-disposition')!, /^attachment; filename="[A-Za-z0-9._-]+-artifacts\.zip"$/);
    const entries = await readZip(whole.body);
    assert.equal(entries.get('coverage/deep/er/b.txt')!.toString(), 'cov-deep');
    assert.equal(entries.get('reports/junit.xml')!.toString(), JUNIT);
    const one = await get(`/api/jobs/artifacts?jobId=${jobId}&path=dist/app.bin`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, entries.get('dist/app.bin'), 'one file, byte-identical');
    assert.equal(one.body.length, 3000);
    assert.equal((await get(`/api/jobs/artifacts?jobId=${jobId}&path=../../tokens.json`)).status, 404);
  });

  it('refuses a hard link to a file the job did not write', async () => {
    const jobId = await submitZip(
      t,
      [{ name: 'a.txt', content: 'a' }],
      'ln /etc/hostname stolen.txt 2>/dev/null || ln a.txt stolen.txt\nprintf mine > own.txt',
      {
        artifacts: JSON.stringify(['*.txt']),
      },
    );
    const job = await waitFor('artifacts listed', async () => {
      const j = await waitForJob(t, jobId, undefined, 30_000);
      return j.artifacts.length ? j : undefined;
    });
    assert.deepEqual(
      job.artifacts.map((a: any) => a.path),
      ['own.txt'],
    );
    assert.match(job.stdout, /stolen\.txt: a hard link, not brought back/);
  });

  it("puts a run's artifacts in one zip with a folder per input zip, and junit counts in the CSV", async () => {
    const form = new FormData();
    form.set('mode', 'map');
    form.set('commands', 'mkdir -p out && cp junit.xml.src out/junit.xml && printf "$(cat name)" > out/who.txt');
    form.set('artifacts', JSON.stringify(['out/*']));
    for (const name of ['alice', 'bob']) {
      const zip = await buildZip([
        { name: 'junit.xml.src', content: JUNIT },
        { name: 'name', content: name },
      ]);
      form.append('file', new Blob([new Uint8Array(zip)]), `${name}.zip`);
    }
    const created = (await (
      await fetch(`${c.url}/api/runs/create`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.tokens.adminToken}` } })
    ).json()) as any;
    assert.equal(created.count, 2, JSON.stringify(created));
    await waitFor(
      'both jobs with artifacts',
      async () => {
        const s = (await c.api('GET', `/api/runs/status?runId=${created.runId}`)).body;
        return s.jobs.every((j: any) => j.tests) ? s : undefined;
      },
      60_000,
    );
    const zip = await get(`/api/runs/artifacts?runId=${created.runId}`);
    assert.equal(zip.status, 200);
    const entries = await readZip(zip.body);
    assert.equal(entries.get('alice/out/who.txt')!.toString(), 'alice');
    assert.equal(entries.get('bob/out/who.txt')!.toString(), 'bob');
    const csv = (await get(`/api/runs/export?runId=${created.runId}&format=csv`)).body.toString();
    const [header, ...rows] = parseCsv(csv);
    assert.equal(header![7], 'tests');
    for (const row of rows) assert.equal(row[7], '2/5');
  });

  it('refuses artifact patterns that climb out of the job folder', async () => {
    const res = await c.api('POST', '/api/jobs/create', {
      body: { command: 'x', fileUrl: 'http://f.invalid/a.zip', filename: 'a.zip', artifacts: ['../../etc/*'] },
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /must be relative to the job folder, without "\.\."/);
  });
});

describe('artifacts across a worker restart', () => {
  it('a worker restarted before its upload was acknowledged uploads the artifacts after it restarts', async () => {
    const dataDir = tempDir('cmdx-coord-');
    const coordinator = await startCoordinatorProcess(dataDir);
    const tokens = JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8'));
    const t: Target = { url: coordinator.url, adminToken: tokens.adminToken };
    const workDir = tempDir('cmdx-worker-');
    const start = () =>
      startCli(['worker', '--server', coordinator.url, '--id', 'pc-r', '--work-dir', workDir, '--heartbeat-interval', '1'], {
        CMDX_JOIN_TOKEN: tokens.joinToken,
      });
    let worker = start();
    try {
      const go = join(dropBox(), 'go');
      const jobId = await submitZip(t, [{ name: 'a.txt', content: 'a' }], `echo started\nwhile [ ! -e ${go} ]; do sleep 0.1; done; printf kept > result.txt`, {
        artifacts: JSON.stringify(['result.txt']),
      });
      // 'running' starts at assignment, before the worker has the zip: stopping the coordinator then would
      // cut the download, and no artifacts would ever be made. The job's own output says it runs; it ends only
      // once the coordinator is stopped.
      await waitForJob(t, jobId, (j) => /^started$/m.test(j.stdout));
      coordinator.proc.kill('SIGSTOP'); // the coordinator cannot take the upload
      writeFileSync(go, '');
      const outboxZip = join(workDir, 'outbox', `${jobId}.artifacts.zip`);
      await waitFor('the artifacts in the outbox', () => existsSync(outboxZip) || undefined, 20_000);
      await worker.kill('SIGKILL');
      coordinator.proc.kill('SIGCONT');
      worker = start(); // same work dir: same identity and outbox
      const job = await waitFor(
        'artifacts after the restart',
        async () => {
          const j = await waitForJob(t, jobId, undefined, 30_000);
          return j.artifacts.length ? j : undefined;
        },
        30_000,
      );
      assert.deepEqual(job.artifacts, [{ path: 'result.txt', size: 4 }]);
      const res = await fetch(`${coordinator.url}/api/jobs/artifacts?jobId=${jobId}&path=result.txt`, {
        headers: { authorization: `Bearer ${tokens.adminToken}` },
      });
      assert.equal(await res.text(), 'kept');
    } finally {
      coordinator.proc.kill('SIGCONT');
      await worker.kill('SIGKILL');
      await coordinator.kill('SIGKILL');
    }
  });
});
