/**
 * A Windows Job Object per job: every process of the job is in it (children follow their parent in,
 * and the worker's gate assigns each line's shell before its command runs), so a stop ends them all,
 * a `start /b` leftover and an orphan included, where taskkill /T walks parent ids and misses them.
 * KILL_ON_JOB_CLOSE: when the worker dies, Windows closes its handle and ends the job with it.
 */
import { JOB_INFO, JOB_LIMIT, JOB_UI_LIMITS_ALL, PROCESS_ACCESS, win32Api, type Handle, type Win32 } from './win32-api.ts';

const MAX_SUSPENSIONS = 100;

export interface JobObjectLimits {
  /** The job's processes together may commit this much memory (--job-memory-mb). */
  memoryMb?: number;
}

export class WindowsJobObject {
  readonly #api: Win32;
  #handle: Handle | null;
  /**
   * Processes suspended by us, each with a handle held until it is resumed (so a pid reused meanwhile is
   * never resumed) and how many times: every round suspends every process again (a job process that
   * resumed another between two rounds is caught at the next), and a thaw resumes each as many times.
   */
  readonly #suspended = new Map<number, { handle: Handle; count: number }>();
  /** Whether the job may not touch other windows, the clipboard, system settings, or log off and shut down. */
  uiRestricted = false;

  /** A new Job Object with its limits, or why there is none. */
  static create(limits: JobObjectLimits = {}, platform: NodeJS.Platform = process.platform): WindowsJobObject | { unavailable: string } {
    const api = win32Api(platform);
    if ('unavailable' in api) return api;
    const handle = api.CreateJobObjectW(null, null);
    if (!handle) return { unavailable: `CreateJobObjectW failed (error ${api.GetLastError()})` };
    const job = new WindowsJobObject(api, handle);
    const flags = JOB_LIMIT.killOnJobClose | JOB_LIMIT.dieOnUnhandledException | (limits.memoryMb ? JOB_LIMIT.jobMemory : 0);
    if (!job.#setLimits(flags, (limits.memoryMb ?? 0) * 1024 * 1024)) {
      const error = api.GetLastError();
      job.close();
      return { unavailable: `SetInformationJobObject failed (error ${error})` };
    }
    job.uiRestricted = api.setUiRestrictions(handle, JOB_UI_LIMITS_ALL);
    return job;
  }

  private constructor(api: Win32, handle: Handle) {
    this.#api = api;
    this.#handle = handle;
  }

  /** Puts a started process into the job; throws when Windows refuses (the caller must not let it run). */
  add(pid: number): void {
    const process = this.#api.OpenProcess(PROCESS_ACCESS.setQuota | PROCESS_ACCESS.terminate, false, pid);
    if (!process) throw new Error(`OpenProcess(${pid}) failed (error ${this.#api.GetLastError()})`);
    try {
      if (!this.#handle || !this.#api.AssignProcessToJobObject(this.#handle, process)) {
        throw new Error(`AssignProcessToJobObject(${pid}) failed (error ${this.#api.GetLastError()})`);
      }
    } finally {
      this.#api.CloseHandle(process);
    }
  }

  /** The ids of the job's live processes. */
  pids(): number[] {
    if (!this.#handle) return [];
    for (let room = 256; room <= 65_536; room *= 4) {
      const buffer = Buffer.alloc(8 + 8 * room);
      const ok = this.#api.QueryInformationJobObject(this.#handle, JOB_INFO.basicProcessIdList, buffer, buffer.length, null);
      const assigned = buffer.readUInt32LE(0);
      const listed = buffer.readUInt32LE(4);
      if (!ok && assigned <= listed) return [];
      if (assigned > listed) continue; // more processes than room: ask again with more
      return Array.from({ length: listed }, (_, i) => Number(buffer.readBigUInt64LE(8 + 8 * i)));
    }
    return [];
  }

  /** Freezes (true) or thaws (false) every process of the job; called again while frozen, it freezes them all again. */
  freeze(frozen: boolean): void {
    if (!frozen) return this.#thaw();
    for (const pid of this.pids()) {
      let entry = this.#suspended.get(pid);
      if (!entry) {
        const handle = this.#api.OpenProcess(PROCESS_ACCESS.suspendResume, false, pid);
        if (!handle) continue;
        entry = { handle, count: 0 };
        this.#suspended.set(pid, entry);
      }
      // Windows counts suspensions up to 127: rounds stop adding at a bound well below.
      if (entry.count < MAX_SUSPENSIONS && this.#api.NtSuspendProcess(entry.handle) === 0) entry.count++;
    }
  }

  #thaw(): void {
    for (const { handle, count } of this.#suspended.values()) {
      for (let i = 0; i < count; i++) this.#api.NtResumeProcess(handle);
      this.#api.CloseHandle(handle);
    }
    this.#suspended.clear();
  }

  /** Ends every process of the job at once (Windows has no gentler stop to offer a tree); false when Windows refused. */
  terminate(): boolean {
    for (const { handle } of this.#suspended.values()) this.#api.CloseHandle(handle);
    this.#suspended.clear();
    return this.#handle !== null && this.#api.TerminateJobObject(this.#handle, 1);
  }

  /** Ends every process of the job and waits (at most `timeoutMs`) until Windows says none is left. */
  async kill(timeoutMs = 5000): Promise<boolean> {
    if (!this.#handle) return true;
    this.terminate();
    const deadline = Date.now() + timeoutMs;
    while (this.pids().length > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return true;
  }

  /** Lets go of the job's handle (with KILL_ON_JOB_CLOSE, whatever is still in it ends). */
  close(): void {
    if (this.#handle) this.#api.CloseHandle(this.#handle);
    this.#handle = null;
  }

  #setLimits(flags: number, jobMemoryBytes: number): boolean {
    const zeroIo = { reads: 0, writes: 0, others: 0, readBytes: 0, writeBytes: 0, otherBytes: 0 };
    const basic = {
      PerProcessUserTimeLimit: 0,
      PerJobUserTimeLimit: 0,
      LimitFlags: flags,
      MinimumWorkingSetSize: 0,
      MaximumWorkingSetSize: 0,
      ActiveProcessLimit: 0,
      Affinity: 0,
      PriorityClass: 0,
      SchedulingClass: 0,
    };
    const info = {
      BasicLimitInformation: basic,
      IoInfo: zeroIo,
      ProcessMemoryLimit: 0,
      JobMemoryLimit: jobMemoryBytes,
      PeakProcessMemoryUsed: 0,
      PeakJobMemoryUsed: 0,
    };
    return this.#handle !== null && this.#api.SetInformationJobObject(this.#handle, JOB_INFO.extendedLimits, info, this.#api.extendedLimitsSize);
  }
}
