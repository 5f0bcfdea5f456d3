/**
 * The Win32 calls behind the job account: the account itself (NetUserAdd), its password kept with
 * DPAPI, its logon token, and starting a process as it, suspended, with only the handles it should
 * inherit (STARTUPINFOEX with a handle list). Through koffi, loaded on first use, Windows only.
 */
import { loadKoffi, type Koffi } from './koffi-loader.ts';
import type { Handle } from './win32-api.ts';

export interface StartupInfo {
  StartupInfo: {
    cb: number;
    lpReserved: null;
    lpDesktop: string | null;
    lpTitle: null;
    dwX: number;
    dwY: number;
    dwXSize: number;
    dwYSize: number;
    dwXCountChars: number;
    dwYCountChars: number;
    dwFillAttribute: number;
    dwFlags: number;
    wShowWindow: number;
    cbReserved2: number;
    lpReserved2: null;
    hStdInput: Handle;
    hStdOutput: Handle;
    hStdError: Handle;
  };
  lpAttributeList: Buffer;
}

export interface ProcessInformation {
  hProcess?: Handle;
  hThread?: Handle;
  dwProcessId?: number;
  dwThreadId?: number;
}

export interface Win32Account {
  koffi: Koffi;
  IsUserAnAdmin(): boolean;
  NetUserAdd(server: null, level: 1, info: object, error: number[]): number;
  NetUserSetInfo(server: null, name: string, level: 1003, info: { password: string }, error: number[]): number;
  CryptProtectData(
    input: { cbData: number; pbData: Buffer },
    description: string | null,
    entropy: null,
    reserved: null,
    prompt: null,
    flags: number,
    output: object,
  ): boolean;
  CryptUnprotectData(
    input: { cbData: number; pbData: Buffer },
    description: null,
    entropy: null,
    reserved: null,
    prompt: null,
    flags: number,
    output: object,
  ): boolean;
  LocalFree(memory: unknown): unknown;
  LogonUserW(user: string, domain: string, password: string, logonType: number, provider: number, token: (Handle | null)[]): boolean;
  CreateFileW(name: string, access: number, share: number, attributes: object, disposition: number, flags: number, template: null): Handle;
  InitializeProcThreadAttributeList(list: Buffer | null, count: number, flags: number, size: number[]): boolean;
  UpdateProcThreadAttribute(list: Buffer, flags: number, attribute: number, value: Buffer, size: number, previous: null, returned: null): boolean;
  DeleteProcThreadAttributeList(list: Buffer): void;
  CreateProcessAsUserW(
    token: Handle | null,
    application: null,
    commandLine: Buffer,
    processAttributes: null,
    threadAttributes: null,
    inheritHandles: boolean,
    flags: number,
    environment: Buffer,
    cwd: string,
    startup: StartupInfo,
    information: ProcessInformation,
  ): boolean;
  CreateProcessWithTokenW(
    token: Handle,
    logonFlags: number,
    application: null,
    commandLine: Buffer,
    flags: number,
    environment: Buffer,
    cwd: string,
    startup: StartupInfo['StartupInfo'],
    information: ProcessInformation,
  ): boolean;
  WriteFile(file: Handle, data: Buffer, length: number, written: number[], overlapped: null): boolean;
  SetHandleInformation(handle: Handle, mask: number, flags: number): boolean;
  CreateRestrictedToken(
    token: Handle,
    flags: number,
    disableCount: 0,
    disable: null,
    deleteCount: 0,
    deletePrivileges: null,
    restrictCount: 0,
    restrict: null,
    restricted: (Handle | null)[],
  ): boolean;
  NetUserGetInfo(server: null, name: string, level: 1, buffer: unknown[]): number;
  NetApiBufferFree(buffer: unknown): number;
  ResumeThread(thread: Handle): number;
  TerminateProcess(process: Handle, code: number): boolean;
  GetExitCodeProcess(process: Handle, code: number[]): boolean;
  WaitForSingleObject: { async(handle: Handle, ms: number, done: (error: unknown, result: number) => void): void };
  CloseHandle(handle: Handle): boolean;
  GetLastError(): number;
}

export const INVALID_HANDLE = -1n;
export const CREATE = { suspended: 0x4, unicodeEnvironment: 0x400, extendedStartupInfo: 0x80000, noWindow: 0x08000000 } as const;

let loaded: Win32Account | { unavailable: string } | undefined;

export function win32AccountApi(): Win32Account | { unavailable: string } {
  if (process.platform !== 'win32') return { unavailable: 'not Windows' };
  try {
    loaded ??= bind(loadKoffi());
  } catch (error) {
    loaded = { unavailable: `the Win32 interface (koffi) did not load: ${(error as Error).message}` };
  }
  return loaded;
}

