/** The long-running commands restart once with the V8 flags that keep their memory small; client commands do not. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MEMORY_FLAGS, missingMemoryFlags } from '../../electron/core/memory-flags.ts';
import { startCoordinatorProcess } from '../helpers/processes.ts';
import { tempDir } from '../helpers/coordinator.ts';

describe('memory flags', () => {
  it('asks for them for coordinator and worker only, and not twice', () => {
    assert.deepEqual(missingMemoryFlags('coordinator', [], {}), MEMORY_FLAGS);
    assert.deepEqual(missingMemoryFlags('worker', [], {}), MEMORY_FLAGS);
    assert.deepEqual(missingMemoryFlags('submit', [], {}), []);
    assert.deepEqual(missingMemoryFlags('coordinator', ['--max-semi-space-size=8'], {}), [], 'one given on the command line wins');
    assert.deepEqual(missingMemoryFlags('worker', [], { NODE_OPTIONS: '--max-semi-space-size=16' }), [], 'and one in NODE_OPTIONS');
  });

  it("is on a running coordinator's Node command line: the built CLI restarted itself with it, same pid", async () => {
    const c = await startCoordinatorProcess(tempDir());
    try {
      const cmdline = readFileSync(`/proc/${c.proc.pid}/cmdline`, 'utf8').split('\0');
      for (const flag of MEMORY_FLAGS) assert.ok(cmdline.includes(flag), `${flag} in ${cmdline.join(' ')}`);
      assert.ok(cmdline.includes('coordinator'));
    } finally {
      await c.kill('SIGKILL');
    }
  });
});
