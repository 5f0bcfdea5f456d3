/** The campus flags of `cmdx coordinator`: the identity file opened with its passphrase, the other coordinators' addresses, and `export-identity`. */
import { join } from 'node:path';
import { MAX_JOIN_ADDRESSES, parseAddress } from '../../shared/join-line.ts';
import type { Logger } from './logger.ts';
import { readPassphrase } from './passphrase.ts';
import { EXPORT_IDENTITY_OPTIONS } from './options/coordinator-options.ts';
import { parseOptions, UsageError } from './options/parse-options.ts';
import { appDataDir } from './paths.ts';
import type { CampusIdentity } from './coordinator/campus/identity-file.ts';

/** `host:port,host:port` checked, each as a join line writes it; at most the join line's limit less this one. */
export function otherCoordinators(text: string | undefined): string[] {
  if (!text) return [];
  const entries = text.split(',').filter((e) => e.trim() !== '');
  if (entries.length >= MAX_JOIN_ADDRESSES) throw new UsageError(`--other-coordinators lists ${entries.length} addresses; at most ${MAX_JOIN_ADDRESSES - 1}.`);
  return entries.map((entry) => {
    const address = parseAddress(entry);
    if (address === undefined) throw new UsageError(`--other-coordinators: "${entry.slice(0, 80)}" is not a host:port (IPv6 in brackets: [fd00::6]:3000).`);
    return address;
  });
}

/** The identity in `file`, opened with the passphrase (never from argv); its refusal says what to do. */
export async function openIdentity(file: string, passphraseFile: string | undefined): Promise<CampusIdentity> {
  const passphrase = await readPassphrase({ file: passphraseFile });
  // Loaded only with --identity: a plain coordinator never reads this code.
  const { readIdentityFile } = await import('./coordinator/campus/identity-file.ts');
  return readIdentityFile(file, passphrase);
}

/** `cmdx coordinator export-identity --out FILE`: this data dir's certificate, key and tokens, sealed. */
export async function exportIdentity(args: string[], logger: Logger): Promise<number> {
  const values = parseOptions(EXPORT_IDENTITY_OPTIONS, args, process.env);
  const dataDir = values['data-dir'] ?? join(appDataDir(), 'coordinator');
  const { readDataDirIdentity, writeIdentityFile } = await import('./coordinator/campus/identity-file.ts');
  const identity = readDataDirIdentity(dataDir); // refused before a passphrase is asked for
  await writeIdentityFile(values.out, identity, await readPassphrase({ file: values['passphrase-file'], confirm: true }));
  logger.info('identity exported: start the other coordinators with --identity FILE and the same passphrase', { file: values.out, dataDir });
  return 0;
}
