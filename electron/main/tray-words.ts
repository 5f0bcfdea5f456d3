/**
 * What the worker's tray says, in words for the person at the PC: which icon, the state in one line
 * (idle, running a job, waiting and why, a job paused while they use the PC, paused by them), the
 * lab's policy, and a tooltip that fits Windows' limit.
 */
import { clock } from '../../shared/policy.ts';
import type { AgentState } from '../../shared/worker-view.ts';
import { powerNoticeWords } from '../../shared/wake.ts';

export type TrayState = 'idle' | 'busy' | 'waiting' | 'paused' | 'disconnected';

export type TrayAgentState = Pick<
  AgentState,
  'status' | 'connected' | 'paused' | 'pausedAt' | 'currentJob' | 'waiting' | 'suspended' | 'policy' | 'powerNotice'
>;

/** Windows cuts a tray tooltip at 127 characters. */
export const TOOLTIP_MAX = 127;

/** The icon: a suspended job and a worker the policy holds back both show "waiting" (it gives way to the user). */
export function trayStateOf(state: Pick<TrayAgentState, 'status' | 'connected' | 'paused' | 'currentJob' | 'waiting' | 'suspended'>): TrayState {
  if (state.currentJob) return state.suspended ? 'waiting' : 'busy';
  if (!state.connected || state.status === 'disconnected' || state.status === 'starting' || state.status === 'stopped') return 'disconnected';
  if (state.paused) return 'paused';
  if (state.waiting) return 'waiting';
  return 'idle';
}

/** "Running a job · p.zip (job-1)", "Waiting: PC in use since 10:42 (…)", "Paused by you at 10:42". */
export function stateLine(state: TrayAgentState, now = Date.now()): string {
  // The admin's shutdown, restart or log-off comes first: the person at the PC must save their work.
  if (state.powerNotice) return powerNoticeWords(state.powerNotice);
  const job = state.currentJob;
  if (job) return `${state.suspended ? 'Job paused while you use this PC' : 'Running a job'} · ${job.filename} (${job.jobId})`;
  switch (trayStateOf(state)) {
    case 'disconnected':
      return 'Not connected';
    case 'paused':
      return state.pausedAt === undefined ? 'Paused' : `Paused by you ${at(state.pausedAt, now)}`;
    case 'waiting':
      return `Waiting: ${state.waiting}`;
    default:
      return 'Idle: ready for jobs';
  }
}

/** "at 10:42" today, "on Mon 10:42" before. */
function at(time: number, now: number): string {
  const then = new Date(time);
  return then.toDateString() === new Date(now).toDateString() ? `at ${clock(then)}` : `on ${then.toDateString().slice(0, 3)} ${clock(then)}`;
}

export interface TrayWords {
  icon: TrayState;
  line: string;
  policy: string;
  tooltip: string;
}

export function trayWords(state: TrayAgentState, now = Date.now()): TrayWords {
  const line = stateLine(state, now);
  const policy = `Lab policy: ${state.policy}`;
  const head = `CMD Executor worker: ${line}`;
  // The state always shows; the policy only when both fit.
  const both = `${head}\n${policy}`;
  const tooltip = both.length <= TOOLTIP_MAX ? both : head.length <= TOOLTIP_MAX ? head : `${head.slice(0, TOOLTIP_MAX - 1)}…`;
  return { icon: trayStateOf(state), line, policy, tooltip };
}
