/** Process-group checks that tell a live process from a zombie waiting to be reaped. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const hasProc =
  process.platform === 'linux' &&
  (() => {
    try {
      return readdirSync('/proc').length > 0;
    } catch {
      return false;
    }
  })();

/** True while some process of group `pgid` is running (zombies, already dead, do not count). */
export function groupAlive(pgid: number): boolean {
  // One cheap syscall first: an empty group (the usual case) needs no /proc scan.
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (hasProc) {
    // In containers PID 1 may reap orphans late; a zombie holds no resources and ignores signals.
    for (const entry of readdirSync('/proc')) {
      if (entry.charCodeAt(0) > 57) continue; // not a pid folder
      const fields = statFields(entry);
      if (fields && fields[2] === String(pgid) && fields[0] !== 'Z') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while process `pid` runs (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  if (hasProc) {
    const fields = statFields(String(pid));
    return fields !== undefined && fields[0] !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A pid written from inside a job's PID namespace as `pid:[NS] N` (readlink /proc/self/ns/pid, then the
 * pid), as this process sees it: the process in that namespace whose last NSpid is N. A bare `N` is
 * taken as it is; undefined when the line is neither or the process is gone.
 */
export function pidOutsideNamespace(line: string): number | undefined {
  const match = /^(?:(pid:\[\d+\]) )?(\d+)$/.exec(line.trim());
  if (!match) return undefined;
  const [, ns, inner] = match;
  if (ns === undefined || ns === readlinkSync('/proc/self/ns/pid')) return Number(inner);
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid folder
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) !== ns) continue;
      const nspid = /^NSpid:\s+([\d\s]+)$/m
        .exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]
        ?.trim()
        .split(/\s+/);
      if (nspid?.at(-1) === inner) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
