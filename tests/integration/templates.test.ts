/** A saved command run on a real worker: a parameter's value, an injection attempt among them, reaches the job as plain text and runs nothing. */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCoordinator, tempDir, type TestCoordinator } from '../helpers/coordinator.ts';
import { listWorkers, waitForJob, type Target } from '../helpers/jobs.ts';
import { startCli, waitFor, type CliProcess } from '../helpers/processes.ts';

describe('a saved command on a real worker', () => {
  let c: TestCoordinator;
  let t: Target;
  let worker: CliProcess;
  const scratch = tempDir('cmdx-pwned-');

  before(async () => {
    c = await startTestCoordinator();
    t = { url: c.url, adminToken: c.tokens.adminToken };
    worker = startCli(['worker', '--server', c.url, '--id', 'pc-1', '--work-dir', tempDir('cmdx-worker-'), '--heartbeat-interval', '0.5'], {
      CMDX_JOIN_TOKEN: c.tokens.joinToken,
    });
    await waitFor('pc-1 idle', async () => (await listWorkers(t)).some((w) => w.workerId === 'pc-1' && w.status === 'idle') || undefined, 30_000);
  });
  after(async () => {
    await worker?.kill('SIGKILL');
    await c?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the text of an injection attempt and runs nothing of it', async () => {
    const created = await c.api('POST', '/api/templates/create', {
      body: {
        name: 'Greet',
        commands: 'echo "hello {{who}}"\necho {{who}}\nprintf "%s|" {{who}} {{n}}',
        shell: 'sh',
        params: [
          { name: 'who', type: 'text' },
          { name: 'n', type: 'number', default: 2 },
        ],
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const pwned = join(scratch, 'pwned');
    const attack = `x"; touch ${pwned}; echo "`;
    const ran = await c.api('POST', '/api/templates/run', { body: { templateId: created.body.template.templateId, params: { who: attack } } });
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    const job = await waitForJob(t, ran.body.jobId);
    assert.equal(job.exitCode, 0, JSON.stringify(job));
    // "hello {{who}}" inside quotes becomes "hello "$CMDX_PARAM_WHO"": the value still expands as one word, never as code.
    const output = job.stdout.split('\n').filter((line: string) => !line.startsWith('$ '));
    assert.deepEqual(output, [`hello ${attack}`, attack, `${attack}|2|`]);
    assert.match(job.stdout, /^\$ echo "\$CMDX_PARAM_WHO"$/m, 'the line run names the variable, not the value');
    assert.equal(existsSync(pwned), false, 'nothing of the value ran');
  });
});