function bind(koffi: Koffi): Win32Account {
  const kernel32 = koffi.load('kernel32.dll');
  const advapi32 = koffi.load('advapi32.dll');
  const netapi32 = koffi.load('netapi32.dll');
  const crypt32 = koffi.load('crypt32.dll');
  const shell32 = koffi.load('shell32.dll');
  defineTypes(koffi);
  const waitForSingleObject = kernel32.func('uint32 __stdcall WaitForSingleObject(HANDLE handle, uint32 ms)');
  return {
    koffi,
    IsUserAnAdmin: shell32.func('bool __stdcall IsUserAnAdmin()'),
    NetUserAdd: netapi32.func('uint32 __stdcall NetUserAdd(const char16_t *server, uint32 level, USER_INFO_1 *info, _Out_ uint32 *error)'),
    NetUserSetInfo: netapi32.func(
      'uint32 __stdcall NetUserSetInfo(const char16_t *server, const char16_t *name, uint32 level, USER_INFO_1003 *info, _Out_ uint32 *error)',
    ),
    CryptProtectData: crypt32.func(
      'bool __stdcall CryptProtectData(DATA_BLOB *input, const char16_t *description, void *entropy, void *reserved, void *prompt, uint32 flags, _Out_ DATA_BLOB *output)',
    ),
    CryptUnprotectData: crypt32.func(
      'bool __stdcall CryptUnprotectData(DATA_BLOB *input, void *description, void *entropy, void *reserved, void *prompt, uint32 flags, _Out_ DATA_BLOB *output)',
    ),
    LocalFree: kernel32.func('void * __stdcall LocalFree(void *memory)'),
    LogonUserW: advapi32.func(
      'bool __stdcall LogonUserW(const char16_t *user, const char16_t *domain, const char16_t *password, uint32 logonType, uint32 provider, _Out_ HANDLE *token)',
    ),
    CreateFileW: kernel32.func(
      'HANDLE __stdcall CreateFileW(const char16_t *name, uint32 access, uint32 share, SECURITY_ATTRIBUTES *attributes, uint32 disposition, uint32 flags, void *template)',
    ),
    InitializeProcThreadAttributeList: kernel32.func(
      'bool __stdcall InitializeProcThreadAttributeList(void *list, uint32 count, uint32 flags, _Inout_ size_t *size)',
    ),
    UpdateProcThreadAttribute: kernel32.func(
      'bool __stdcall UpdateProcThreadAttribute(void *list, uint32 flags, uintptr_t attribute, void *value, size_t size, void *previous, void *returned)',
    ),
    DeleteProcThreadAttributeList: kernel32.func('void __stdcall DeleteProcThreadAttributeList(void *list)'),
    CreateProcessAsUserW: advapi32.func(
      'bool __stdcall CreateProcessAsUserW(HANDLE token, const char16_t *application, void *commandLine, void *processAttributes, void *threadAttributes, bool inheritHandles, uint32 flags, void *environment, const char16_t *cwd, STARTUPINFOEXW *startup, _Out_ PROCESS_INFORMATION *information)',
    ),
    CreateProcessWithTokenW: advapi32.func(
      'bool __stdcall CreateProcessWithTokenW(HANDLE token, uint32 logonFlags, const char16_t *application, void *commandLine, uint32 flags, void *environment, const char16_t *cwd, STARTUPINFOW *startup, _Out_ PROCESS_INFORMATION *information)',
    ),
    SetHandleInformation: kernel32.func('bool __stdcall SetHandleInformation(HANDLE handle, uint32 mask, uint32 flags)'),
    CreateRestrictedToken: advapi32.func(
      'bool __stdcall CreateRestrictedToken(HANDLE token, uint32 flags, uint32 disableCount, void *disable, uint32 deleteCount, void *deletePrivileges, uint32 restrictCount, void *restrict, _Out_ HANDLE *restricted)',
    ),
    NetUserGetInfo: netapi32.func('uint32 __stdcall NetUserGetInfo(const char16_t *server, const char16_t *name, uint32 level, _Out_ void **buffer)'),
    NetApiBufferFree: netapi32.func('uint32 __stdcall NetApiBufferFree(void *buffer)'),
    WriteFile: kernel32.func('bool __stdcall WriteFile(HANDLE file, void *data, uint32 length, _Out_ uint32 *written, void *overlapped)'),
    ResumeThread: kernel32.func('uint32 __stdcall ResumeThread(HANDLE thread)'),
    TerminateProcess: kernel32.func('bool __stdcall TerminateProcess(HANDLE process, uint32 code)'),
    GetExitCodeProcess: kernel32.func('bool __stdcall GetExitCodeProcess(HANDLE process, _Out_ uint32 *code)'),
    WaitForSingleObject: waitForSingleObject,
    CloseHandle: kernel32.func('bool __stdcall CloseHandle(HANDLE handle)'),
    GetLastError: kernel32.func('uint32 __stdcall GetLastError()'),
  };
}

/** The structures the calls take, registered with koffi by name. */
function defineTypes(koffi: Koffi): void {
  koffi.struct('USER_INFO_1', {
    name: 'const char16_t *',
    password: 'const char16_t *',
    passwordAge: 'uint32',
    priv: 'uint32',
    homeDir: 'const char16_t *',
    comment: 'const char16_t *',
    flags: 'uint32',
    scriptPath: 'const char16_t *',
  });
  koffi.struct('USER_INFO_1003', { password: 'const char16_t *' });
  koffi.struct('DATA_BLOB', { cbData: 'uint32', pbData: 'void *' });
  koffi.struct('SECURITY_ATTRIBUTES', { nLength: 'uint32', lpSecurityDescriptor: 'void *', bInheritHandle: 'int' });
  const startupInfo = koffi.struct('STARTUPINFOW', {
    cb: 'uint32',
    lpReserved: 'void *',
    lpDesktop: 'const char16_t *',
    lpTitle: 'void *',
    dwX: 'uint32',
    dwY: 'uint32',
    dwXSize: 'uint32',
    dwYSize: 'uint32',
    dwXCountChars: 'uint32',
    dwYCountChars: 'uint32',
    dwFillAttribute: 'uint32',
    dwFlags: 'uint32',
    wShowWindow: 'uint16',
    cbReserved2: 'uint16',
    lpReserved2: 'void *',
    hStdInput: 'HANDLE',
    hStdOutput: 'HANDLE',
    hStdError: 'HANDLE',
  });
  koffi.struct('STARTUPINFOEXW', { StartupInfo: startupInfo, lpAttributeList: 'void *' });
  koffi.struct('PROCESS_INFORMATION', { hProcess: 'HANDLE', hThread: 'HANDLE', dwProcessId: 'uint32', dwThreadId: 'uint32' });
}
