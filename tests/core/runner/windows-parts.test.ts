/** The Windows runner's pure parts, checked here on Linux: output decoding, shells, the environment, cmd's arguments. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleDecoder } from '../../../electron/core/runner/windows/console-decoder.ts';
import { encodedPowerShell, resolveShell } from '../../../electron/core/runner/shell-command.ts';
import { jobEnvironment } from '../../../electron/core/runner/job-env.ts';
import { windowsLineArgs } from '../../../electron/core/runner/windows/windows-line.ts';
import { PolicyWatch } from '../../../electron/core/worker/policy-watch.ts';

describe('Windows output decoding', () => {
  it('passes UTF-8 through, and decodes what is not UTF-8 by the OEM code page', () => {
    const decoder = new ConsoleDecoder(850);
    assert.equal(decoder.write(Buffer.from('héllo wörld ✓\r\n')).toString(), 'héllo wörld ✓\r\n');
    assert.equal(decoder.write(iconv.encode('Büro café\r\n', 'cp850')).toString(), 'Büro café\r\n');
    assert.equal(decoder.write(Buffer.concat([Buffer.from('ok é '), iconv.encode('Größe', 'cp850')])).toString(), 'ok é Größe');
  });

  it('holds a UTF-8 sequence cut between two reads until its rest comes', () => {
    const decoder = new ConsoleDecoder(437);
    const check = Buffer.from('✓'); // three bytes
    assert.equal(decoder.write(Buffer.concat([Buffer.from('a'), check.subarray(0, 2)])).toString(), 'a');
    assert.equal(decoder.write(check.subarray(2)).toString(), '✓');
    assert.equal(decoder.write(Buffer.from([0xc3])).length, 0);
    assert.equal(decoder.end().toString(), iconv.decode(Buffer.from([0xc3]), 'cp437'), 'a cut sequence at the very end is read as OEM text');
  });

  it('falls back to code page 437 for a code page iconv-lite does not know', () => {
    assert.equal(new ConsoleDecoder(99999).write(Buffer.from([0x82])).toString(), 'é');
  });
});

describe('shells per job', () => {
  it('cmd on Windows by default, sh elsewhere', async () => {
    const windows = await resolveShell(undefined, 'win32', {});
    assert.ok(!('missing' in windows) && windows.name === 'cmd' && windows.command('dir /b') === 'dir /b');
    const linux = await resolveShell(undefined, 'linux', process.env);
    assert.ok(!('missing' in linux) && linux.name === 'sh' && linux.command('ls') === 'ls');
  });

  it('a shell the PC lacks is a sentence saying which and what to use', async () => {
    assert.deepEqual(await resolveShell('cmd', 'linux'), {
      missing: 'This PC has no cmd: cmd is the Windows command prompt and this PC does not run Windows. Use the shell "sh".',
    });
    const powershell = await resolveShell('powershell', 'linux');
    assert.ok('missing' in powershell && /no Windows PowerShell: it exists only on Windows/.test(powershell.missing));
    const pwsh = await resolveShell('pwsh', 'linux', { PATH: '/nonexistent' });
    assert.ok('missing' in pwsh && /no PowerShell 7: pwsh is not on the PATH/.test(pwsh.missing));
    const onPath = mkdtempSync(join(tmpdir(), 'cmdx-path-'));
    writeFileSync(join(onPath, 'sh.exe'), 'planted by a job');
    const sh = await resolveShell('sh', 'win32', { PATH: onPath, Path: onPath, ProgramFiles: '/nonexistent' });
    assert.ok(
      'missing' in sh && /no sh: sh\.exe is not in Program Files\\Git\\bin \(Git for Windows brings one\)/.test(sh.missing),
      'never from the PATH on Windows',
    );
  });

  it('PowerShell gets its script as UTF-16LE base64, with UTF-8 output and the native exit code', () => {
    const script = Buffer.from(encodedPowerShell('Write-Output "a & b | c"'), 'base64').toString('utf16le');
    assert.match(script, /\[Console\]::OutputEncoding = \[Text\.Encoding\]::UTF8/);
    assert.match(script, /\nWrite-Output "a & b \| c"\n/);
    assert.match(script, /exit \$LASTEXITCODE \}$/);
  });

  it('cmd waits at the gate, then switches to UTF-8 inside the job, then runs the line as written', () => {
    assert.deepEqual(windowsLineArgs('echo "a & b"', true), ['/d', '/s', '/c', '"set /p _go=& chcp 65001>nul& echo "a & b""']);
    assert.deepEqual(windowsLineArgs('dir', false), ['/d', '/s', '/c', '"chcp 65001>nul& dir"']);
  });
});

describe('the Windows job environment', () => {
  const worker = {
    Path: 'C:\\Windows\\System32;C:\\Python312',
    SystemRoot: 'C:\\Windows',
    ComSpec: 'C:\\Windows\\System32\\cmd.exe',
    PATHEXT: '.COM;.EXE;.BAT;.CMD',
    USERPROFILE: 'C:\\Users\\teacher',
    APPDATA: 'C:\\Users\\teacher\\AppData\\Roaming',
    LANG: 'C.UTF-8',
    TERM: 'xterm',
    CMDX_JOIN_TOKEN: 'cmdx_j_secret',
  };

  it('has the system variables and a profile of its own, nothing from Linux and no secret', () => {
    const env = jobEnvironment(worker, { home: 'C:\\jobs\\home', tmp: 'C:\\jobs\\tmp', jobId: 'job-1' }, 'win32');
    assert.deepEqual(Object.keys(env).sort(), [
      'APPDATA',
      'CMDX_JOB_ID',
      'ComSpec',
      'LOCALAPPDATA',
      'PATH',
      'PATHEXT',
      'PYTHONIOENCODING',
      'PYTHONUTF8',
      'SystemRoot',
      'TEMP',
      'TMP',
      'USERPROFILE',
    ]);
    assert.equal(env.PATH, worker.Path, 'Path is found whatever its case');
    assert.equal(env.USERPROFILE, 'C:\\jobs\\home');
    assert.match(env.APPDATA!, /^C:\\jobs\\home.AppData.Roaming$/);
    assert.equal(env.PYTHONIOENCODING, 'utf-8');
  });
});

describe('a suspend policy on a PC that cannot suspend', () => {
  it('lets the job finish and says so once', () => {
    let idle = 600;
    const told: string[] = [];
    const watch = new PolicyWatch({
      idle: { name: 'test', idleSeconds: () => idle },
      onChange: () => {},
      onCancel: () => told.push('cancel'),
      onNoIdleSource: () => {},
      canSuspend: () => false,
      onSuspendUnsupported: () => told.push('finish instead'),
    });
    watch.setPolicy({ when: 'idle', idleMinutes: 5, windows: null, onUserReturn: 'suspend', priority: 'low', notices: true });
    watch.setBusy(true);
    idle = 1; // the student is back
    watch.check();
    watch.check();
    assert.equal(watch.suspended, false);
    assert.deepEqual(told, ['finish instead']);
  });
});
