/**
 * A worker's state as people read it: on hold (its job frozen while the student uses the PC) instead of
 * busy; paused (at the PC or by the admin) and waiting (its policy keeps it from jobs) only while it is not busy.
 */
import type { WorkerDto } from '../../shared/api.ts';
import { powerActionWords } from '../../shared/wake.ts';
import { clock } from './format.ts';

export type WorkerState = 'idle' | 'busy' | 'onhold' | 'waiting' | 'paused' | 'offline';

export type WorkerFacts = Pick<WorkerDto, 'status' | 'paused'> & Partial<Pick<WorkerDto, 'pausedByAdmin' | 'available' | 'suspendedSince'>>;

export function workerStatus(w: WorkerFacts): WorkerState {
  if (w.status === 'offline') return 'offline';
  if (w.status === 'busy') return w.suspendedSince ? 'onhold' : 'busy';
  if (w.paused || w.pausedByAdmin) return 'paused';
  if (w.available === false) return 'waiting';
  return 'idle';
}

/**
 * The admin's last power action, in words under the worker's status: asked, under way ("Shutting down at
 * 14:05"), skipped because someone uses the PC, failed; and, once offline, powered off on purpose (not lost).
 */
export function powerNote(w: Pick<WorkerDto, 'status' | 'power'>, now = Date.now()): string | null {
  const p = w.power;
  if (!p) return null;
  const verb = powerActionWords(p.action);
  const gerund = { shutdown: 'Shutting down', reboot: 'Restarting', logoff: 'Logging off' }[p.action];
  if (w.status === 'offline')
    return p.state === 'powering_off'
      ? `${{ shutdown: 'Shut down', reboot: 'Restarting', logoff: 'Logged off' }[p.action]} from the dashboard at ${clock(p.at ?? p.requestedAt)}`
      : null;
  switch (p.state) {
    case 'requested':
    case 'delivered':
      return `Asked to ${verb} at ${clock(p.requestedAt)}`;
    case 'powering_off':
      // A log-off leaves the PC (and its worker) up: once its time passed, it is done.
      if (p.action === 'logoff' && p.at !== null && p.at <= now) return `Logged off at ${clock(p.at)} from the dashboard`;
      return `${gerund} at ${clock(p.at ?? p.requestedAt)}`;
    case 'in_use':
      return `Did not ${verb}: someone is using it (force it to ${verb} anyway)`;
    case 'failed':
      return `Could not ${verb}${p.message ? `: ${p.message}` : ''}`;
  }
}
