/**
 * The few Win32 calls the worker needs, through koffi (an FFI with prebuilt Windows binaries inside its
 * npm package): Job Objects, suspending a process, the console's code pages and the last input time.
 * Loaded on first use and only on Windows; anywhere else, or when loading fails, the reason is returned.
 */
import { loadKoffi, type Koffi } from './koffi-loader.ts';

/** An opaque Win32 HANDLE as koffi hands it over. */
export type Handle = object;

/** JOBOBJECT_EXTENDED_LIMIT_INFORMATION, as SetInformationJobObject takes it. */
export interface ExtendedLimits {
  BasicLimitInformation: {
    PerProcessUserTimeLimit: number;
    PerJobUserTimeLimit: number;
    LimitFlags: number;
    MinimumWorkingSetSize: number;
    MaximumWorkingSetSize: number;
    ActiveProcessLimit: number;
    Affinity: number;
    PriorityClass: number;
    SchedulingClass: number;
  };
  IoInfo: Record<'reads' | 'writes' | 'others' | 'readBytes' | 'writeBytes' | 'otherBytes', number>;
  ProcessMemoryLimit: number;
  JobMemoryLimit: number;
  PeakProcessMemoryUsed: number;
  PeakJobMemoryUsed: number;
}

export interface Win32 {
  CreateJobObjectW(attributes: null, name: null): Handle | null;
  SetInformationJobObject(job: Handle, infoClass: number, info: ExtendedLimits, length: number): boolean;
  /** JOBOBJECT_BASIC_UI_RESTRICTIONS (one DWORD). */
  setUiRestrictions(job: Handle, limits: number): boolean;
  QueryInformationJobObject(job: Handle, infoClass: number, info: Buffer, length: number, returned: number[] | null): boolean;
  AssignProcessToJobObject(job: Handle, process: Handle): boolean;
  TerminateJobObject(job: Handle, exitCode: number): boolean;
  OpenProcess(access: number, inherit: boolean, pid: number): Handle | null;
  CloseHandle(handle: Handle): boolean;
  GetLastError(): number;
  GetOEMCP(): number;
  NtSuspendProcess(process: Handle): number;
  NtResumeProcess(process: Handle): number;
  GetTickCount(): number;
  /** The system folder (System32) as Windows knows it, whatever the environment says. */
  systemDirectory(): string | null;
  /** Milliseconds since boot (GetTickCount) at the last keyboard or mouse input of this session, or null. */
  lastInputTick(): number | null;
  readonly extendedLimitsSize: number;
}

export const JOB_INFO = { basicAccounting: 1, basicProcessIdList: 3, basicUiRestrictions: 4, extendedLimits: 9 } as const;
/** JOB_OBJECT_UILIMIT_*: no other process's windows, clipboard, system settings, display, atoms, desktop switch or logoff/shutdown. */
export const JOB_UI_LIMITS_ALL = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80;
export const JOB_LIMIT = { jobMemory: 0x200, dieOnUnhandledException: 0x400, killOnJobClose: 0x2000 } as const;
export const PROCESS_ACCESS = { terminate: 0x0001, setQuota: 0x0100, suspendResume: 0x0800, queryLimited: 0x1000 } as const;

let loaded: Win32 | { unavailable: string } | undefined;

/** The Win32 calls, or why they cannot be had on this PC. */
export function win32Api(platform: NodeJS.Platform = process.platform): Win32 | { unavailable: string } {
  if (platform !== 'win32') return { unavailable: 'not Windows' };
  loaded ??= load();
  return loaded;
}

function load(): Win32 | { unavailable: string } {
  try {
    return bind(loadKoffi());
  } catch (error) {
    return { unavailable: `the Win32 interface (koffi) did not load: ${(error as Error).message}` };
  }
}

