/**
 * The Windows installer's configuration, and the script it runs: electron-builder's NSIS target is
 * per-machine and includes resources/installer.nsh; that script's macros are compiled here by
 * makensis into a small real installer, which runs under wine (silent), then its uninstaller: what
 * the one adds the other removes. The full installer needs Electron's binary and cannot be built here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DEFAULTS } from '../../electron/core/coordinator/defaults.ts';
import { HIDDEN_ACCOUNTS, WINDOWS_JOB_ACCOUNT } from '../../electron/core/runner/windows/job-account.ts';
import { tempDir } from '../helpers/coordinator.ts';
import { ensureWinePrefix, stopWine } from '../helpers/wine.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'resources', 'installer.nsh');
const RUN_KEY = 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';

/** The lines of one `!macro NAME` ... `!macroend` block of the script. */
function macro(name: string): string[] {
  const text = readFileSync(SCRIPT, 'utf8');
  const body = new RegExp(`^!macro ${name}\\n([\\s\\S]*?)^!macroend`, 'm').exec(text)?.[1];
  assert.ok(body, `installer.nsh has the macro ${name}`);
  return body
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith(';'));
}

describe('the Windows installer', () => {
  after(() => stopWine('installer'));

  it('is per-machine NSIS, includes our script, and unpacks koffi from the asar', () => {
    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
    assert.equal(config.win.target, 'nsis');
    assert.equal(config.nsis.perMachine, true);
    assert.equal(config.nsis.oneClick, false);
    assert.equal(config.nsis.include, 'resources/installer.nsh');
    assert.ok(existsSync(join(ROOT, config.nsis.include)));
    assert.ok(config.asarUnpack.includes('node_modules/koffi/**'), 'a native binary cannot load from inside the asar');
  });

  it("opens the coordinator's own port, and whatever it adds its uninstaller removes", () => {
    const text = readFileSync(SCRIPT, 'utf8');
    assert.equal(/!define CMDX_COORDINATOR_PORT "(\d+)"/.exec(text)?.[1], String(DEFAULTS.port));
    const install = macro('customInstall');
    const uninstall = macro('customUnInstall');
    for (const line of install.filter((l) => l.startsWith('WriteRegStr'))) {
      const [, root, key, value] = /^WriteRegStr (\S+) ("[^"]+") ("[^"]+")/.exec(line)!;
      assert.ok(uninstall.includes(`DeleteRegValue ${root} ${key} ${value}`), `the uninstaller deletes ${key} ${value}`);
    }
    const rules = install.flatMap((l) => /firewall add rule name="([^"]+)"/.exec(l)?.[1] ?? []);
    assert.ok(rules.length > 0);
    for (const rule of rules)
      assert.ok(
        uninstall.some((l) => l.includes(`firewall delete rule name="${rule}"`)),
        `the uninstaller deletes the rule ${rule}`,
      );
  });

  it('runs under Windows (wine): the install starts the app at login for everyone, the uninstall takes it away', () => {
    const dir = tempDir('cmdx-nsis-');
    const setup = join(dir, 'cmdx-nsis-test.exe');
    writeFileSync(
      join(dir, 'test.nsi'),
      [
        'Target amd64-unicode',
        '!define APP_EXECUTABLE_FILENAME "CMD Executor.exe"',
        `!include "${SCRIPT}"`,
        'Name "CMD Executor installer test"',
        `OutFile "${setup}"`,
        'RequestExecutionLevel admin',
        'InstallDir "$PROGRAMFILES64\\CMD Executor Test"',
        'Section "install"',
        '  SetRegView 64',
        '  SetOutPath $INSTDIR',
        '  WriteUninstaller "$INSTDIR\\uninstall.exe"',
        '  !insertmacro customInstall',
        'SectionEnd',
        'Section "uninstall"',
        '  SetRegView 64',
        '  !insertmacro customUnInstall',
        '  Delete "$INSTDIR\\uninstall.exe"',
        '  RMDir "$INSTDIR"',
        'SectionEnd',
      ].join('\n'),
    );
    execFileSync('makensis', ['-V1', '-WX', join(dir, 'test.nsi')], { timeout: 120_000 }); // -WX: a warning is an error
    const env = { ...process.env, ...ensureWinePrefix('installer') };
    const wine = (...args: string[]) => execFileSync('wine', args, { env, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] });
    wine(setup, '/S');
    assert.match(wine('reg', 'query', RUN_KEY), /CMD Executor\s+REG_SZ\s+"C:\\Program Files\\CMD Executor Test\\CMD Executor\.exe" --hidden/);
    // What a service worker adds when it makes the job account (job-account.ts), for the uninstaller to take away.
    wine('reg', 'add', HIDDEN_ACCOUNTS, '/v', WINDOWS_JOB_ACCOUNT, '/t', 'REG_DWORD', '/d', '0', '/f');
    assert.match(wine('reg', 'query', HIDDEN_ACCOUNTS), /cmdx-job/);
    wine('C:\\Program Files\\CMD Executor Test\\uninstall.exe', '/S', '_?=C:\\Program Files\\CMD Executor Test');
    assert.doesNotMatch(wine('reg', 'query', RUN_KEY), /CMD Executor/);
    assert.doesNotMatch(wine('reg', 'query', HIDDEN_ACCOUNTS), /cmdx-job/);
  });
});
