/**
 * Drop zips, write the commands, set the time limit and attempts, choose where they run: one job on
 * any free PC, a run on every PC (or those with tags, or named ones), one job per zip when several
 * are dropped, or here on the coordinator (after a second confirmation). Filled in from a job by Run
 * again, its zip used again by its fileUrl. Uploads with progress, then goes to the job's or run's page.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { LIMITS, type JobTarget, type WorkerDto } from '../../../shared/api.ts';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import type { RunRequest } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { fileSize } from '../../lib/format.ts';
import { navigate } from '../../lib/navigate.ts';
import { matchesTarget } from '../../lib/targets.ts';
import { ConfirmDirect } from './confirm-direct.tsx';
import { ConfirmRun, type Broadcast } from './confirm-run.tsx';
import { JobLimits } from './job-limits.tsx';
import { NO_LIMITS, readLimits, type LimitsText } from './limits.ts';
import type { JobTemplate } from './job-template.ts';
import { RunOptions, readRunOptions, type RunOptionsText } from './run-options.tsx';
import { RunOnPicker, type RunOnChoice } from './run-on.tsx';
import { sendDirect, sendJob, sendRun, type ZipSource } from './send-job.ts';
import { ZipDrop } from './zip-drop.tsx';

/** Why a zip cannot be sent, before sending it: the coordinator would refuse it after the whole upload. */
export function tooLarge(file: File, maxUploadBytes: number | null): string | null {
  if (maxUploadBytes === null || file.size <= maxUploadBytes) return null;
  return (
    `${file.name} is ${fileSize(file.size)}; this coordinator accepts zips up to ${fileSize(maxUploadBytes)} (--max-upload-mb). ` +
    'Remove build outputs or node_modules from the zip, or restart the coordinator with a larger --max-upload-mb.'
  );
}

