/** `#/new?from=<jobId>`: the new-job form on its own page, filled in from a job (Run again); `#/new`: empty. */
import { useEffect, useState } from 'react';
import type { JobDto, WorkerDto } from '../../../shared/api.ts';
import { Icon } from '../../components/icons.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { templateOf } from './job-template.ts';
import { NewJob } from './new-job.tsx';

export function NewJobPage({ fromJobId, workers, maxUploadBytes }: { fromJobId: string | null; workers: readonly WorkerDto[]; maxUploadBytes: number | null }) {
  const api = useApi();
  const [job, setJob] = useState<{ id: string; job: JobDto } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!fromJobId) return;
    api.job(fromJobId).then(
      (j) => setJob({ id: fromJobId, job: j }),
      (e: Error) => setError(e.message),
    );
  }, [api, fromJobId]);
  const loaded = fromJobId && job?.id === fromJobId ? job.job : null;

  return (
    <main className="page new-job-page">
      <a href={fromJobId ? `#/jobs/${fromJobId}` : '#/'} className="back">
        <Icon name="back" /> {fromJobId ? 'Back to the job' : 'All jobs'}
      </a>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : fromJobId && !loaded ? (
        <p className="muted">Loading…</p>
      ) : (
        <NewJob key={fromJobId ?? 'new'} workers={workers} maxUploadBytes={maxUploadBytes} template={loaded ? templateOf(loaded) : null} Title="h1" />
      )}
    </main>
  );
}