function bind(koffi: Koffi): Win32 {
  const kernel32 = koffi.load('kernel32.dll');
  const ntdll = koffi.load('ntdll.dll');
  const user32 = koffi.load('user32.dll');
  const basic = koffi.struct('JOBOBJECT_BASIC_LIMIT_INFORMATION', {
    PerProcessUserTimeLimit: 'int64',
    PerJobUserTimeLimit: 'int64',
    LimitFlags: 'uint32',
    MinimumWorkingSetSize: 'size_t',
    MaximumWorkingSetSize: 'size_t',
    ActiveProcessLimit: 'uint32',
    Affinity: 'uintptr_t',
    PriorityClass: 'uint32',
    SchedulingClass: 'uint32',
  });
  const io = koffi.struct('IO_COUNTERS', {
    reads: 'uint64',
    writes: 'uint64',
    others: 'uint64',
    readBytes: 'uint64',
    writeBytes: 'uint64',
    otherBytes: 'uint64',
  });
  const extended = koffi.struct('JOBOBJECT_EXTENDED_LIMIT_INFORMATION', {
    BasicLimitInformation: basic,
    IoInfo: io,
    ProcessMemoryLimit: 'size_t',
    JobMemoryLimit: 'size_t',
    PeakProcessMemoryUsed: 'size_t',
    PeakJobMemoryUsed: 'size_t',
  });
  koffi.struct('LASTINPUTINFO', { cbSize: 'uint32', dwTime: 'uint32' });
  const setUiRestrictions = kernel32.func('bool __stdcall SetInformationJobObject(HANDLE job, int infoClass, _In_ uint32 *info, uint32 length)');
  const getSystemDirectory = kernel32.func('uint32 __stdcall GetSystemDirectoryW(_Out_ uint16_t *buffer, uint32 size)');
  const getLastInputInfo = user32.func('bool __stdcall GetLastInputInfo(_Inout_ LASTINPUTINFO *info)');
  return {
    CreateJobObjectW: kernel32.func('HANDLE __stdcall CreateJobObjectW(void *attributes, const char16_t *name)'),
    SetInformationJobObject: kernel32.func(
      'bool __stdcall SetInformationJobObject(HANDLE job, int infoClass, _In_ JOBOBJECT_EXTENDED_LIMIT_INFORMATION *info, uint32 length)',
    ),
    setUiRestrictions: (job, limits) => setUiRestrictions(job, JOB_INFO.basicUiRestrictions, [limits], 4) === true,
    QueryInformationJobObject: kernel32.func(
      'bool __stdcall QueryInformationJobObject(HANDLE job, int infoClass, _Out_ uint8_t *info, uint32 length, _Out_ uint32 *returned)',
    ),
    AssignProcessToJobObject: kernel32.func('bool __stdcall AssignProcessToJobObject(HANDLE job, HANDLE process)'),
    TerminateJobObject: kernel32.func('bool __stdcall TerminateJobObject(HANDLE job, uint32 exitCode)'),
    OpenProcess: kernel32.func('HANDLE __stdcall OpenProcess(uint32 access, bool inherit, uint32 pid)'),
    CloseHandle: kernel32.func('bool __stdcall CloseHandle(HANDLE handle)'),
    GetLastError: kernel32.func('uint32 __stdcall GetLastError()'),
    GetOEMCP: kernel32.func('uint32 __stdcall GetOEMCP()'),
    GetTickCount: kernel32.func('uint32 __stdcall GetTickCount()'),
    NtSuspendProcess: ntdll.func('int32 __stdcall NtSuspendProcess(HANDLE process)'),
    NtResumeProcess: ntdll.func('int32 __stdcall NtResumeProcess(HANDLE process)'),
    systemDirectory() {
      const buffer = new Uint16Array(520);
      const length = getSystemDirectory(buffer, buffer.length) as number;
      return length > 0 && length < buffer.length ? Buffer.from(buffer.buffer, 0, length * 2).toString('utf16le') : null;
    },
    lastInputTick() {
      const info = { cbSize: 8, dwTime: 0 };
      return getLastInputInfo(info) ? info.dwTime : null;
    },
    extendedLimitsSize: koffi.sizeof(extended),
  };
}
