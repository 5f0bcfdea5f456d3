/** Writes the option tables under docs/operations.md's headings from the option declarations (tests/core/cli-options.test.ts checks they are equal). */
import { readFileSync, writeFileSync } from 'node:fs';
import { CLIENT_OPTIONS } from '../electron/core/options/client-options.ts';
import { COORDINATOR_OPTIONS, EXPORT_IDENTITY_OPTIONS, MIGRATE_OPTIONS } from '../electron/core/options/coordinator-options.ts';
import { markdownTable } from '../electron/core/options/help-text.ts';
import type { OptionTable } from '../electron/core/options/option-table.ts';
import { WORKER_OPTIONS } from '../electron/core/options/worker-options.ts';

const file = new URL('../docs/operations.md', import.meta.url);
let lines = readFileSync(file, 'utf8').split('\n');
const tables: [string, OptionTable][] = [
  ['### `cmdx coordinator` options', COORDINATOR_OPTIONS],
  ['### `cmdx coordinator export-identity` options', EXPORT_IDENTITY_OPTIONS],
  ['### `cmdx coordinator migrate` options', MIGRATE_OPTIONS],
  ['### `cmdx worker` options', WORKER_OPTIONS],
  ['### `cmdx` client options', CLIENT_OPTIONS],
];
for (const [heading, table] of tables) {
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`docs/operations.md has no heading ${heading}`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  lines = [...lines.slice(0, first), ...markdownTable(table).split('\n'), ...lines.slice(end)];
}
writeFileSync(file, lines.join('\n'));
