import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commandLines, runCommands } from '../../../electron/core/runner/executor.ts';
import { tempDir } from '../../helpers/coordinator.ts';
import { isAlive, readPidFile, waitFor } from '../../helpers/processes.ts';

async function run(commands: string, extra: Partial<Parameters<typeof runCommands>[0]> = {}) {
  const out = { stdout: '', stderr: '' };
  const result = await runCommands({
    commands,
    cwd: tempDir(),
    onOutput: (s, c) => {
      out[s] += c.toString();
    },
    ...extra,
  });
  return { result, ...out };
}

describe('executor', () => {
  it('a job that starts while its PC is in use keeps its whole time limit for when it runs', async () => {
    const listeners = new Set<(suspended: boolean) => void>();
    const suspension = {
      suspended: true,
      subscribe(listener: (suspended: boolean) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    // The limit is shorter than this process has been up: a pause that counted from time 0 would spend it all.
    await waitFor('the process up longer than the limit', () => performance.now() > 2000 || undefined);
    const running = run('sleep 0.6; echo done', { timeoutMs: 1500, suspension });
    await new Promise((r) => setTimeout(r, 300)); // frozen a while, then the student leaves
    suspension.suspended = false;
    for (const listener of listeners) listener(false);
    const { result, stdout } = await running;
    assert.deepEqual(result, { status: 'completed', exitCode: 0 });
    assert.match(stdout, /done/);
  });

  it('splits command text into non-empty lines', () => {
    assert.deepEqual(commandLines('npm install\r\n\n  npm test  \n'), ['npm install', 'npm test']);
  });

  it('runs each line in order, showing it before its output', async () => {
    const { result, stdout, stderr } = await run('echo one\necho two >&2\necho three');
    assert.deepEqual(result, { status: 'completed', exitCode: 0 });
    assert.equal(stdout, '$ echo one\none\n$ echo two >&2\n$ echo three\nthree\n');
    assert.equal(stderr, 'two\n');
  });

  it("starts each command's header on a line of its own, after output of either stream that did not end one", async () => {
    const { stdout } = await run("printf 'no newline'\nprintf 'err' >&2\necho done");
    assert.equal(stdout, "$ printf 'no newline'\nno newline\n$ printf 'err' >&2\n\n$ echo done\ndone\n");
  });

  it('keeps the real result when a cancel arrives after the last command ended by itself', async () => {
    const abort = new AbortController();
    // The shell exits at once with 3; a leftover background process keeps the pipes open a while, and the cancel lands then.
    const { result } = await run('(sleep 2; echo late) & echo main; exit 3', {
      signal: abort.signal,
      killGraceMs: 500,
      onOutput: (_s, c) => {
        if (c.toString().includes('main')) setTimeout(() => abort.abort(), 150);
      },
    });
    assert.deepEqual(result, { status: 'completed', exitCode: 3 });
  });

  it('reports a cancel that stopped a command as cancelled', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const { result } = await run('sleep 5; echo never', { signal: abort.signal, killGraceMs: 500 });
    assert.deepEqual(result, { status: 'cancelled' });
  });

  it('stops at the first non-zero exit and reports its code', async () => {
    const { result, stdout } = await run('echo a\nexit 7\necho never');
    assert.deepEqual(result, { status: 'completed', exitCode: 7 });
    assert.doesNotMatch(stdout, /never/);
  });

  it('times out and kills the whole tree, including a child whose shell already exited', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    // The shell starts a background sleeper, records its pid and then waits on it.
    const { result } = await run(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 500, killGraceMs: 1000 });
    assert.deepEqual(result, { status: 'timed_out', afterSeconds: 1 });
    assert.ok(Date.now() - started < 10_000);
    const pid = await readPidFile(pidFile);
    await waitFor(`pid ${pid} to die`, () => !isAlive(pid) || undefined, 5000);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const { result } = await run(`sh -c 'trap "" TERM; echo $$ > ${pidFile}; while true; do sleep 0.1; done'`, { timeoutMs: 300, killGraceMs: 500 });
    assert.equal(result.status, 'timed_out');
    const pid = await readPidFile(pidFile);
    await waitFor(`pid ${pid} to die`, () => !isAlive(pid) || undefined, 5000);
  });

  it('cancels on abort and leaves no process behind', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const abort = new AbortController();
    const running = run(`echo $$ > ${pidFile}; sleep 30`, { signal: abort.signal, killGraceMs: 1000 });
    const pid = await readPidFile(pidFile);
    abort.abort();
    const { result } = await running;
    assert.deepEqual(result, { status: 'cancelled' });
    await waitFor(`pid ${pid} to die`, () => !isAlive(pid) || undefined, 5000);
  });

  it('does not wait for a background process that keeps the output pipe open, and kills it at the end', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    const { result, stdout } = await run(`sleep 30 & echo $! > ${pidFile}\necho next`);
    assert.deepEqual(result, { status: 'completed', exitCode: 0 });
    assert.match(stdout, /next/);
    assert.ok(Date.now() - started < 10_000, 'finished without waiting for the sleeper');
    const pid = await readPidFile(pidFile);
    await waitFor(`pid ${pid} to die`, () => !isAlive(pid) || undefined, 5000);
  });

  it('pauses reading while the consumer is busy, without losing output', async () => {
    let received = 0;
    const result = await runCommands({
      commands: 'head -c 3000000 /dev/zero',
      cwd: tempDir(),
      onOutput: async (_s, chunk) => {
        received += chunk.length;
        await new Promise((r) => setTimeout(r, 1));
      },
    });
    assert.deepEqual(result, { status: 'completed', exitCode: 0 });
    assert.equal(received, 3_000_000 + '$ head -c 3000000 /dev/zero\n'.length);
  });

  it('reports a shell that cannot start as an error value', async () => {
    const result = await runCommands({ commands: 'true', cwd: join(tempDir(), 'missing-dir'), onOutput: () => {} });
    assert.equal(result.status, 'error');
  });
});
