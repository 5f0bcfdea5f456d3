/** The identity passphrase: from a file, the environment (then removed) or the terminal, never from argv; without any, a usage error. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../electron/core/options/parse-options.ts';
import { PASSPHRASE_ENV, readPassphrase } from '../../electron/core/passphrase.ts';
import { tempDir } from '../helpers/coordinator.ts';

const noTty = { isTTY: false, ask: () => Promise.reject(new Error('not asked')) };

describe('the identity passphrase', () => {
  it('reads a file without its final newline', async () => {
    const file = join(tempDir(), 'pass');
    writeFileSync(file, 'from the file\n');
    assert.equal(await readPassphrase({ file, env: {}, tty: noTty }), 'from the file');
  });

  it('reads the environment once and removes it, so children never inherit it', async () => {
    const env: NodeJS.ProcessEnv = { [PASSPHRASE_ENV]: 'from the env' };
    assert.equal(await readPassphrase({ env, tty: noTty }), 'from the env');
    assert.equal(env[PASSPHRASE_ENV], undefined);
  });

  it('asks on a terminal, twice when confirming, and refuses two that differ', async () => {
    const answers = ['one', 'two'];
    const tty = { isTTY: true, ask: () => Promise.resolve(answers.shift()!) };
    await assert.rejects(readPassphrase({ env: {}, tty, confirm: true }), /two passphrases differ/);
    assert.equal(await readPassphrase({ env: {}, tty: { isTTY: true, ask: () => Promise.resolve('typed') } }), 'typed');
  });

  it('without a file, a variable or a terminal, says how to give it', async () => {
    await assert.rejects(
      readPassphrase({ env: {}, tty: noTty }),
      (e: Error) => e instanceof UsageError && /CMDX_IDENTITY_PASSPHRASE.*--passphrase-file/.test(e.message),
    );
  });

  it('refuses a file too large to be a passphrase, and names a missing one', async () => {
    const file = join(tempDir(), 'big');
    writeFileSync(file, 'x'.repeat(5000));
    await assert.rejects(readPassphrase({ file, env: {}, tty: noTty }), /larger than 4096 bytes/);
    await assert.rejects(readPassphrase({ file: join(tempDir(), 'none'), env: {}, tty: noTty }), /ENOENT/);
  });
});
