/**
 * What the agent gets ready for jobs: at its start, the job isolation and the shell forked ahead of
 * time; as its loop begins, the report of a job a crash interrupted, processes earlier jobs left in
 * their cgroups, and the self-check.
 */
import { platform } from 'node:os';
import type { Logger } from '../logger.ts';
import { WarmShell } from '../runner/warm-shell.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import { recoverInterruptedJob } from './crash-recovery.ts';
import { JobIsolation } from './job-isolation.ts';
import type { Outbox } from './outbox.ts';
import { selfCheck } from './self-check.ts';

/** What every job of this worker runs with. */
export interface JobRunners {
  isolation: JobIsolation;
  warmShell: WarmShell;
}

export function prepareRunners(o: WorkerAgentOptions, logger: Logger): JobRunners {
  const isolation = new JobIsolation({
    allowRootJobs: o.unsafeJobsAsRoot,
    workDir: o.workDir,
    runAs: o.runAs,
    memoryMb: o.jobMemoryMb,
    maxProcs: o.jobMaxProcs,
    logger,
  });
  // Forked ahead of time with the job environment (only when jobs run as our own user: see JobIsolation).
  const warmShell = new WarmShell({ env: isolation.baseEnv, dropTo: isolation.dropTo });
  if (platform() !== 'win32' && isolation.warmShellAllowed) warmShell.prepare();
  return { isolation, warmShell };
}

/** Before the first job: what a crash left (its report, its processes), then whether this PC can run jobs at all. */
export async function checkBeforeJobs(workDir: string, outbox: Outbox, { isolation, warmShell }: JobRunners, logger: Logger): Promise<void> {
  recoverInterruptedJob(workDir, outbox, logger);
  const leftovers = await isolation.sweep();
  if (leftovers > 0) logger.warn('stopped processes that jobs of a previous run left in their cgroups', { cgroups: leftovers });
  const check = await selfCheck(() => isolation.prepare('self-check'), isolation.warmShellAllowed ? warmShell : undefined);
  if (check.ok) logger.info('self-check passed: this PC can run jobs', { ms: check.ms });
  else logger.error('self-check failed: jobs on this PC will probably fail', { error: check.error, workDir });
}
