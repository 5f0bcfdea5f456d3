/** A person starting the coordinator in a terminal reads one sentence and readable lines; a pipe gets JSON. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/coordinator.ts';
import { CLI, waitFor } from '../helpers/processes.ts';

/** `cmdx coordinator ...` on a pseudo-terminal (util-linux `script`), in its own process group so the test can end it all. */
function onTerminal(args: string[]) {
  const command = [process.execPath, CLI, 'coordinator', '--host', '127.0.0.1', '--port', '0', ...args].map((a) => `'${a}'`).join(' ');
  const proc = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return {
    output: () => out.replaceAll('\r', ''),
    exited,
    stop: async () => {
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGTERM');
      await exited;
    },
  };
}

describe('the coordinator in a terminal', () => {
  it('says where the dashboard is and where the admin token is, in one sentence, and logs readable lines', async () => {
    const dataDir = tempDir('cmdx-coord-');
    const run = onTerminal(['--data-dir', dataDir]);
    try {
      await waitFor('the sentence', () => (/Dashboard: /.test(run.output()) ? true : undefined), 30_000, 50);
      assert.match(run.output(), new RegExp(`^Dashboard: http://localhost:\\d+/ — admin token in ${join(dataDir, 'tokens.json')}$`, 'm'));
      assert.match(run.output(), /^\S+ INFO coordinator listening /m);
      assert.doesNotMatch(run.output(), /^\{"time"/m, 'no JSON for a person');
    } finally {
      await run.stop();
    }
  });

  it('logs JSON lines when told to, and refuses a format it does not know', async () => {
    const json = onTerminal(['--data-dir', tempDir('cmdx-coord-'), '--log-format', 'json']);
    try {
      await waitFor('the listening line', () => (/"msg":"coordinator listening"/.test(json.output()) ? true : undefined), 30_000, 50);
      assert.doesNotMatch(json.output(), /^Dashboard: /m);
    } finally {
      await json.stop();
    }
    const wrong = onTerminal(['--data-dir', tempDir('cmdx-coord-'), '--log-format', 'xml']);
    assert.equal(await wrong.exited, 2);
    assert.match(wrong.output(), /--log-format is "text" or "json" \(got "xml"\)/);
  });
});
