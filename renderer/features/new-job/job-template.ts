/** "Run again": the new-job form filled in from a job (commands, limits, where it ran, its result files, its zip by fileUrl), to change before it runs. */
import type { JobDto, JobTarget } from '../../../shared/api.ts';
import type { ShellName } from '../../../shared/shells.ts';
import { DIRECT_WORKER } from '../../lib/targets.ts';
import { timeoutText, type LimitsText } from './limits.ts';

export interface JobTemplate {
  fromJobId: string;
  commands: string;
  limits: LimitsText;
  /** The shell it asked for (null: the PC's default). */
  shell: ShellName | null;
  /** Where it may run: the job's own target (null: any PC). */
  target: JobTarget | null;
  /** The result files it brought back (glob patterns). */
  artifacts: string[];
  /** It ran here on the coordinator. */
  direct: boolean;
  /** The zip the coordinator keeps, used again unless another is chosen; null when it is not kept (a direct run's). */
  zip: { fileUrl: string; filename: string } | null;
}

export function templateOf(job: JobDto): JobTemplate {
  const direct = job.workerId === DIRECT_WORKER && job.runId === null;
  return {
    fromJobId: job.jobId,
    commands: job.command,
    limits: { ...timeoutText(job.timeoutSeconds), attempts: String(job.maxAttempts) },
    shell: job.shell ?? null,
    target: job.target ?? null,
    artifacts: job.artifactPatterns ?? [],
    direct,
    // A direct run's zip is removed once it ran.
    zip: direct || !job.fileUrl ? null : { fileUrl: job.fileUrl, filename: job.filename },
  };
}
