/** Re-run every student with new hidden tests: a dialog taking the new tests' zip, uploaded with its progress shown. */
import { useState } from 'react';
import { Modal } from '../../components/modal.tsx';

export function RerunTestsDialog({
  students,
  onRerun,
  onClose,
}: {
  students: number;
  /** Rejects with the sentence to show. */
  onRerun: (tests: File, onProgress: (fraction: number) => void) => Promise<void>;
  onClose: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    if (!file) return setError('Choose the new hidden tests (a .zip) first.');
    if (!/\.zip$/i.test(file.name)) return setError(`${file.name} is not a .zip file.`);
    setError(null);
    setProgress(0);
    try {
      await onRerun(file, setProgress);
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setProgress(null);
    }
  };
  const everyone = `${students} ${students === 1 ? 'student' : 'students'}`;
  return (
    <Modal labelledBy="rerun-tests-title" onClose={onClose} className="rerun-tests" testId="rerun-tests-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <h2 id="rerun-tests-title">Re-run all with new hidden tests</h2>
        <p>
          A new run, linked to this one, runs the zips of all {everyone} again with these tests in place of the old ones; the gradebook then shows its results.
        </p>
        <label htmlFor="new-hidden-tests">New hidden tests (a .zip)</label>
        <input id="new-hidden-tests" type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions end">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={progress !== null}>
            {progress !== null ? `Uploading ${Math.round(progress * 100)}%` : `Re-run ${everyone}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
