/** The option tables of `cmdx coordinator` and `cmdx worker`: parsing, --help, the tables in docs/operations.md, and how light they load. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLIENT_COMMANDS, CLIENT_OPTIONS } from '../../electron/core/options/client-options.ts';
import { COORDINATOR_OPTIONS, EXPORT_IDENTITY_OPTIONS, MIGRATE_OPTIONS } from '../../electron/core/options/coordinator-options.ts';
import { markdownTable } from '../../electron/core/options/help-text.ts';
import type { OptionTable } from '../../electron/core/options/option-table.ts';
import { parseOptions, UsageError, wantsHelp } from '../../electron/core/options/parse-options.ts';
import { WORKER_OPTIONS } from '../../electron/core/options/worker-options.ts';
import { CLI } from '../helpers/processes.ts';

const run = promisify(execFile);
const OPERATIONS = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');

/** The built CLI's exit code, stdout and stderr (a non-zero exit is an answer here, not a failure). */
async function cmdx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The Markdown table right under a heading of docs/operations.md. */
function readmeTable(heading: string): string {
  const lines = OPERATIONS.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `docs/operations.md has no heading ${heading}`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  return lines.slice(first, end).join('\n');
}

describe('the option tables in docs/operations.md', () => {
  it('equal the tables generated from the coordinator, worker and client option declarations', () => {
    assert.equal(readmeTable('### `cmdx coordinator` options'), markdownTable(COORDINATOR_OPTIONS));
    assert.equal(readmeTable('### `cmdx coordinator export-identity` options'), markdownTable(EXPORT_IDENTITY_OPTIONS));
    assert.equal(readmeTable('### `cmdx coordinator migrate` options'), markdownTable(MIGRATE_OPTIONS));
    assert.equal(readmeTable('### `cmdx worker` options'), markdownTable(WORKER_OPTIONS));
    assert.equal(readmeTable('### `cmdx` client options'), markdownTable(CLIENT_OPTIONS));
  });

  it("declare each client command's flags as rows of the client table", () => {
    for (const [name, command] of Object.entries(CLIENT_COMMANDS))
      for (const [flag, spec] of Object.entries(command.table)) assert.equal(spec, CLIENT_OPTIONS[flag as keyof typeof CLIENT_OPTIONS], `${name} --${flag}`);
  });
});

