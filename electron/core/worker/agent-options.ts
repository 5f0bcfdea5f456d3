/** What a worker agent is told at start (the CLI and the desktop app fill it in). */
import type { Logger } from '../logger.ts';
import type { IdleSource } from './idle-source.ts';

export interface WorkerAgentOptions {
  server: string;
  /** Every coordinator of the campus, `server` first: the worker moves to the next when one stops answering. */
  servers?: string[];
  /** The coordinator certificate's SHA-256 to pin (from the join line, discovery or --fingerprint). */
  fingerprint?: string | null;
  joinToken?: string;
  workDir: string;
  id?: string;
  /** Shown as the hostname on the dashboard. */
  name?: string;
  /** How long keyboard and mouse have been idle (the desktop app's powerMonitor, or --idle-file). */
  idleSource?: IdleSource;
  /** Labels jobs and runs can target; sent when registering (absent: the coordinator keeps what it has). */
  tags?: string[];
  heartbeatIntervalSeconds?: number;
  maxExtractMb?: number;
  maxOutputMb?: number;
  /** Result files brought back per job (MB). */
  maxArtifactsMb?: number;
  logger?: Logger;
  killGraceMs?: number;
  /** Long-poll length; the coordinator caps it at 30 s. */
  pollWaitSeconds?: number;
  /** The seed's design, for comparisons: no long poll, ask every N ms instead. */
  pollIntervalMs?: number;
  /** Run jobs as this account when the worker is root (default there: cmdx-job). */
  runAs?: string;
  /** Run jobs as root when no job account can be had (dangerous; off by default). */
  unsafeJobsAsRoot?: boolean;
  /** Per-job limits, where a cgroup controller allows them. */
  jobMemoryMb?: number;
  jobMaxProcs?: number;
  /** Run through the shell instead of the OS's command to shut down, restart or log off (CMDX_POWER_ACTION, CMDX_POWER_DELAY in its environment). */
  powerCommand?: string;
  /** Serve zips to peers and fetch from them when the coordinator names one (--no-peers: false). */
  peers?: boolean;
  /** The peer server's port (0: any free one). */
  peerPort?: number;
  /** Called when a job's first command starts, for pickup measurements. */
  onCommandStart?: (jobId: string, startedAt: number) => void;
}
