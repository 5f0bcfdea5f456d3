/**
 * What the new-job form makes of its fields, without React: one job, a broadcast (each), one job per
 * zip (map) or a direct run; where it may go; what is missing; and what sending it does.
 */
import type { JobTarget, WorkerDto } from '../../../shared/api.ts';
import type { ShellName } from '../../../shared/shells.ts';
import type { RunParts, RunRequest } from '../../lib/api.ts';
import { matchesTarget } from '../../lib/targets.ts';
import type { Broadcast } from './confirm-run.tsx';
import { EMPTY_GRADING, readGrading, readPatterns, type GradingDraft } from './grading-form.ts';
import type { JobTemplate } from './job-template.ts';
import { NO_LIMITS, readLimits, type LimitsText } from './limits.ts';
import { readRunOptions, type RunOptionsText } from './run-options.tsx';
import type { RunOnChoice } from './run-on.tsx';
import type { JobSpec, ZipSource } from './send-job.ts';
import { refuseFiles, refuseParts } from './zip-rules.ts';

/** The form's fields as typed: the limits and run options are read only on sending. */
export interface NewJobDraft {
  files: File[];
  /** The zip the coordinator keeps from the job the form comes from (Run again), until another is chosen. */
  reused: { fileUrl: string; filename: string } | null;
  commands: string;
  limits: LimitsText;
  /** null: the default of the PC that runs it. */
  shell: ShellName | null;
  choice: RunOnChoice;
  options: RunOptionsText;
  /** The result files each job brings back: glob patterns, separated by commas or new lines. */
  artifacts: string;
  /** Several zips, one per student: the grading run's settings. */
  grading: GradingDraft;
}

/** What the form makes: one job, a broadcast (each), one job per zip (map) or a direct run. */
export type Kind = 'job' | 'each' | 'map' | 'direct';

/** What sending does: refuse with a sentence, send one job, create a run at once (map), or ask first (a broadcast, a direct run). */
export type SendPlan =
  { error: string } | { job: JobSpec } | { run: RunRequest; parts: RunParts } | { confirm: Broadcast; run: RunRequest } | { confirmDirect: true };

function choiceOf(template: JobTemplate | null): RunOnChoice {
  if (template?.direct) return { runOn: 'direct', tags: [], workers: [] };
  return { runOn: 'any', tags: [], workers: [], kept: template?.target ?? null };
}

/** An empty form, or one filled in from a job (Run again). */
export function draftOf(template: JobTemplate | null): NewJobDraft {
  return {
    files: [],
    reused: template?.zip ?? null,
    commands: template?.commands ?? '',
    limits: template?.limits ?? NO_LIMITS,
    shell: template?.shell ?? null,
    choice: choiceOf(template),
    options: { name: '', scorePattern: '', maxParallel: '', deadlineHours: '' },
    artifacts: template?.artifacts.join(', ') ?? '',
    grading: EMPTY_GRADING,
  };
}

export function kindOf(files: readonly File[], choice: RunOnChoice): Kind {
  if (files.length > 1) return 'map';
  if (choice.runOn === 'any') return 'job';
  return choice.runOn === 'direct' ? 'direct' : 'each';
}

export function targetOf(choice: RunOnChoice): JobTarget | null {
  if (choice.runOn === 'any') return choice.kept ?? null;
  if (choice.runOn === 'tags') return choice.tags.length ? { tags: choice.tags } : null;
  if (choice.runOn === 'workers') return choice.workers.length ? { workers: choice.workers } : null;
  return null;
}

/** The workers the choice selects; with tags or PCs to pick and none picked yet, none (not every PC). */
export function matchingWorkers(workers: readonly WorkerDto[], choice: RunOnChoice): WorkerDto[] {
  const target = targetOf(choice);
  const picking = choice.runOn === 'tags' || choice.runOn === 'workers';
  return picking && !target ? [] : workers.filter((w) => matchesTarget(target, w));
}

/** The zips chosen, else the one kept from the job the form comes from. */
export function zipOf(draft: NewJobDraft): ZipSource {
  return { files: draft.files, reused: draft.files.length === 0 ? draft.reused : null };
}

/** The submit button's words: "Run on a worker", "Run on 12 PCs", "Run 6 zips", "Run here". */
export function sendLabel(kind: Kind, matching: number, files: number): string {
  const pcs = (n: number) => `${n} ${n === 1 ? 'PC' : 'PCs'}`;
  return { job: 'Run on a worker', direct: 'Run here', each: `Run on ${pcs(matching)}`, map: `Run ${files} zips` }[kind];
}

/** The sentence saying what is missing, or null when the form can be sent. */
function problem(draft: NewJobDraft, kind: Kind, matching: readonly WorkerDto[], maxUploadBytes: number | null): string | null {
  const { files, choice } = draft;
  const refused = refuseFiles(files, maxUploadBytes);
  if (refused) return refused;
  if ((kind === 'job' || kind === 'direct') && files.length === 0 && !draft.reused) return 'Choose a zip file first.';
  if (!draft.commands.trim()) return 'Write at least one command, one per line.';
  if (choice.runOn === 'tags' && choice.tags.length === 0) return 'Pick at least one tag: the job goes to PCs that have all the tags picked.';
  if (choice.runOn === 'workers' && choice.workers.length === 0) return 'Pick at least one PC.';
  if (kind === 'each' && matching.length === 0) return 'No worker matches; check the tags on the workers list.';
  if (kind === 'map') return refuseParts(files, [draft.grading.tests, draft.grading.base], maxUploadBytes);
  return null;
}

/** What sending the form does now: the first problem found, else what to send or to ask about first. */
export function planSend(draft: NewJobDraft, workers: readonly WorkerDto[], maxUploadBytes: number | null): SendPlan {
  const kind = kindOf(draft.files, draft.choice);
  const target = targetOf(draft.choice);
  const matching = matchingWorkers(workers, draft.choice);
  const missing = problem(draft, kind, matching, maxUploadBytes);
  if (missing) return { error: missing };
  const limits = readLimits(draft.limits);
  if ('error' in limits) return limits;
  const artifacts = kind === 'direct' ? [] : readPatterns(draft.artifacts, 'Result files');
  if ('error' in artifacts) return artifacts;
  if (kind === 'each' || kind === 'map') {
    const read = readRunOptions(draft.options, kind);
    if ('error' in read) return read;
    const run: RunRequest = {
      mode: kind,
      commands: draft.commands,
      ...(target ? { target } : {}),
      ...(draft.shell ? { shell: draft.shell } : {}),
      ...(artifacts.length ? { artifacts } : {}),
      ...limits,
      ...read,
    };
    if (kind === 'map') {
      const grading = readGrading(draft.grading);
      if ('error' in grading) return grading;
      return {
        run: { ...run, ...(grading.grading ? { grading: grading.grading } : {}), ...(grading.students ? { students: grading.students } : {}) },
        parts: grading.parts,
      };
    }
    const offline = matching.filter((w) => w.status === 'offline').length;
    // Online but kept from jobs by the lab's policy: a student at the PC (or outside its hours), or paused.
    const inUse = matching.filter((w) => w.status !== 'offline' && (!w.available || w.paused || w.pausedByAdmin)).length;
    return { confirm: { count: matching.length, offline, inUse, deadlineSeconds: read.deadlineSeconds ?? 24 * 3600 }, run };
  }
  if (kind === 'direct') return { confirmDirect: true };
  return { job: { commands: draft.commands, target, shell: draft.shell, artifacts, ...limits } };
}
