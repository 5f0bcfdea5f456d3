/**
 * The identity file's passphrase, never from argv (where `ps` shows it) nor into a log: --passphrase-file,
 * else $CMDX_IDENTITY_PASSPHRASE (then removed from the environment children inherit), else asked on the
 * terminal without echo; without any of them, a usage error saying how to give it.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './options/parse-options.ts';

export const PASSPHRASE_ENV = 'CMDX_IDENTITY_PASSPHRASE';
/** A passphrase file holds one line; anything bigger is the wrong file. */
const MAX_FILE_BYTES = 4096;

export interface PassphraseSource {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Ask twice (a new file: a typo would lock it). */
  confirm?: boolean;
  /** The terminal; tests give a fake. */
  tty?: { isTTY: boolean; ask: (prompt: string) => Promise<string> };
}

export async function readPassphrase(source: PassphraseSource): Promise<string> {
  const env = source.env ?? process.env;
  if (source.file !== undefined) return fromFile(source.file);
  const given = env[PASSPHRASE_ENV];
  delete env[PASSPHRASE_ENV];
  if (given) return given;
  const tty = source.tty ?? { isTTY: process.stdin.isTTY === true && process.stderr.isTTY === true, ask: askHidden };
  if (!tty.isTTY) {
    throw new UsageError(
      `Give the identity passphrase in $${PASSPHRASE_ENV} or with --passphrase-file FILE (never on the command line), or run this at a terminal to type it.`,
    );
  }
  const passphrase = await tty.ask('Identity passphrase: ');
  if (source.confirm && (await tty.ask('The same passphrase again: ')) !== passphrase) throw new UsageError('The two passphrases differ; nothing was written.');
  return passphrase;
}

function fromFile(file: string): string {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES)
      throw new UsageError(`--passphrase-file ${file} is larger than ${MAX_FILE_BYTES} bytes; it should hold the passphrase alone.`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Cannot read --passphrase-file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  return text.replace(/\r?\n$/, ''); // an editor's final newline is not part of it
}

/** One line typed at the terminal, echoed as nothing (raw mode); Ctrl-C ends the command with 130. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(Object.assign(new Error('Cancelled.'), { exitCode: 130 }));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (typed.length < 4096) typed += ch;
      }
    };
    input.on('data', onData);
  });
}
