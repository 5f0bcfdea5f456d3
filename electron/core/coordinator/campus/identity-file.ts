/**
 * One identity for several coordinators: the first one's certificate, key, admin and join tokens,
 * exported into one sealed file (identity-seal.ts), and installed into another's data dir, so that
 * workers' pinning and the people's tokens hold on every coordinator of the campus.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fingerprintOf } from '../../fingerprint.ts';
import { CERT_FILE, KEY_FILE } from '../http/tls/certificate.ts';
import { MIN_TOKEN_LENGTH, TOKENS_FILE } from '../http/tokens-file.ts';
import { IdentityFileError, MAX_SEALED_BYTES, open, seal } from './identity-seal.ts';

/** What every coordinator of a campus shares. */
export interface CampusIdentity {
  certPem: string;
  keyPem: string;
  adminToken: string;
  joinToken: string;
}

/** The identity a coordinator's data dir holds (its certificate and tokens.json), or a sentence saying what is missing. */
export function readDataDirIdentity(dataDir: string): CampusIdentity {
  const files = [CERT_FILE, KEY_FILE, TOKENS_FILE].map((f) => join(dataDir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new IdentityFileError(
      `${missing.join(', ')} not found: export from the data dir of a coordinator that has run with TLS and tokens (--data-dir of the first coordinator).`,
    );
  }
  const tokens = JSON.parse(readFileSync(files[2]!, 'utf8')) as Partial<CampusIdentity>;
  return checked({
    certPem: readFileSync(files[0]!, 'utf8'),
    keyPem: readFileSync(files[1]!, 'utf8'),
    adminToken: tokens.adminToken!,
    joinToken: tokens.joinToken!,
  });
}

/** Seals `identity` into `file` (mode 0600, written whole or not at all). */
export async function writeIdentityFile(file: string, identity: CampusIdentity, passphrase: string): Promise<void> {
  writeWhole(file, await seal(Buffer.from(JSON.stringify(identity)), passphrase));
}

/** The identity sealed in `file`, checked (the key is the certificate's, the tokens are usable). */
export async function readIdentityFile(file: string, passphrase: string): Promise<CampusIdentity> {
  let text: string;
  try {
    if (statSync(file).size > MAX_SEALED_BYTES)
      throw new IdentityFileError(`${file} is larger than an identity file can be; use the file export-identity wrote.`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof IdentityFileError) throw error;
    throw new IdentityFileError(`Cannot read the identity file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const plain = await open(text, passphrase);
  let parsed: Partial<CampusIdentity>;
  try {
    parsed = JSON.parse(plain.toString('utf8')) as Partial<CampusIdentity>;
  } catch {
    throw new IdentityFileError('The identity file opened but holds no identity; export it again.');
  }
  return checked(parsed);
}

/**
 * Puts the campus identity into `dataDir` (certificate, key 0600, tokens.json 0600): a restart needs no
 * passphrase, and a later join token rotation is written where this coordinator reads it. A data dir with
 * another certificate of its own is refused: the workers that pinned it would be refused.
 */
export function installIdentity(dataDir: string, identity: CampusIdentity): { fingerprint: string } {
  const fingerprint = fingerprintOf(new X509Certificate(identity.certPem).raw);
  const certFile = join(dataDir, CERT_FILE);
  if (existsSync(certFile)) {
    const own = fingerprintOf(new X509Certificate(readFileSync(certFile, 'utf8')).raw);
    if (own !== fingerprint) {
      throw new IdentityFileError(
        `${dataDir} already has a certificate of its own (${own.slice(0, 16)}…), which workers may have pinned. Use an empty --data-dir for a coordinator that joins the campus, or move ${CERT_FILE} and ${KEY_FILE} away if no worker uses it.`,
      );
    }
  }
  // The key and tokens first: a certificate without its key would make the next start create a new pair.
  writeWhole(join(dataDir, KEY_FILE), identity.keyPem);
  writeWhole(join(dataDir, TOKENS_FILE), JSON.stringify({ adminToken: identity.adminToken, joinToken: identity.joinToken }, null, 2) + '\n');
  writeWhole(certFile, identity.certPem, 0o644);
  return { fingerprint };
}

/** The parts are what a coordinator can serve: the key signs for the certificate, the tokens are long enough and differ. */
function checked(i: Partial<CampusIdentity>): CampusIdentity {
  const damaged = (what: string) => new IdentityFileError(`The identity holds ${what}; export it again on the first coordinator.`);
  if (typeof i.certPem !== 'string' || typeof i.keyPem !== 'string') throw damaged('no certificate or key');
  if (typeof i.adminToken !== 'string' || typeof i.joinToken !== 'string') throw damaged('no admin or join token');
  if (i.adminToken.length < MIN_TOKEN_LENGTH || i.joinToken.length < MIN_TOKEN_LENGTH || i.adminToken === i.joinToken) throw damaged('unusable tokens');
  let matches: boolean;
  try {
    matches = new X509Certificate(i.certPem).checkPrivateKey(createPrivateKey(i.keyPem));
  } catch {
    throw damaged('a certificate or key that does not parse');
  }
  if (!matches) throw damaged('a key that is not the certificate’s');
  return { certPem: i.certPem, keyPem: i.keyPem, adminToken: i.adminToken, joinToken: i.joinToken };
}

/** `text` into `file` through a temporary file beside it, synced then renamed: a crash leaves the old file or the new, never half. */
function writeWhole(file: string, text: string, mode = 0o600): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
