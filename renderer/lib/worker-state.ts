/**
 * A worker's state as people read it: on hold (its job frozen while the student uses the PC) instead of
 * busy; paused (at the PC or by the admin) and waiting (its policy keeps it from jobs) only while it is not busy.
 */
import type { WorkerDto } from '../../shared/api.ts';

export type WorkerState = 'idle' | 'busy' | 'onhold' | 'waiting' | 'paused' | 'offline';

export type WorkerFacts = Pick<WorkerDto, 'status' | 'paused'> & Partial<Pick<WorkerDto, 'pausedByAdmin' | 'available' | 'suspendedSince'>>;

export function workerStatus(w: WorkerFacts): WorkerState {
  if (w.status === 'offline') return 'offline';
  if (w.status === 'busy') return w.suspendedSince ? 'onhold' : 'busy';
  if (w.paused || w.pausedByAdmin) return 'paused';
  if (w.available === false) return 'waiting';
  return 'idle';
}
