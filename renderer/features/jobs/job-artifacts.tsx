/**
 * A job's result files: the list (path, size) from the job's full status (the live summary only
 * counts them), one file or all as a zip (fetched with the admin token, then saved), and the junit
 * counts. Read again when the job ends or the count changes.
 */
import { useEffect, useState } from 'react';
import type { ArtifactFile, JobDto, TestCounts } from '../../../shared/api.ts';
import { useApi } from '../../lib/api-context.tsx';
import { fileSize } from '../../lib/format.ts';
import { saveBlob } from '../../lib/save-file.ts';

/** "17/20 tests passed (2 failed, 1 skipped)". */
export function testsText(t: TestCounts): string {
  const more = [t.failed ? `${t.failed} failed` : '', t.skipped ? `${t.skipped} skipped` : ''].filter(Boolean).join(', ');
  return `${t.passed}/${t.total} ${t.total === 1 ? 'test' : 'tests'} passed${more ? ` (${more})` : ''}`;
}

export function JobArtifacts({ job }: { job: Pick<JobDto, 'jobId' | 'status' | 'artifactPatterns' | 'artifactCount'> }) {
  const api = useApi();
  const [files, setFiles] = useState<ArtifactFile[] | null>(null);
  const [tests, setTests] = useState<TestCounts | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const { jobId, status, artifactCount } = job;

  useEffect(() => {
    let current = true;
    api.job(jobId).then(
      (full) => {
        if (!current) return;
        setFiles(full.artifacts ?? []);
        setTests(full.tests ?? null);
      },
      (e: Error) => current && setOutcome(e.message),
    );
    return () => {
      current = false;
    };
  }, [api, jobId, status, artifactCount]);

  const save = async (path?: string) => {
    setOutcome(null);
    try {
      const { blob, fileName } = await api.downloadArtifacts(jobId, path);
      saveBlob(blob, fileName);
    } catch (e) {
      setOutcome((e as Error).message);
    }
  };
  const ended = status !== 'pending' && status !== 'running';

  return (
    <section className="artifacts" data-testid="artifacts" aria-labelledby="artifacts-title">
      <h2 className="section" id="artifacts-title">
        Result files
      </h2>
      <p className="muted small">
        Asked for: <code>{job.artifactPatterns.join(', ')}</code>
      </p>
      {tests && (
        <p data-testid="job-tests" className={tests.failed ? 'error' : 'notice'}>
          {testsText(tests)}
        </p>
      )}
      {files && files.length > 0 ? (
        <ArtifactList files={files} onSave={(path) => void save(path)} />
      ) : (
        <p className="muted small" data-testid="artifacts-empty">
          {!ended
            ? 'The worker sends them when the commands end.'
            : files === null
              ? 'Loading…'
              : artifactCount > 0
                ? 'Loading…'
                : 'No file matched, or the worker has not sent them yet.'}
        </p>
      )}
      {outcome && (
        <p className="error" role="alert">
          {outcome}
        </p>
      )}
    </section>
  );
}

/** Each file to download by itself (`onSave(path)`), and all of them as one zip (`onSave()`). */
function ArtifactList({ files, onSave }: { files: ArtifactFile[]; onSave: (path?: string) => void }) {
  return (
    <>
      <ul className="artifact-list" data-testid="artifact-list">
        {files.map((f) => (
          <li key={f.path} data-path={f.path}>
            <button type="button" className="link mono" title={`Download ${f.path}`} onClick={() => onSave(f.path)}>
              {f.path}
            </button>
            <span className="muted small">{fileSize(f.size)}</span>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary small" onClick={() => onSave()}>
        Download all (zip)
      </button>
    </>
  );
}