describe('cmdx --help', () => {
  const flags = (table: OptionTable) => Object.keys(table).map((name) => `--${name}`);

  it('lists every flag of both commands, --ui-port and --poll-interval included, and exits 0', async () => {
    const { code, stdout } = await cmdx(['--help']);
    assert.equal(code, 0);
    for (const flag of [...flags(COORDINATOR_OPTIONS), ...flags(WORKER_OPTIONS)]) assert.match(stdout, new RegExp(`^  ${flag} `, 'm'), flag);
    assert.match(stdout, /--ui-port PORT +serve this worker's status page/);
    assert.match(stdout, /--port PORT +TCP port \(0 picks a free one\) \(default: 3000\)/);
  });

  it('shows coordinator migrate in the synopsis and its own --help', async () => {
    const { stdout } = await cmdx(['--help']);
    assert.match(stdout, /^ {2}cmdx coordinator migrate --from DIR --to URL/m);
    const own = await cmdx(['coordinator', 'migrate', '--help']);
    assert.equal(own.code, 0);
    for (const flag of flags(MIGRATE_OPTIONS)) assert.match(own.stdout, new RegExp(`^  ${flag} `, 'm'), flag);
  });

  it('lists the client commands, their flags and the exit codes', async () => {
    const { stdout } = await cmdx(['--help']);
    for (const name of Object.keys(CLIENT_COMMANDS)) assert.match(stdout, new RegExp(`^  cmdx ${name}\\b`, 'm'), name);
    assert.match(stdout, /^ {2}-f, --follow +submit, logs: stream the job's log/m);
    assert.match(stdout, /^Exit codes of the client commands:\n {2}0 +done; with --wait, the job exited 0/m);
    assert.match(stdout, /^ {2}130 +with --wait, the job was cancelled/m);
    const submit = await cmdx(['submit', '--help']);
    assert.equal(submit.code, 0);
    assert.match(submit.stdout, /^Usage: cmdx submit \[DIR\|ZIP\] --run COMMAND \[options\]/);
    assert.match(submit.stdout, /^ {2}--on WHERE /m);
    assert.doesNotMatch(submit.stdout, /--outcome/);
  });

  it("prints one command's own flags for `cmdx coordinator --help` and `cmdx worker -h`", async () => {
    const coordinator = await cmdx(['coordinator', '--port', '1', '--help']);
    assert.equal(coordinator.code, 0);
    assert.match(coordinator.stdout, /^Usage: cmdx coordinator \[options\]/);
    for (const flag of flags(COORDINATOR_OPTIONS)) assert.match(coordinator.stdout, new RegExp(`^  ${flag} `, 'm'), flag);
    assert.doesNotMatch(coordinator.stdout, /--poll-interval/);
    const worker = await cmdx(['worker', '-h']);
    assert.equal(worker.code, 0);
    assert.match(worker.stdout, /^Usage: cmdx worker \[options\]/);
    for (const flag of flags(WORKER_OPTIONS)) assert.match(worker.stdout, new RegExp(`^  ${flag} `, 'm'), flag);
  });

  it("knows a --help that is another flag's value from a request for help", () => {
    assert.equal(wantsHelp(WORKER_OPTIONS, ['--name', '--help']), false);
    assert.equal(wantsHelp(WORKER_OPTIONS, ['--server', 'http://x', '--help']), true);
  });
});

describe('cmdx refuses a bad command line with exit code 2 and a sentence', () => {
  it('a number outside its limits or not a number at all', async () => {
    const port = await cmdx(['coordinator', '--port', 'x']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /^cmdx: --port must be a whole number from 0 to 65535 \(got "x"\)\.\n/);
    assert.match(port.stderr, /Run "cmdx coordinator --help" for its options\./);
    const output = await cmdx(['worker', '--server', 'http://127.0.0.1:9', '--max-output-mb', '0']);
    assert.equal(output.code, 2);
    assert.match(output.stderr, /--max-output-mb must be a number from 0\.001 to 4096 \(got "0"\)\./);
  });

  it('a worker told nowhere to go, and an unknown flag', async () => {
    const missing = await cmdx(['worker', '--work-dir', mkdtempSync(join(tmpdir(), 'cmdx-nowhere-'))]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Tell the worker where its coordinator is: --join LINE \(from the dashboard, "Add a worker"\), --discover, or --server URL\./);
    const discoverWithToken = await cmdx(['worker', '--discover', '--join-token', 'cmdx_j_x', '--work-dir', mkdtempSync(join(tmpdir(), 'cmdx-nowhere-'))]);
    assert.equal(discoverWithToken.code, 2);
    assert.match(discoverWithToken.stderr, /--discover asks the coordinator it finds to approve this PC; it never sends a join token/);
    const unknown = await cmdx(['coordinator', '--prot', '3000']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--prot'/);
  });
});

describe('parseOptions', () => {
  it('fills the declared defaults and leaves computed ones to the command', () => {
    const values = parseOptions(COORDINATOR_OPTIONS, [], {});
    assert.deepEqual(values, {
      port: 3000,
      host: '0.0.0.0',
      'data-dir': undefined,
      database: undefined,
      'files-dir': undefined,
      'admin-token': undefined,
      'join-token': undefined,
      'no-auth': false,
      'no-tls': false,
      'no-direct': false,
      'log-format': undefined,
      announce: false,
      'offline-after': 30,
      'max-upload-mb': 1024,
      'max-pending-jobs': 10_000,
      'max-output-mb': 16,
      'max-artifacts-total-mb': 20 * 1024,
      'min-free-mb': 1024,
      'max-connections-per-address': 512,
      'max-unauthenticated-per-address': 64,
      'keep-uploads-days': 7,
      'session-idle-minutes': 30,
      'audit-retention-days': 365,
      'oidc-issuer': undefined,
      'oidc-client-id': undefined,
      'oidc-client-secret-file': undefined,
      'oidc-role-claim': 'groups',
      'oidc-role-map': [],
      'oidc-redirect-uri': undefined,
      'oidc-label': 'School account',
      identity: undefined,
      'passphrase-file': undefined,
      'other-coordinators': undefined,
    });
  });

  it('reads numbers within their limits, fractions where they are allowed', () => {
    const values = parseOptions(
      WORKER_OPTIONS,
      ['--server', 'http://pc1:3000', '--heartbeat-interval', '0.1', '--poll-interval', '0.25', '--ui-port', '0'],
      {},
    );
    assert.equal(values['heartbeat-interval'], 0.1);
    assert.equal(values['poll-interval'], 0.25);
    assert.equal(values['ui-port'], 0);
    assert.equal(values['max-extract-mb'], 2048);
    assert.throws(() => parseOptions(WORKER_OPTIONS, ['--server', 's', '--heartbeat-interval', '0.05'], {}), {
      message: '--heartbeat-interval must be a number from 0.1 to 3600 (got "0.05").',
    });
    assert.throws(() => parseOptions(WORKER_OPTIONS, ['--server', 's', '--ui-port', '80.5'], {}), UsageError);
    assert.throws(
      () => parseOptions(COORDINATOR_OPTIONS, ['--keep-uploads-days', '3651'], {}),
      /--keep-uploads-days must be a number from 0 to 3650 \(got "3651"\)\./,
    );
  });

  it('falls back to the environment variable, and a flag wins over it', () => {
    const env = { CMDX_JOIN_TOKEN: 'cmdx_j_from_env' };
    assert.equal(parseOptions(WORKER_OPTIONS, ['--server', 's'], env)['join-token'], 'cmdx_j_from_env');
    assert.equal(parseOptions(WORKER_OPTIONS, ['--server', 's', '--join-token', 'cmdx_j_flag'], env)['join-token'], 'cmdx_j_flag');
    assert.equal(parseOptions(WORKER_OPTIONS, ['--server', 's'], {})['join-token'], undefined);
  });

  it('names the environment variable when its number is refused', () => {
    const table = { retries: { type: 'number', env: 'CMDX_RETRIES', min: 0, max: 9, integer: true, help: 'retries' } } as const satisfies OptionTable;
    assert.equal(parseOptions(table, [], { CMDX_RETRIES: '3' }).retries, 3);
    assert.throws(() => parseOptions(table, [], { CMDX_RETRIES: 'many' }), {
      message: 'CMDX_RETRIES (read for --retries) must be a whole number from 0 to 9 (got "many").',
    });
  });

  it('refuses unknown flags and stray words through parseArgs', () => {
    assert.throws(() => parseOptions(COORDINATOR_OPTIONS, ['--nope'], {}), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    assert.throws(() => parseOptions(COORDINATOR_OPTIONS, ['stray'], {}), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
  });
});

describe('the option tables stay light', () => {
  // zod is loaded: the typed client core checks every answer against the endpoint table (about 40 ms and 18 MB, measured 2026-12-06).
  it('the CLI front and the worker CLI load no Express, multer, ws or SQLite', async () => {
    const modules = ['../../electron/core/cli-commands.ts', '../../electron/core/worker/cli-worker.ts'].map((m) => fileURLToPath(new URL(m, import.meta.url)));
    // Module hooks see every import the two modules pull in, however deep.
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
      for (const m of ${JSON.stringify(modules)}) await import(m);
      console.log(JSON.stringify(seen));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    const seen: string[] = JSON.parse(stdout);
    assert.ok(
      seen.some((url) => url.endsWith('/options/worker-options.ts')),
      'the hook saw the imports',
    );
    assert.deepEqual(
      seen.filter((url) => /\/node_modules\/(express|multer|ws)\/|^node:sqlite$/.test(url)),
      [],
    );
  });
});
