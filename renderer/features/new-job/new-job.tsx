/**
 * Drop zips, write the commands, set the time limit and attempts, choose where they run: one job on
 * any free PC, a run on every PC (or those with tags, or named ones), one job per zip when several
 * are dropped, or here on the coordinator (after a second confirmation). Filled in from a job by Run
 * again, its zip used again by its fileUrl. Uploads with progress, then goes to the job's or run's page.
 */
import { useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import type { RunParts, RunRequest } from '../../lib/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { navigate } from '../../lib/navigate.ts';
import { ConfirmDirect } from './confirm-direct.tsx';
import { ConfirmRun, type Broadcast } from './confirm-run.tsx';
import { DirectRunOutput, useDirectRun } from './direct-run.tsx';
import { GradingSection } from './grading-section.tsx';
import { JobFields } from './job-fields.tsx';
import type { JobTemplate } from './job-template.ts';
import { readLimits } from './limits.ts';
import { draftOf, kindOf, matchingWorkers, planSend, sendLabel, zipOf, type NewJobDraft } from './new-job-form.ts';
import { RunOptions } from './run-options.tsx';
import { RunOnPicker } from './run-on.tsx';
import { sendJob, sendRun } from './send-job.ts';
import { useUpload } from './use-upload.ts';
import { ZipDrop } from './zip-drop.tsx';
import { refuseFiles } from './zip-rules.ts';

export function NewJob({
  workers,
  maxUploadBytes,
  template = null,
  Title = 'h2',
}: {
  workers: readonly WorkerDto[];
  maxUploadBytes: number | null;
  /** Run again: the job this form is filled in from. */
  template?: JobTemplate | null;
  /** h1 where the form is the page (#/new), h2 beside the lists. */
  Title?: 'h1' | 'h2';
}) {
  const api = useApi();
  const [draft, setDraft] = useState<NewJobDraft>(() => draftOf(template));
  const update = (patch: Partial<NewJobDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [confirm, setConfirm] = useState<{ broadcast: Broadcast; request: RunRequest } | null>(null);
  const [confirmDirect, setConfirmDirect] = useState(false);
  const upload = useUpload();
  const { direct, box, start } = useDirectRun(upload);
  const kind = kindOf(draft.files, draft.choice);
  const matching = matchingWorkers(workers, draft.choice);
  const zip = zipOf(draft);

  const pick = (picked: File[]) => {
    upload.setError(refuseFiles(picked, maxUploadBytes));
    if (picked.length > 0 && picked.every((f) => /\.zip$/i.test(f.name))) update({ files: picked, reused: null });
    // Several zips make one job each: a broadcast or a direct run takes one zip.
    if (picked.length > 1 && (draft.choice.runOn === 'every' || draft.choice.runOn === 'direct')) update({ choice: { ...draft.choice, runOn: 'any' } });
  };
  const create = (request: RunRequest, parts?: RunParts) =>
    upload.sending(async () => navigate(`#/runs/${(await sendRun(api, zip, request, upload.setProgress, parts)).runId}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const plan = planSend(draft, workers, maxUploadBytes);
    if ('error' in plan) return upload.setError(plan.error);
    upload.setError(null);
    if ('confirm' in plan) return setConfirm({ broadcast: plan.confirm, request: plan.run });
    if ('run' in plan) return void create(plan.run, plan.parts);
    if ('confirmDirect' in plan) return setConfirmDirect(true);
    void upload.sending(async () => navigate(`#/jobs/${await sendJob(api, zip, plan.job, upload.setProgress)}`));
  };
  const runDirect = () => {
    setConfirmDirect(false);
    const limits = readLimits(draft.limits);
    void start(zip, { commands: draft.commands, timeoutSeconds: 'error' in limits ? undefined : limits.timeoutSeconds, shell: draft.shell });
  };

  return (
    <form className="card new-job" onSubmit={submit} aria-labelledby="new-job-title">
      <Title id="new-job-title">{template ? 'Run again' : 'New job'}</Title>
      {template && <FromJob template={template} />}
      <ZipDrop
        files={draft.files}
        onPick={pick}
        optional={kind === 'each'}
        reused={draft.reused && template ? { filename: draft.reused.filename, fromJobId: template.fromJobId } : null}
      />
      <JobFields draft={draft} update={update} direct={kind === 'direct'} />
      <RunOnPicker value={draft.choice} onChange={(choice) => update({ choice })} workers={workers} map={kind === 'map'} matching={matching} />
      {(kind === 'each' || kind === 'map') && <RunOptions value={draft.options} onChange={(options) => update({ options })} each={kind === 'each'} />}
      {kind === 'map' && <GradingSection value={draft.grading} onChange={(grading) => update({ grading })} />}
      <SendControls progress={upload.progress} error={upload.error} label={sendLabel(kind, matching.length, draft.files.length)} />
      {direct && <DirectRunOutput run={direct} box={box} />}
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
      {confirmDirect && <ConfirmDirect onCancel={() => setConfirmDirect(false)} onConfirm={runDirect} />}
    </form>
  );
}

/** Run again: which job the form was filled in from, and that a direct run's zip must be chosen again. */
function FromJob({ template }: { template: JobTemplate }) {
  return (
    <p className="muted small" data-testid="from-job">
      Filled in from job{' '}
      <a href={`#/jobs/${template.fromJobId}`} className="mono">
        {template.fromJobId}
      </a>
      : change anything, then run it.
      {template.direct && !template.zip && ' The zip of a run on the coordinator is not kept: choose it again.'}
    </p>
  );
}

/** The upload's progress bar while sending, the form's error, and the submit button (which shows the progress). */
function SendControls({ progress, error, label }: { progress: number | null; error: string | null; label: string }) {
  return (
    <>
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
    </>
  );
}
