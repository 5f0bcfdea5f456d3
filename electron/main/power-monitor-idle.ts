/** The worker's idle source in the desktop app: how long this session's keyboard and mouse have been untouched, from Electron. */
import type { PowerMonitor } from 'electron';
import type { IdleSource } from '../core/worker/idle-source.ts';

/** Reads `powerMonitor.getSystemIdleTime()` on every check (use it once the app is ready). */
export function powerMonitorIdleSource(monitor: Pick<PowerMonitor, 'getSystemIdleTime'>): IdleSource {
  return {
    name: "the desktop session's idle time (Electron powerMonitor)",
    idleSeconds() {
      try {
        const seconds = monitor.getSystemIdleTime();
        return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
      } catch {
        return null; // the platform cannot tell now: the policy treats that as "cannot measure"
      }
    },
  };
}
