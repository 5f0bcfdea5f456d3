/** A fresh temporary folder for one test's files. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'cmdx-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
