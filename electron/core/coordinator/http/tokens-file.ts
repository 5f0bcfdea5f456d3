/** The admin and join tokens in force, kept in `<dataDir>/tokens.json` (mode 0600) so a restart keeps them. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function newToken(kind: 'admin' | 'join' | 'worker' | 'user'): string {
  return `cmdx_${kind[0]}_${randomBytes(32).toString('base64url')}`;
}

export interface Tokens {
  adminToken: string;
  joinToken: string;
}

export const MIN_TOKEN_LENGTH = 16;
export const TOKENS_FILE = 'tokens.json';

/**
 * The admin and join tokens: given ones win, else those kept in `<dataDir>/tokens.json`, else new
 * random ones. The file (mode 0600) always holds the tokens in force, so a restart keeps them.
 */
export function loadOrCreateTokens(dataDir: string, given: Partial<Tokens> = {}): Tokens & { file: string } {
  const file = join(dataDir, TOKENS_FILE);
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && value.length < MIN_TOKEN_LENGTH) {
      throw new Error(
        `The ${name === 'adminToken' ? '--admin-token' : '--join-token'} is ${value.length} characters; use at least ${MIN_TOKEN_LENGTH} (or leave it out and a random one is generated).`,
      );
    }
  }
  let kept: Partial<Tokens> = {};
  if (existsSync(file)) {
    try {
      kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix it or delete it to generate new tokens.`, { cause: error });
    }
  }
  const tokens: Tokens = {
    adminToken: given.adminToken ?? validKept(kept.adminToken) ?? newToken('admin'),
    joinToken: given.joinToken ?? validKept(kept.joinToken) ?? newToken('join'),
  };
  if (tokens.adminToken === tokens.joinToken) {
    throw new Error('The admin token and the join token must differ: the join token is handed to every lab PC.');
  }
  if (tokens.adminToken !== kept.adminToken || tokens.joinToken !== kept.joinToken) {
    writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { ...tokens, file };
}

function validKept(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= MIN_TOKEN_LENGTH ? value : undefined;
}

/** Writes the tokens in force to `<dataDir>/tokens.json` (mode 0600), e.g. after a join token rotation. */
export function saveTokens(dataDir: string, tokens: Tokens): void {
  const file = join(dataDir, TOKENS_FILE);
  writeFileSync(file, JSON.stringify({ adminToken: tokens.adminToken, joinToken: tokens.joinToken }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
