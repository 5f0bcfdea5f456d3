/**
 * A saved command made from a job or a run (Save as template): its commands, target, shell, time limit,
 * result files and the zips it ran, for the job page and the run page alike. A job made from a template
 * gives its placeholders back as text parameters, with the values it ran with as their defaults.
 */
import { LIMITS, type JobDto, type JobTarget, type RunStatusDto } from '../../shared/api.ts';
import { placeholdersOf } from '../../shared/templates.ts';
import { uploadNameFromUrl } from '../../shared/uploads.ts';
import type { TemplateBody } from './api-types.ts';
import { firstLine } from './format.ts';

type Zip = Pick<JobDto, 'fileUrl' | 'filename'>;

/** The zips a template may keep: this coordinator's uploads, once each (a job may name a zip elsewhere). */
function keptZips(jobs: readonly Zip[]): TemplateBody['zips'] {
  const seen = new Set<string>();
  const zips = jobs.filter((j) => uploadNameFromUrl(j.fileUrl) !== undefined && !seen.has(j.fileUrl) && seen.add(j.fileUrl));
  return zips.length ? zips.map(({ fileUrl, filename }) => ({ fileUrl, filename })) : undefined;
}

/** "echo hello …": the first line of what it ran, within a name's length. */
export function templateName(text: string): string {
  const name = firstLine(text).trim() || 'Saved command';
  return name.length > LIMITS.runNameLength ? `${name.slice(0, LIMITS.runNameLength - 1)}…` : name;
}

/** Only the parts a target names (none: any PC). */
function targetOf(target: JobTarget | null): TemplateBody['target'] {
  if (!target) return undefined;
  const kept = {
    ...(target.workers?.length ? { workers: target.workers } : {}),
    ...(target.tags?.length ? { tags: target.tags } : {}),
    ...(target.os ? { os: target.os } : {}),
  };
  return Object.keys(kept).length ? kept : undefined;
}

/** What a job and a run have alike. */
function common(commands: string, first: JobDto | undefined, limits: { timeoutSeconds: number; target: JobTarget | null; shell: TemplateBody['shell'] }) {
  const { timeoutSeconds } = limits;
  return {
    commands,
    target: targetOf(limits.target),
    shell: limits.shell ?? undefined,
    timeoutSeconds: Number.isInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= LIMITS.maxTimeoutSeconds ? timeoutSeconds : undefined,
    artifacts: first?.artifactPatterns.length ? first.artifactPatterns : undefined,
    params: placeholdersOf(commands).map((name) => ({ name, type: 'text' as const, default: first?.params?.[name] })),
  };
}

export function templateFromJob(job: JobDto): TemplateBody {
  return { name: templateName(job.command), mode: 'single', ...common(job.command, job, job), zips: keptZips([job]) };
}

/** `jobs`: the run's jobs as the API gives them (a map run keeps every one's zip; a run on every PC its one zip). */
export function templateFromRun(run: RunStatusDto, jobs: readonly JobDto[]): TemplateBody {
  const first = jobs[0];
  const g = run.grading;
  return {
    name: templateName(run.name ?? run.command),
    mode: run.mode,
    ...common(run.command, first, run),
    zips: run.mode === 'map' ? keptZips(jobs) : run.filename === null ? undefined : keptZips(jobs.slice(0, 1)),
    grading:
      run.mode === 'map' && g
        ? {
            testsUrl: g.testsUrl ?? undefined,
            baseUrl: g.baseUrl ?? undefined,
            points: g.points,
            defaultPoints: g.defaultPoints,
            report: g.report.length ? g.report : undefined,
          }
        : undefined,
  };
}

/** What it reads (the dashboard's CoordinatorApi). */
export interface JobAndRunReader {
  job(jobId: string): Promise<JobDto>;
  run(runId: string): Promise<RunStatusDto>;
}

/** Reads the job, or the run and its jobs (a few at a time), and makes the template's body. */
export async function templateFrom(api: JobAndRunReader, from: { jobId: string } | { runId: string }): Promise<TemplateBody> {
  if ('jobId' in from) return templateFromJob(await api.job(from.jobId));
  const run = await api.run(from.runId);
  const ids = run.mode === 'map' ? run.jobs.map((j) => j.jobId) : run.jobs.slice(0, 1).map((j) => j.jobId);
  const jobs: JobDto[] = [];
  for (let i = 0; i < ids.length; i += 8) jobs.push(...(await Promise.all(ids.slice(i, i + 8).map((id) => api.job(id)))));
  return templateFromRun(run, jobs);
}
