/** A run's re-runs: the link back to the run it repeats, the links to its re-runs, and the question before making one. */
import { useState } from 'react';
import type { RunStatusDto } from '../../../shared/api.ts';
import { Modal } from '../../components/modal.tsx';

/** "Re-run of run-…" and "Re-runs: run-…, run-…": one class's results, however often re-run, stay linked. */
export function RunLineage({ status }: { status: RunStatusDto }) {
  if (!status.rerunOf && status.reruns.length === 0) return null;
  return (
    <p className="small run-lineage" data-testid="run-lineage">
      {status.rerunOf && (
        <span>
          Re-run of{' '}
          <a href={`#/runs/${status.rerunOf}`} className="mono" data-testid="rerun-of">
            {status.rerunOf}
          </a>
          {status.reruns.length > 0 && ' · '}
        </span>
      )}
      {status.reruns.length > 0 && (
        <span>
          Re-run as{' '}
          {status.reruns.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <a href={`#/runs/${id}`} className="mono" data-testid="rerun">
                {id}
              </a>
            </span>
          ))}{' '}
          (each PC&apos;s or zip&apos;s latest result is shown below)
        </span>
      )}
    </p>
  );
}

/** "Re-run failed" asks first: a new run is made, linked to this one. */
export function RerunFailedButton({ failed, busy, onConfirm }: { failed: number; busy: boolean; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  const jobs = `${failed} failed ${failed === 1 ? 'job' : 'jobs'}`;
  return (
    <>
      <button className="secondary" disabled={busy} onClick={() => setAsking(true)}>
        Re-run failed
      </button>
      {asking && (
        <Modal labelledBy="confirm-rerun-title" onClose={() => setAsking(false)} className="confirm-rerun">
          <h2 id="confirm-rerun-title">Re-run the {jobs}?</h2>
          <p data-testid="confirm-rerun-text">
            A new run repeats them on the same PCs (or zips), linked to this one: this page links to it, and it links back here.
          </p>
          <div className="actions end">
            <button type="button" className="secondary" onClick={() => setAsking(false)} data-autofocus>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => {
                setAsking(false);
                onConfirm();
              }}
            >
              Re-run {jobs}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

/** Whether the tiles and counts show each job's newest attempt (from the re-runs) or this run's own attempts. */
export function LatestChoice({ latest, reRun, onChange }: { latest: boolean; reRun: number; onChange: (latest: boolean) => void }) {
  return (
    <div className="toolbar latest-choice" role="group" aria-label="Which attempts to show" data-testid="latest-choice">
      <button className={`chip ${latest ? 'active' : ''}`} aria-pressed={latest} onClick={() => onChange(true)}>
        Latest results ({reRun} re-run)
      </button>
      <button className={`chip ${latest ? '' : 'active'}`} aria-pressed={!latest} onClick={() => onChange(false)}>
        This run&apos;s attempts
      </button>
    </div>
  );
}
