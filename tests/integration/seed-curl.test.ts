import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { APP_VERSION } from '../../shared/api.ts';
import { tempDir } from '../helpers/coordinator.ts';
import { CLI, startCli, type CliProcess } from '../helpers/processes.ts';

const run = promisify(execFile);
const BIN = CLI;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** Runs a curl command line from the seed reference, with its base URL pointed at our coordinator. */
async function curl(base: string, args: string[]): Promise<{ code: number; body: any }> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args.map((a) => a.replace('http://localhost:3000', base))], { timeout: 20_000 });
  const lines = stdout.trimEnd().split('\n');
  const code = Number(lines.pop());
  return { code, body: JSON.parse(lines.join('\n')) };
}

describe('the built bin answers the seed reference curl examples (--no-auth)', () => {
  let coordinator: CliProcess;
  let base: string;
  before(async () => {
    // The package's bin, as `npm run build` produces it (npm test builds first).
    assert.equal(pkg.bin.cmdx, 'dist/electron/core/cli.js');
    coordinator = startCli(['coordinator', '--no-auth', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir()]);
    const line = await coordinator.waitForLog((l) => l.msg === 'coordinator listening');
    base = line.url;
    const warning = await coordinator.waitForLog((l) => l.level === 'warn');
    assert.match(warning.msg, /authentication is OFF/);
  });
  after(() => coordinator.kill());

  it('follows the seed workflow: register, heartbeat, list, create, get-job, status, submit, list', async () => {
    const reg = await curl(base, [
      '-X',
      'POST',
      'http://localhost:3000/api/workers/register',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"workerId": "worker-abc123", "hostname": "my-pc", "os": "win32", "cpuCount": 4, "version": "1.0.0"}',
    ]);
    assert.deepEqual([reg.code, reg.body.message], [200, 'Worker worker-abc123 registered successfully']);
    const beat = await curl(base, [
      '-X',
      'POST',
      'http://localhost:3000/api/workers/heartbeat',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"workerId": "worker-abc123"}',
    ]);
    assert.equal(beat.code, 200);
    assert.equal(typeof beat.body.timestamp, 'number');
    const workers = await curl(base, ['http://localhost:3000/api/workers/register']);
    assert.equal(workers.body.count, 1);
    const created = await curl(base, [
      '-X',
      'POST',
      'http://localhost:3000/api/jobs/create',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"command": "npm install\\nnpm test", "fileUrl": "https://example.invalid/project.zip", "filename": "project.zip"}',
    ]);
    assert.deepEqual([created.code, created.body.message], [200, 'Job created successfully']);
    const jobId = created.body.jobId;
    const got = await curl(base, ['http://localhost:3000/api/jobs/get-job']);
    assert.deepEqual([got.code, got.body.job.jobId], [200, jobId]);
    const none = await curl(base, ['http://localhost:3000/api/jobs/get-job']);
    assert.deepEqual([none.code, none.body.message], [202, 'No idle workers available']);
    const running = await curl(base, [`http://localhost:3000/api/jobs/status?jobId=${jobId}`]);
    assert.deepEqual([running.body.status, running.body.workerId], ['running', 'worker-abc123']);
    const submitted = await curl(base, [
      '-X',
      'POST',
      'http://localhost:3000/api/jobs/submit-result',
      '-H',
      'Content-Type: application/json',
      '-d',
      `{"jobId": "${jobId}", "workerId": "worker-abc123", "stdout": "Test results...", "stderr": "", "exitCode": 0}`,
    ]);
    assert.deepEqual([submitted.code, submitted.body.message], [200, 'Job result submitted successfully']);
    const done = await curl(base, [`http://localhost:3000/api/jobs/status?jobId=${jobId}`]);
    assert.deepEqual([done.body.status, done.body.stdout, done.body.exitCode], ['completed', 'Test results...', 0]);
    const jobs = await curl(base, ['http://localhost:3000/api/jobs/create']);
    assert.equal(jobs.body.count, 1);
  });

  it('reports a failure with PUT as the seed shows', async () => {
    await curl(base, [
      '-X',
      'POST',
      'http://localhost:3000/api/jobs/create',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"command": "ls", "fileUrl": "https://example.invalid/p.zip", "filename": "p.zip"}',
    ]);
    const got = await curl(base, ['http://localhost:3000/api/jobs/get-job']);
    const failed = await curl(base, [
      '-X',
      'PUT',
      'http://localhost:3000/api/jobs/submit-result',
      '-H',
      'Content-Type: application/json',
      '-d',
      `{"jobId": "${got.body.job.jobId}", "workerId": "worker-abc123", "errorMessage": "Network timeout"}`,
    ]);
    assert.deepEqual([failed.code, failed.body.message], [200, 'Job failure recorded successfully']);
  });

  it('prints the version from package.json', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--version']);
    assert.equal(stdout.trim(), pkg.version);
    assert.equal(APP_VERSION, pkg.version);
  });
});