/** Why these zips cannot be sent together: each must fit, and a run's zips travel in one upload. */
export function refuseFiles(files: readonly File[], maxUploadBytes: number | null): string | null {
  const notZip = files.find((f) => !/\.zip$/i.test(f.name));
  if (notZip) return `${notZip.name} is not a .zip file; zip the project folder first.`;
  if (files.length > LIMITS.maxRunZips) return `${files.length} zips were dropped; a run takes at most ${LIMITS.maxRunZips}. Split them over several runs.`;
  for (const f of files) {
    const refused = tooLarge(f, maxUploadBytes);
    if (refused) return refused;
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  if (files.length > 1 && maxUploadBytes !== null && total > maxUploadBytes) {
    return `These ${files.length} zips are ${fileSize(total)} together; this coordinator accepts up to ${fileSize(maxUploadBytes)} in one upload (--max-upload-mb). Split them over several runs.`;
  }
  return null;
}

/** A direct run's output as it streams in, how it ended, and the job it is recorded as. */
interface DirectRun {
  log: MemoryLogSource;
  result: string | null;
  jobId: string | null;
}

/** What the form makes: one job, a broadcast (each), one job per zip (map) or a direct run. */
type Kind = 'job' | 'each' | 'map' | 'direct';

function kindOf(files: readonly File[], choice: RunOnChoice): Kind {
  if (files.length > 1) return 'map';
  if (choice.runOn === 'any') return 'job';
  return choice.runOn === 'direct' ? 'direct' : 'each';
}

function targetOf(choice: RunOnChoice): JobTarget | null {
  if (choice.runOn === 'any') return choice.kept ?? null;
  if (choice.runOn === 'tags') return choice.tags.length ? { tags: choice.tags } : null;
  if (choice.runOn === 'workers') return choice.workers.length ? { workers: choice.workers } : null;
  return null;
}

function choiceOf(template: JobTemplate | null): RunOnChoice {
  if (template?.direct) return { runOn: 'direct', tags: [], workers: [] };
  return { runOn: 'any', tags: [], workers: [], kept: template?.target ?? null };
}

export function NewJob({
  workers,
  maxUploadBytes,
  template = null,
}: {
  workers: readonly WorkerDto[];
  maxUploadBytes: number | null;
  /** Run again: the job this form is filled in from. */
  template?: JobTemplate | null;
}) {
  const api = useApi();
  const [files, setFiles] = useState<File[]>([]);
  const [reused, setReused] = useState(template?.zip ?? null);
  const [commands, setCommands] = useState(template?.commands ?? '');
  const [limits, setLimits] = useState<LimitsText>(template?.limits ?? NO_LIMITS);
  const [choice, setChoice] = useState<RunOnChoice>(() => choiceOf(template));
  const [options, setOptions] = useState<RunOptionsText>({ scorePattern: '', maxParallel: '', deadlineHours: '' });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [direct, setDirect] = useState<DirectRun | null>(null);
  const [confirm, setConfirm] = useState<{ broadcast: Broadcast; request: RunRequest } | null>(null);
  const [confirmDirect, setConfirmDirect] = useState(false);
  const directBox = useRef<HTMLDivElement>(null);
  const directLog = direct?.log;
  // Brought into view once as a direct run starts: its output streams below a long form (and xterm draws only what is on screen).
  useEffect(() => {
    if (directLog) directBox.current?.scrollIntoView({ block: 'nearest' });
  }, [directLog]);

  const kind = kindOf(files, choice);
  const target = targetOf(choice);
  const run = kind === 'each' || kind === 'map';
  const zip: ZipSource = { files, reused: files.length === 0 ? reused : null };
  // Tags or PCs to pick, none picked yet: nothing is selected (not every PC).
  const picking = choice.runOn === 'tags' || choice.runOn === 'workers';
  const matching = picking && !target ? [] : workers.filter((w) => matchesTarget(target, w));

  const pick = (picked: File[]) => {
    setError(refuseFiles(picked, maxUploadBytes));
    if (picked.length > 0 && picked.every((f) => /\.zip$/i.test(f.name))) {
      setFiles(picked);
      setReused(null);
    }
    // Several zips make one job each: a broadcast or a direct run takes one zip.
    if (picked.length > 1 && (choice.runOn === 'every' || choice.runOn === 'direct')) setChoice({ ...choice, runOn: 'any' });
  };

  /** The sentence saying what is missing, or null when the form can be sent. */
  const problem = (): string | null => {
    const refused = refuseFiles(files, maxUploadBytes);
    if (refused) return refused;
    if ((kind === 'job' || kind === 'direct') && files.length === 0 && !reused) return 'Choose a zip file first.';
    if (!commands.trim()) return 'Write at least one command, one per line.';
    if (choice.runOn === 'tags' && choice.tags.length === 0) return 'Pick at least one tag: the job goes to PCs that have all the tags picked.';
    if (choice.runOn === 'workers' && choice.workers.length === 0) return 'Pick at least one PC.';
    if (kind === 'each' && matching.length === 0) return 'No worker matches; check the tags on the workers list.';
    return null;
  };

  /** Runs `send` with the progress bar up; a failure becomes the form's error. */
  const sending = async (send: () => Promise<void>) => {
    setProgress(0);
    try {
      await send();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  const create = (request: RunRequest) =>
    sending(async () => {
      const { runId } = await sendRun(api, zip, request, setProgress);
      navigate(`#/runs/${runId}`);
    });

  const runDirect = (limitsRead: { timeoutSeconds?: number }) =>
    sending(async () => {
      const log = new MemoryLogSource('direct-run.log');
      let seq = 0;
      let shown: DirectRun = { log, result: null, jobId: null };
      const show = (patch: Partial<DirectRun>) => setDirect((shown = { ...shown, ...patch }));
      show({});
      await sendDirect(
        api,
        zip,
        { commands, timeoutSeconds: limitsRead.timeoutSeconds },
        {
          onProgress: setProgress,
          onJobId: (jobId) => show({ jobId }),
          onEvent: (e) => {
            switch (e.event) {
              case 'stdout':
              case 'stderr':
                return log.push([{ seq: seq++, stream: e.event, time: Date.now(), data: e.data.data }]);
              case 'exit':
                return show({ result: `Exited with code ${e.data.exitCode}` });
              case 'error':
                return show({ result: e.data.error });
            }
          },
        },
      ).catch((err: unknown) => {
        setDirect(null);
        throw err;
      });
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const missing = problem();
    if (missing) return setError(missing);
    const limitsRead = readLimits(limits);
    if ('error' in limitsRead) return setError(limitsRead.error);
    setError(null);
    if (run) {
      const read = readRunOptions(options, kind);
      if ('error' in read) return setError(read.error);
      const request: RunRequest = { mode: kind, commands, ...(target ? { target } : {}), ...limitsRead, ...read };
      if (kind === 'map') return void create(request);
      const broadcast = {
        count: matching.length,
        offline: matching.filter((w) => w.status === 'offline').length,
        deadlineSeconds: read.deadlineSeconds ?? 24 * 3600,
      };
      return setConfirm({ broadcast, request });
    }
    if (kind === 'direct') return setConfirmDirect(true);
    void sending(async () => navigate(`#/jobs/${await sendJob(api, zip, { commands, target, ...limitsRead }, setProgress)}`));
  };

  const pcs = (n: number) => `${n} ${n === 1 ? 'PC' : 'PCs'}`;
  const label = { job: 'Run on a worker', direct: 'Run here', each: `Run on ${pcs(matching.length)}`, map: `Run ${files.length} zips` }[kind];

  return (
    <form className="card new-job" onSubmit={submit} aria-labelledby="new-job-title">
      <h2 id="new-job-title">{template ? 'Run again' : 'New job'}</h2>
      {template && (
        <p className="muted small" data-testid="from-job">
          Filled in from job{' '}
          <a href={`#/jobs/${template.fromJobId}`} className="mono">
            {template.fromJobId}
          </a>
          : change anything, then run it.
          {template.direct && !template.zip && ' The zip of a run on the coordinator is not kept: choose it again.'}
        </p>
      )}
      <ZipDrop
        files={files}
        onPick={pick}
        optional={kind === 'each'}
        reused={reused && template ? { filename: reused.filename, fromJobId: template.fromJobId } : null}
      />
      <label htmlFor="commands">
        Commands <span className="muted">(one per line, run in order; stops at the first failure)</span>
      </label>
      <textarea
        id="commands"
        rows={5}
        value={commands}
        onChange={(e) => setCommands(e.target.value)}
        placeholder={'npm install\nnpm test'}
        spellCheck={false}
      />
      <JobLimits value={limits} onChange={setLimits} attempts={kind !== 'direct'} />
      <RunOnPicker value={choice} onChange={setChoice} workers={workers} map={kind === 'map'} matching={matching} />
      {run && <RunOptions value={options} onChange={setOptions} each={kind === 'each'} />}
      {progress !== null && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="primary" type="submit" disabled={progress !== null}>
        {progress !== null ? `Uploading ${Math.round(progress * 100)}%` : label}
      </button>
      {direct && (
        <div className="direct" data-testid="direct-run" ref={directBox}>
          <LogView source={direct.log} emptyText="Waiting for output…" label="Direct run output" />
          {direct.result && (
            <p className="muted" data-testid="direct-result">
              {direct.result}
            </p>
          )}
          {direct.jobId && (
            <p className="small">
              Recorded in Jobs as a job of the coordinator:{' '}
              <a href={`#/jobs/${direct.jobId}`} data-testid="direct-job-link">
                open its page
              </a>
            </p>
          )}
        </div>
      )}
      {confirm && (
        <ConfirmRun
          broadcast={confirm.broadcast}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void create(confirm.request);
          }}
        />
      )}
      {confirmDirect && (
        <ConfirmDirect
          onCancel={() => setConfirmDirect(false)}
          onConfirm={() => {
            setConfirmDirect(false);
            const limitsRead = readLimits(limits);
            void runDirect('error' in limitsRead ? {} : limitsRead);
          }}
        />
      )}
    </form>
  );
}
