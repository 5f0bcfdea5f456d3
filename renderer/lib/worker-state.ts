/** A worker's state as people read it: paused (at the PC or by the admin) and waiting (its policy keeps it from jobs) show only while it is not busy. */
import type { WorkerDto } from '../../shared/api.ts';

export type WorkerState = 'idle' | 'busy' | 'waiting' | 'paused' | 'offline';

export type WorkerFacts = Pick<WorkerDto, 'status' | 'paused'> & Partial<Pick<WorkerDto, 'pausedByAdmin' | 'available'>>;

export function workerStatus(w: WorkerFacts): WorkerState {
  if (w.status === 'offline') return 'offline';
  if (w.status === 'busy') return 'busy';
  if (w.paused || w.pausedByAdmin) return 'paused';
  if (w.available === false) return 'waiting';
  return 'idle';
}
