/**
 * The Windows job account, as HTCondor does it: a worker running as a service or an administrator runs
 * jobs as `cmdx-job`, a local account with a standard user's rights, created on first start with a
 * random password that only DPAPI (this worker's Windows account) can read back, hidden from the
 * login screen, and logged on once per worker start. Its folders are the job's own (icacls); the
 * worker's work dir is closed to it (inheritance cut: SYSTEM, Administrators and the worker only).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Handle } from './win32-api.ts';
import { win32AccountApi, type Win32Account } from './win32-account-api.ts';
import { cannotStartAs } from './spawn-as-user.ts';
import { commandPrompt } from './windows-line.ts';

export const WINDOWS_JOB_ACCOUNT = 'cmdx-job';
const PASSWORD_FILE = 'job-account.dpapi';
const NERR_USER_EXISTS = 2224;
const USER_PRIV_USER = 1;
const UF = { script: 0x1, passwordCantChange: 0x40, dontExpirePassword: 0x10000 };
const LOGON32_LOGON_INTERACTIVE = 2;
const CRYPTPROTECT_UI_FORBIDDEN = 0x1;
const USER_PRIV_ADMIN = 2;
const DISABLE_MAX_PRIVILEGE = 0x1;
/** Where Windows lists accounts kept off the login screen. */
export const HIDDEN_ACCOUNTS = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList';

export class WindowsJobAccount {
  readonly name = WINDOWS_JOB_ACCOUNT;
  readonly token: Handle;

  private constructor(token: Handle) {
    this.token = token;
  }

  /** Whether the worker runs as a service or an elevated administrator (its jobs would have those rights). */
  static workerIsPrivileged(): boolean {
    const api = win32AccountApi();
    return !('unavailable' in api) && api.IsUserAnAdmin();
  }

  /** The job account, ready to start processes as; or why jobs run as the worker's own account. */
  static open(workDir: string): WindowsJobAccount | { unavailable: string } {
    const api = win32AccountApi();
    if ('unavailable' in api) return api;
    if (!api.IsUserAnAdmin()) {
      return {
        unavailable:
          'the worker runs as a standard user, so jobs run as its account and can read what it can; install it as a service for a separate job account (see docs/windows.md)',
      };
    }
    try {
      protectFolder(workDir);
      refuseAdministrator(api);
      const token = restricted(api, logOn(api, workDir));
      // A logon that gives a token no process can start with (wine's, or a PC's policy) is no job account.
      const cannot = cannotStartAs(token, commandPrompt());
      if (cannot) throw new Error(`it logs on, but no process starts as it: ${cannot}`);
      hideFromLoginScreen();
      return new WindowsJobAccount(token);
    } catch (error) {
      return { unavailable: `the job account ${WINDOWS_JOB_ACCOUNT} could not be had (${(error as Error).message}); jobs run as the worker's account` };
    }
  }

  /**
   * Ends every process of the account, wherever it runs: one a job started through WMI or the Task
   * Scheduler is outside the Job Object, and would see the next job's folders (granted to the same account).
   */
  killAll(): void {
    try {
      execFileSync('taskkill.exe', ['/F', '/FI', `USERNAME eq ${this.name}`], { stdio: 'ignore', windowsHide: true, timeout: 60_000 });
    } catch {
      // none running (taskkill says so with a non-zero code on some versions)
    }
  }

  /** A folder of the worker's (the jobs folder) closed to everyone but SYSTEM, Administrators and the worker. */
  protect(folder: string): void {
    protectFolder(folder);
  }

  /** The job's folders become the job account's to change (and to read, with what is in them already). */
  grant(folders: string[]): void {
    for (const folder of folders) icacls(folder, '/grant', `${this.name}:(OI)(CI)M`, '/T', '/C', '/Q');
  }
}

