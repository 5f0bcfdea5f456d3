/**
 * Starting a job's command the way a Windows service worker does for its job account, under wine:
 * created suspended, put into the Job Object, resumed; output through named pipes that prove their
 * writer; only the three std handles inherited; kill. Wine's LogonUserW gives a token no process can
 * start with, so this runs with the worker's own token (null): it checks the mechanics, not the
 * separate identity (docs/windows.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/coordinator.ts';
import { ensureWindowsNode, ensureWinePrefix, stopWine } from '../helpers/wine.ts';

const DIST = fileURLToPath(new URL('../../dist/electron/core/runner/windows/', import.meta.url));

const SCRIPT = `
import { writeFileSync } from 'node:fs';
const { spawnAsUser } = await import(process.env.DIST + 'spawn-as-user.js');
const { WindowsJobObject } = await import(process.env.DIST + 'job-object.js');
const env = { SystemRoot: 'C:\\\\windows', PATH: 'C:\\\\windows\\\\system32', CMDX_MARK: 'from the worker' };
const run = (command, stopAfterMs) => new Promise((resolve) => {
  const jobObject = WindowsJobObject.create();
  const child = spawnAsUser({ token: null, commandLine: '"C:\\\\windows\\\\system32\\\\cmd.exe" /d /s /c "' + command + '"', cwd: 'C:\\\\', env, jobObject, lowPriority: true });
  let out = '', err = '', inJob = false;
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.on('spawn', () => {
    inJob = jobObject.pids().includes(child.pid);
    if (stopAfterMs) setTimeout(() => jobObject.terminate(), stopAfterMs); // as a cancel does
  });
  child.on('error', (e) => resolve({ error: e.message }));
  child.on('close', (code) => { jobObject.close(); resolve({ code, out, err, inJob }); });
});
const started = Date.now();
const result = {
  echo: await run('chcp 65001>nul& echo héllo %CMDX_MARK%& echo oops 1>&2& exit 4'),
  stopped: await run('ping -n 30 127.0.0.1 >nul', 300),
  seconds: (Date.now() - started) / 1000,
};
writeFileSync(process.env.RESULT, JSON.stringify(result));
`;

describe('a command started as the job account would be (suspended, gated by the Job Object, piped)', () => {
  after(() => stopWine('spawn'));

  it('runs in the Job Object with only its environment, passes output and exit code, and ends with its Job Object', () => {
    const dir = tempDir('cmdx-spawn-');
    writeFileSync(join(dir, 'probe.mjs'), SCRIPT);
    const result = join(dir, 'result.json');
    const log = openSync(join(dir, 'log.txt'), 'w'); // wine's Node takes files, never pipes
    try {
      execFileSync('wine', [ensureWindowsNode(), join(dir, 'probe.mjs')], {
        env: { ...process.env, ...ensureWinePrefix('spawn'), DIST: `${DIST}`, RESULT: result },
        stdio: ['ignore', log, log],
        timeout: 120_000,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${readFileSync(join(dir, 'log.txt'), 'utf8')}`, { cause: error });
    } finally {
      closeSync(log);
    }
    const { echo, stopped, seconds } = JSON.parse(readFileSync(result, 'utf8'));
    assert.deepEqual(echo, { code: 4, out: 'héllo from the worker\r\n', err: 'oops \r\n', inJob: true });
    assert.equal(stopped.inJob, true);
    assert.equal(stopped.code, 1, 'TerminateJobObject ends it with 1');
    assert.ok(seconds < 20, `the stopped ping (30 s) ended with its Job Object (both took ${seconds} s)`);
  });
});
