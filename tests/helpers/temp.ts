/** A fresh temporary folder for one test's files; a drop box every account may write into. */
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'cmdx-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A folder any account may write into (sticky, like /tmp): jobs run as the job account when tests run as
 * root, each with a private /tmp (job-namespace.ts), so as root it lives outside the temp folders.
 */
export function dropBox(): string {
  const root = process.getuid?.() === 0 ? '/var/lib/cmdx-test-dropboxes' : tmpdir();
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(root, 'cmdx-dropbox-'));
  chmodSync(dir, 0o1777);
  return dir;
}
