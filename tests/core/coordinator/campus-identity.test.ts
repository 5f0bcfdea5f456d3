/** The campus identity file: sealed with a passphrase (scrypt, AES-256-GCM), opened only whole and unchanged, installed into a data dir. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  installIdentity,
  readDataDirIdentity,
  readIdentityFile,
  writeIdentityFile,
  type CampusIdentity,
} from '../../../electron/core/coordinator/campus/identity-file.ts';
import { IdentityFileError, open, seal } from '../../../electron/core/coordinator/campus/identity-seal.ts';
import { CERT_FILE, createCertificate, KEY_FILE, loadOrCreateCertificate } from '../../../electron/core/coordinator/http/tls/certificate.ts';
import { loadOrCreateTokens } from '../../../electron/core/coordinator/http/tokens-file.ts';
import { tempDir } from '../../helpers/coordinator.ts';

const PASSPHRASE = 'correct horse battery staple';

/** A first coordinator's data dir: its certificate and tokens, as a start leaves them. */
async function firstDataDir(): Promise<{ dir: string; fingerprint: string }> {
  const dir = tempDir();
  const { fingerprint } = await loadOrCreateCertificate(dir);
  loadOrCreateTokens(dir);
  return { dir, fingerprint };
}

describe('the campus identity file', () => {
  it('round-trips the certificate, key and tokens, and is written mode 0600 with a version and scrypt N >= 2^15', async () => {
    const { dir } = await firstDataDir();
    const identity = readDataDirIdentity(dir);
    const file = join(tempDir(), 'campus.identity');
    await writeIdentityFile(file, identity, PASSPHRASE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const envelope = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(envelope.version, 1);
    assert.ok(envelope.kdf.N >= 2 ** 15);
    const text = readFileSync(file, 'utf8');
    for (const secret of [identity.adminToken, identity.joinToken, 'PRIVATE KEY']) assert.ok(!text.includes(secret), 'no secret in clear');
    assert.deepEqual(await readIdentityFile(file, PASSPHRASE), identity);
  });

  it('uses a new salt and nonce each time', async () => {
    const a = JSON.parse(await seal(Buffer.from('x'), PASSPHRASE));
    const b = JSON.parse(await seal(Buffer.from('x'), PASSPHRASE));
    assert.notEqual(a.kdf.salt, b.kdf.salt);
    assert.notEqual(a.cipher.iv, b.cipher.iv);
  });

  it('refuses a wrong passphrase with a sentence saying what to do', async () => {
    const sealed = await seal(Buffer.from('secret'), PASSPHRASE);
    await assert.rejects(
      open(sealed, 'not the passphrase'),
      (e: Error) => e instanceof IdentityFileError && /passphrase is wrong or the file was changed/.test(e.message),
    );
  });

  it('refuses a file with any one byte of its ciphertext, tag or header flipped', async () => {
    const sealed = JSON.parse(await seal(Buffer.from('the identity'), PASSPHRASE));
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[at % bytes.length]! ^= 0x01;
      return bytes.toString('base64');
    };
    const variants = [
      { ...sealed, data: flip(sealed.data, 3) },
      { ...sealed, tag: flip(sealed.tag, 0) },
      { ...sealed, cipher: { ...sealed.cipher, iv: flip(sealed.cipher.iv, 5) } },
      { ...sealed, kdf: { ...sealed.kdf, salt: flip(sealed.kdf.salt, 1) } },
    ];
    for (const changed of variants) await assert.rejects(open(JSON.stringify(changed), PASSPHRASE), IdentityFileError);
  });

  it('refuses another version, unbounded scrypt settings and a file that is not one, before deriving a key', async () => {
    const sealed = JSON.parse(await seal(Buffer.from('x'), PASSPHRASE));
    await assert.rejects(open(JSON.stringify({ ...sealed, version: 2 }), PASSPHRASE), /version 2; this cmdx reads version 1/);
    await assert.rejects(open(JSON.stringify({ ...sealed, kdf: { ...sealed.kdf, N: 2 ** 30 } }), PASSPHRASE), /changed or is damaged/);
    await assert.rejects(open(JSON.stringify({ ...sealed, kdf: { ...sealed.kdf, N: 2 ** 10 } }), PASSPHRASE), /changed or is damaged/);
    await assert.rejects(open('{"hello":1}', PASSPHRASE), /not a campus identity file/);
    await assert.rejects(open('x'.repeat(70_000), PASSPHRASE), /not a campus identity file/);
  });

  it('refuses a short passphrase when sealing', async () => {
    await assert.rejects(seal(Buffer.from('x'), 'short'), /12 to 1024 characters/);
  });

  it('installs into an empty data dir (key and tokens 0600) so the next start serves it; refuses a data dir with a certificate of its own', async () => {
    const first = await firstDataDir();
    const identity: CampusIdentity = readDataDirIdentity(first.dir);
    const second = tempDir();
    assert.equal(installIdentity(second, identity).fingerprint, first.fingerprint);
    assert.equal(statSync(join(second, KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(statSync(join(second, 'tokens.json')).mode & 0o777, 0o600);
    assert.equal((await loadOrCreateCertificate(second)).fingerprint, first.fingerprint);
    assert.deepEqual(
      { adminToken: loadOrCreateTokens(second).adminToken, joinToken: loadOrCreateTokens(second).joinToken },
      { adminToken: identity.adminToken, joinToken: identity.joinToken },
    );
    assert.equal(installIdentity(second, identity).fingerprint, first.fingerprint, 'a restart with --identity is the same');

    const other = await firstDataDir();
    assert.throws(() => installIdentity(other.dir, identity), /already has a certificate of its own/);
    assert.equal((await loadOrCreateCertificate(other.dir)).fingerprint, other.fingerprint, 'nothing was written');
  });

  it('refuses an identity whose key is not its certificate’s', async () => {
    const { dir } = await firstDataDir();
    const identity = readDataDirIdentity(dir);
    const stranger = await createCertificate({ commonName: 'x', hosts: ['localhost'], validDays: 1 });
    const file = join(tempDir(), 'mixed.identity');
    writeFileSync(file, await seal(Buffer.from(JSON.stringify({ ...identity, keyPem: stranger.keyPem })), PASSPHRASE));
    await assert.rejects(readIdentityFile(file, PASSPHRASE), /a key that is not the certificate/);
  });

  it('says what is missing when exporting from a data dir that never ran', () => {
    const empty = tempDir();
    assert.throws(() => readDataDirIdentity(empty), new RegExp(`${CERT_FILE}.*not found`));
    assert.ok(!existsSync(join(empty, CERT_FILE)));
  });
});
