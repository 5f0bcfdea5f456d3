/**
 * How long nobody has touched this PC's keyboard and mouse, behind one small interface: the desktop
 * app gives Electron's powerMonitor; headless, a file a site's own detector (or a test) writes,
 * Windows' GetLastInputInfo, or logind's idle hint for the seat's session; where nothing can tell,
 * null (and the worker says so).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { win32Api } from '../runner/windows/win32-api.ts';

export interface IdleSource {
  /** What it reads, for logs and the dashboard. */
  readonly name: string;
  /** Seconds since the last keyboard or mouse input, or null when it cannot tell now. */
  idleSeconds(): number | null;
}

/** A file holding the idle seconds as a number (read on every check; a missing file means "cannot tell"). */
export function fileIdleSource(path: string): IdleSource {
  return {
    name: `the file ${path}`,
    idleSeconds() {
      try {
        const value = Number(readFileSync(path, 'utf8').trim());
        return Number.isFinite(value) && value >= 0 ? value : null;
      } catch {
        return null;
      }
    },
  };
}

/** logind's IdleHint and IdleSinceHint of the graphical sessions (GNOME, KDE and others set them); sessions are listed again every 30 s, so a student who logs in later counts. */
export function logindIdleSource(now: () => number = Date.now): IdleSource | null {
  const run = (args: string[]) => execFileSync('loginctl', args, { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
  const list = (): string[] | null => {
    try {
      return run(['list-sessions', '--no-legend'])
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0])
        .filter((id): id is string => !!id);
    } catch {
      return null;
    }
  };
  let sessions = list();
  if (sessions === null) return null; // no logind here
  let listedAt = now();
  return {
    name: 'logind (the session idle hint)',
    idleSeconds() {
      if (now() - listedAt > 30_000) {
        sessions = list() ?? [];
        listedAt = now();
      }
      let least: number | null = null;
      for (const id of sessions ?? []) {
        try {
          const props = Object.fromEntries(
            run(['show-session', id, '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'Type'])
              .split('\n')
              .map((l) => l.split('=') as [string, string]),
          );
          if (props.Type !== 'x11' && props.Type !== 'wayland') continue;
          const idle = props.IdleHint === 'yes' ? Math.max(0, (now() - Number(props.IdleSinceHint) / 1000) / 1000) : 0;
          least = least === null ? idle : Math.min(least, idle);
        } catch {
          // the session ended
        }
      }
      return least;
    },
  };
}

/** Windows: GetLastInputInfo, the last keyboard or mouse input of the session the worker runs in (a login-started worker's is the student's). */
export function windowsIdleSource(): IdleSource | null {
  const api = win32Api();
  if ('unavailable' in api || api.lastInputTick() === null) return null;
  return {
    name: 'GetLastInputInfo (this Windows session)',
    idleSeconds() {
      const last = api.lastInputTick();
      // Both tick counts wrap at 2^32 ms (49.7 days): the difference modulo 2^32 is right across a wrap.
      return last === null ? null : ((api.GetTickCount() - last) >>> 0) / 1000;
    },
  };
}

/** The best source this PC has: the given one, else Windows' last input time or logind, else none. */
export function chooseIdleSource(given?: IdleSource): IdleSource | null {
  return given ?? (process.platform === 'win32' ? windowsIdleSource() : logindIdleSource());
}
