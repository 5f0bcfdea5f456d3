/** What a worker shows the person at its PC: the agent's state, and the messages of its local status feed. */
import type { LogEntry } from './api.ts';
import type { PowerAction } from './wake.ts';

export type AgentStatus = 'starting' | 'idle' | 'busy' | 'paused' | 'waiting' | 'disconnected' | 'stopped';

export interface JobSummary {
  jobId: string;
  filename: string;
  command: string;
  startedAt: number;
  endedAt?: number;
  status?: 'completed' | 'failed' | 'cancelled';
  exitCode?: number | null;
  errorMessage?: string | null;
  /** On hold (frozen while this PC is in use) since then, and how long it was on hold before. */
  suspendedSince?: number | null;
  suspendedMs?: number;
}

export interface AgentState {
  status: AgentStatus;
  workerId: string;
  /** The name the dashboard shows for this PC (--name, else its hostname). */
  name?: string;
  server: string;
  connected: boolean;
  paused: boolean;
  /** When the PC's user paused it (ms since the epoch); absent while not paused. */
  pausedAt?: number;
  currentJob: JobSummary | null;
  recentJobs: JobSummary[];
  lastError: string | null;
  /** While this PC waits for the admin's approval: the code the dashboard shows beside its request. */
  pairingCode?: string | null;
  /** The certificate this PC pinned while it asks (64 hex): the admin compares its start with the dashboard's. */
  pairingFingerprint?: string | null;
  /** Why the lab's policy keeps this PC from jobs now ("PC in use since 10:42"), or null. */
  waiting: string | null;
  /** The policy this PC follows, in words. */
  policy: string;
  /** The running job is frozen because the PC's user came back. */
  suspended: boolean;
  /** The lab's admin asked this PC to shut down, restart or log off at `at` (ms): the person at the PC is told the time left. */
  powerNotice?: { action: PowerAction; at: number } | null;
}

/** The state plus the current job's recent output (in order, bounded), for a view that opens mid-job. */
export interface WorkerViewState extends AgentState {
  output: LogEntry[];
}

export type LocalServerMessage = { type: 'state'; state: WorkerViewState } | { type: 'output'; jobId: string; entry: LogEntry };

export const LOCAL_HEADER = 'x-cmdx-local';
/** The worker page's per-start secret, for its API calls (the WebSocket takes it as `?key=`). */
export const LOCAL_KEY_HEADER = 'x-cmdx-local-key';