/** The stored password, logged on; a missing or refused one is replaced (the account is ours to reset). */
function logOn(api: Win32Account, workDir: string): Handle {
  const file = join(workDir, PASSWORD_FILE);
  const stored = existsSync(file) ? unprotect(api, readFileSync(file)) : undefined;
  const token: (Handle | null)[] = [null];
  if (stored && api.LogonUserW(WINDOWS_JOB_ACCOUNT, '.', stored, LOGON32_LOGON_INTERACTIVE, 0, token) && token[0]) return token[0];
  // Upper, lower, digit and symbol: whatever the PC's password policy asks for.
  const password = `${randomBytes(24).toString('base64url')}Aa1!`;
  const error = [0];
  const created = api.NetUserAdd(
    null,
    1,
    {
      name: WINDOWS_JOB_ACCOUNT,
      password,
      passwordAge: 0,
      priv: USER_PRIV_USER,
      homeDir: null,
      comment: 'CMD Executor: runs lab jobs',
      flags: UF.script | UF.passwordCantChange | UF.dontExpirePassword,
      scriptPath: null,
    },
    error,
  );
  if (created === NERR_USER_EXISTS) {
    const reset = api.NetUserSetInfo(null, WINDOWS_JOB_ACCOUNT, 1003, { password }, error);
    if (reset !== 0) throw new Error(`NetUserSetInfo failed (${reset})`);
  } else if (created !== 0) throw new Error(`NetUserAdd failed (${created})`);
  writeFileSync(file, protect(api, password), { mode: 0o600 });
  if (!api.LogonUserW(WINDOWS_JOB_ACCOUNT, '.', password, LOGON32_LOGON_INTERACTIVE, 0, token) || !token[0])
    throw new Error(`LogonUserW failed (error ${api.GetLastError()})`);
  return token[0];
}

function protect(api: Win32Account, password: string): Buffer {
  const input = Buffer.from(password, 'utf8');
  const output: { cbData?: number; pbData?: unknown } = {};
  if (!api.CryptProtectData({ cbData: input.length, pbData: input }, 'CMD Executor job account', null, null, null, CRYPTPROTECT_UI_FORBIDDEN, output)) {
    throw new Error(`CryptProtectData failed (error ${api.GetLastError()})`);
  }
  return copyOut(api, output);
}

function unprotect(api: Win32Account, data: Buffer): string | undefined {
  const output: { cbData?: number; pbData?: unknown } = {};
  if (!api.CryptUnprotectData({ cbData: data.length, pbData: data }, null, null, null, null, CRYPTPROTECT_UI_FORBIDDEN, output)) return undefined;
  return copyOut(api, output).toString('utf8');
}

/** DPAPI's output, copied out of the memory it allocated, which is then freed. */
function copyOut(api: Win32Account, blob: { cbData?: number; pbData?: unknown }): Buffer {
  const bytes = Buffer.from(api.koffi.decode(blob.pbData, 'uint8_t', blob.cbData ?? 0) as Uint8Array);
  api.LocalFree(blob.pbData);
  return bytes;
}

/** The work dir (token, identity, outbox) for SYSTEM and Administrators only (the worker is one of them). */
function protectFolder(folder: string): void {
  icacls(folder, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', '/Q');
}

/** An existing cmdx-job that is an administrator is not a job account: refuse it rather than use it. */
function refuseAdministrator(api: Win32Account): void {
  const buffer: unknown[] = [null];
  if (api.NetUserGetInfo(null, WINDOWS_JOB_ACCOUNT, 1, buffer) !== 0 || !buffer[0]) return; // not there yet
  try {
    const info = api.koffi.decode(buffer[0], 'USER_INFO_1') as { priv: number };
    if (info.priv === USER_PRIV_ADMIN)
      throw new Error(`the account ${WINDOWS_JOB_ACCOUNT} exists and is an administrator: take it out of Administrators or delete it`);
  } finally {
    api.NetApiBufferFree(buffer[0]);
  }
}

/** The logon token with every privilege but traversal removed: a job cannot shut the PC down, debug or back up. */
function restricted(api: Win32Account, token: Handle): Handle {
  const out: (Handle | null)[] = [null];
  const ok = api.CreateRestrictedToken(token, DISABLE_MAX_PRIVILEGE, 0, null, 0, null, 0, null, out);
  api.CloseHandle(token);
  if (!ok || !out[0]) throw new Error(`CreateRestrictedToken failed (error ${api.GetLastError()})`);
  return out[0];
}

/** A local account listed here is not offered on the Windows login screen. */
function hideFromLoginScreen(): void {
  execFileSync('reg.exe', ['add', HIDDEN_ACCOUNTS, '/v', WINDOWS_JOB_ACCOUNT, '/t', 'REG_DWORD', '/d', '0', '/f'], {
    stdio: 'ignore',
    windowsHide: true,
    timeout: 30_000,
  });
}

function icacls(...args: string[]): void {
  execFileSync('icacls.exe', args, { stdio: 'ignore', windowsHide: true, timeout: 60_000 });
}
