/**
 * Drop zips, write the commands, choose where they run: one job on any free PC, a run on every PC (or
 * those with tags, or named ones), one job per zip when several are dropped, or here on the coordinator.
 * Uploads with progress, then goes to the job's or the run's page.
 */
import { useState, type FormEvent } from 'react';
import { LIMITS, type JobTarget, type WorkerDto } from '../../../shared/api.ts';
import { LogView } from '../../components/log-view/index.tsx';
import { MemoryLogSource } from '../../components/log-view/memory-source.ts';
import type { CoordinatorApi, RunRequest } from '../../lib/api.ts';
import { fileSize } from '../../lib/format.ts';
import { navigate } from '../../lib/navigate.ts';
import { matchesTarget } from '../../lib/targets.ts';
import { ConfirmRun, type Broadcast } from './confirm-run.tsx';
import { RunOptions, readRunOptions, type RunOptionsText } from './run-options.tsx';
import { RunOnPicker, type RunOnChoice } from './run-on.tsx';
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

/** A direct run's output as it streams in, and how it ended. */
interface DirectRun {
  log: MemoryLogSource;
  result: string | null;
}

/** What the form makes: one job, a broadcast (each), one job per zip (map) or a direct run. */
type Kind = 'job' | 'each' | 'map' | 'direct';

function kindOf(files: readonly File[], choice: RunOnChoice): Kind {
  if (files.length > 1) return 'map';
  if (choice.runOn === 'any') return 'job';
  return choice.runOn === 'direct' ? 'direct' : 'each';
}

function targetOf(choice: RunOnChoice): JobTarget | null {
  if (choice.runOn === 'tags') return choice.tags.length ? { tags: choice.tags } : null;
  if (choice.runOn === 'workers') return choice.workers.length ? { workers: choice.workers } : null;
  return null;
}

export function NewJob({ api, workers, maxUploadBytes }: { api: CoordinatorApi; workers: readonly WorkerDto[]; maxUploadBytes: number | null }) {
  const [files, setFiles] = useState<File[]>([]);
  const [commands, setCommands] = useState('');
  const [choice, setChoice] = useState<RunOnChoice>({ runOn: 'any', tags: [], workers: [] });
  const [options, setOptions] = useState<RunOptionsText>({ scorePattern: '', maxParallel: '', deadlineHours: '' });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [direct, setDirect] = useState<DirectRun | null>(null);
  const [confirm, setConfirm] = useState<{ broadcast: Broadcast; request: RunRequest } | null>(null);

  const kind = kindOf(files, choice);
  const target = targetOf(choice);
  const run = kind === 'each' || kind === 'map';
  // Tags or PCs to pick, none picked yet: nothing is selected (not every PC).
  const picking = choice.runOn === 'tags' || choice.runOn === 'workers';
  const matching = picking && !target ? [] : workers.filter((w) => matchesTarget(target, w));

  const pick = (picked: File[]) => {
    setError(refuseFiles(picked, maxUploadBytes));
    if (picked.length > 0 && picked.every((f) => /\.zip$/i.test(f.name))) setFiles(picked);
    // Several zips make one job each: a broadcast or a direct run takes one zip.
    if (picked.length > 1 && (choice.runOn === 'every' || choice.runOn === 'direct')) setChoice({ ...choice, runOn: 'any' });
  };

  /** The sentence saying what is missing, or null when the form can be sent. */
  const problem = (): string | null => {
    const refused = refuseFiles(files, maxUploadBytes);
    if (refused) return refused;
    if ((kind === 'job' || kind === 'direct') && files.length === 0) return 'Choose a zip file first.';
    if (!commands.trim()) return 'Write at least one command, one per line.';
    if (choice.runOn === 'tags' && choice.tags.length === 0) return 'Pick at least one tag: the job goes to PCs that have all the tags picked.';
    if (choice.runOn === 'workers' && choice.workers.length === 0) return 'Pick at least one PC.';
    if (kind === 'each' && matching.length === 0) return 'No worker matches; check the tags on the workers list.';
    return null;
  };

  const create = async (request: RunRequest) => {
    setProgress(0);
    try {
      const { runId } = await api.createRun(request, files, setProgress);
      navigate(`#/runs/${runId}`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing = problem();
    if (missing) return setError(missing);
    setError(null);
    if (run) {
      const read = readRunOptions(options, kind);
      if ('error' in read) return setError(read.error);
      const request: RunRequest = { mode: kind, commands, ...(target ? { target } : {}), ...read };
      if (kind === 'map') return create(request);
      const broadcast = {
        count: matching.length,
        offline: matching.filter((w) => w.status === 'offline').length,
        deadlineSeconds: read.deadlineSeconds ?? 24 * 3600,
      };
      return setConfirm({ broadcast, request });
    }
    const file = files[0]!;
    setProgress(0);
    try {
      if (kind === 'direct') {
        const log = new MemoryLogSource('direct-run.log');
        let seq = 0;
        setDirect({ log, result: null });
        await api.submit(file, commands, setProgress, {
          mode: 'direct',
          onEvent: (e) => {
            switch (e.event) {
              case 'stdout':
              case 'stderr':
                return log.push([{ seq: seq++, stream: e.event, time: Date.now(), data: e.data.data }]);
              case 'exit':
                return setDirect({ log, result: `Exited with code ${e.data.exitCode}` });
              case 'error':
                return setDirect({ log, result: e.data.error });
            }
          },
        });
        return;
      }
      const { jobId } = await api.submit(file, commands, setProgress);
      navigate(`#/jobs/${jobId}`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  };

  const pcs = (n: number) => `${n} ${n === 1 ? 'PC' : 'PCs'}`;
  const label = { job: 'Run on a worker', direct: 'Run here', each: `Run on ${pcs(matching.length)}`, map: `Run ${files.length} zips` }[kind];

  return (
    <form className="card new-job" onSubmit={(e) => void submit(e)} aria-labelledby="new-job-title">
      <h2 id="new-job-title">New job</h2>
      <ZipDrop files={files} onPick={pick} optional={kind === 'each'} />
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
        <div className="direct">
          <LogView source={direct.log} emptyText="Waiting for output…" label="Direct run output" />
          {direct.result && <p className="muted">{direct.result}</p>}
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
    </form>
  );
}
