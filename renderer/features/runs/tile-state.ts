/** What a run's tile shows: its state, its filters, its title, and why a waiting job waits. */
import type { RunJobRow, RunMode, WorkerDto } from '../../../shared/api.ts';
import type { IconName } from '../../components/icon-names.ts';
import { verdictOf } from '../../../shared/verdict.ts';

/** What a tile shows and what the filters count. `waiting`: pending on a PC that is offline; `onhold`: frozen while the student uses the PC. */
export type TileState = 'passed' | 'exit' | 'timedout' | 'failed' | 'cancelled' | 'running' | 'onhold' | 'pending' | 'waiting';

export const TILE_LOOK: Record<TileState, { icon: IconName; label: string }> = {
  passed: { icon: 'check', label: 'Passed' },
  exit: { icon: 'cross', label: 'Failed' },
  timedout: { icon: 'hourglass', label: 'Timed out' },
  failed: { icon: 'warning', label: 'Error' },
  cancelled: { icon: 'ban', label: 'Cancelled' },
  running: { icon: 'play', label: 'Running' },
  onhold: { icon: 'pause', label: 'On hold' },
  pending: { icon: 'clock', label: 'Waiting' },
  waiting: { icon: 'pause', label: 'PC offline' },
};

/** A tile's state: waiting or running as the job is, else its verdict (`exit`: failed, `failed`: an error). */
export function tileState(
  job: Pick<RunJobRow, 'status' | 'exitCode'> & Partial<Pick<RunJobRow, 'suspended' | 'endReason' | 'tests' | 'verdict'>>,
  offline: boolean,
): TileState {
  if (job.status === 'running' && job.suspended) return 'onhold';
  if (job.status === 'pending') return offline ? 'waiting' : 'pending';
  if (job.status === 'running') return 'running';
  const verdict = job.verdict ?? verdictOf({ endReason: null, ...job });
  return ({ passed: 'passed', failed: 'exit', timed_out: 'timedout', error: 'failed', cancelled: 'cancelled' } as const)[verdict ?? 'failed'];
}

/** The filters above the grid, and which tile states each shows. */
export const TILE_FILTERS = {
  all: null,
  failed: ['exit', 'timedout', 'failed'],
  passed: ['passed'],
  running: ['running', 'onhold'],
  waiting: ['pending', 'waiting'],
  cancelled: ['cancelled'],
} as const satisfies Record<string, readonly TileState[] | null>;
export type TileFilter = keyof typeof TILE_FILTERS;

export function inFilter(state: TileState, filter: TileFilter): boolean {
  const states: readonly TileState[] | null = TILE_FILTERS[filter];
  return states === null || states.includes(state);
}

/** The tile's title: the PC for a broadcast, the zip for a map run. */
export function tileName(job: RunJobRow, mode: RunMode, names: ReadonlyMap<string, string>): string {
  if (mode === 'map') return job.filename;
  return pcName(job, names) ?? '—';
}

/** The PC by the name the live feed knows, else the coordinator's (the admin's name or its hostname); null before one took it. */
export function pcName(job: Pick<RunJobRow, 'workerId' | 'workerName' | 'hostname'>, names: ReadonlyMap<string, string>): string | null {
  return (job.workerId !== null ? names.get(job.workerId) : undefined) ?? job.workerName ?? job.hostname ?? job.workerId;
}

/** A run's job as its tile shows it; `why`: why a waiting job has not started (its PC in use, paused, offline). */
export interface Tile {
  job: RunJobRow;
  name: string;
  /** The PC it runs or ran on, as the dashboard names it. */
  pc: string | null;
  state: TileState;
  why: string | null;
}

/** Why a job waits for its PC, in the words the worker row uses; null when it simply waits its turn. */
export function waitReason(job: Pick<RunJobRow, 'status' | 'workerId'>, worker: WorkerDto | undefined): string | null {
  if (job.status !== 'pending' || !worker) return null;
  if (worker.status === 'offline') return 'its PC is offline';
  if (worker.paused || worker.pausedByAdmin) return 'its PC is paused';
  if (!worker.available) return worker.availabilityReason ?? 'its PC is in use';
  if (worker.status === 'busy') return 'its PC runs another job';
  return null;
}
