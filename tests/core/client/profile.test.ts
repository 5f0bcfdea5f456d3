/** The client's profile file and the multipart body it uploads with. */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { multipartBody } from '../../../electron/core/client/multipart.ts';
import { deleteProfile, profilePath, readProfile, writeProfile } from '../../../electron/core/client/profile.ts';
import { appDataDir } from '../../../electron/core/paths.ts';
import { tempDir } from '../../helpers/coordinator.ts';

describe('the profile', () => {
  it('lives in the OS config folder ($XDG_CONFIG_HOME on Linux)', () => {
    const env = { XDG_CONFIG_HOME: '/home/ada/.config' };
    const expected = process.platform === 'linux' ? '/home/ada/.config/cmd-executor/client.json' : join(appDataDir(process.platform, env), 'client.json');
    assert.equal(profilePath(env), expected);
  });

  it('is written with mode 0600 in a 0700 folder, read back, and deleted', () => {
    const file = join(tempDir(), 'cfg', 'cmd-executor', 'client.json');
    writeProfile(file, { server: 'https://lab:3000', token: 'secret', fingerprint: 'ab'.repeat(32) });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
    assert.deepEqual(readProfile(file), { server: 'https://lab:3000', token: 'secret', fingerprint: 'ab'.repeat(32) });
    writeProfile(file, { server: 'http://127.0.0.1:3000', fingerprint: null });
    assert.deepEqual(readProfile(file), { server: 'http://127.0.0.1:3000', fingerprint: null });
    assert.equal(deleteProfile(file), true);
    assert.equal(deleteProfile(file), false);
    assert.equal(readProfile(file), undefined);
  });

  it('says how to mend a damaged profile', () => {
    const file = join(tempDir(), 'client.json');
    writeFileSync(file, '{"server": 3}');
    assert.throws(() => readProfile(file), { message: `${file} is not a cmdx profile; delete it (cmdx logout) and run cmdx login again.` });
  });
});

describe('the multipart body', () => {
  it('declares exactly the length it sends, reports the file part as it goes, and quotes names safely', async () => {
    const zip = join(tempDir(), 'p.zip');
    writeFileSync(zip, Buffer.alloc(600_000, 7));
    const body = multipartBody(
      [
        ['commands', 'npm install\nnpm test'],
        ['mode', 'distributed'],
      ],
      { field: 'file', filename: 'a"b\r\n.zip', path: zip, size: 600_000 },
    );
    const progress: number[] = [];
    const parts: Buffer[] = [];
    for await (const part of body.stream((sent) => progress.push(sent))) parts.push(part as Buffer);
    const bytes = Buffer.concat(parts);
    assert.equal(bytes.length, body.length);
    assert.equal(progress.at(-1), 600_000);
    const text = bytes.toString('latin1');
    assert.match(text, /name="commands"\r\n\r\nnpm install\nnpm test\r\n/);
    assert.match(text, /filename="a%22b {2}\.zip"\r\nContent-Type: application\/zip\r\n\r\n/);
    assert.match(body.contentType, /^multipart\/form-data; boundary=----cmdx[0-9a-f]{32}$/);
    assert.ok(text.endsWith(`\r\n--${body.contentType.split('boundary=')[1]}--\r\n`));
  });
});
