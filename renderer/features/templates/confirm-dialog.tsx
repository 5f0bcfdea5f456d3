/** Asks before a delete: the question, what follows, and the coordinator's sentence when it refuses (a schedule still runs the command). */
import { useState, type ReactNode } from 'react';
import { Modal } from '../../components/modal.tsx';

export function ConfirmDialog({
  title,
  children,
  confirm,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  /** The button's words, e.g. "Delete". */
  confirm: string;
  /** Resolves once done (the dialog closes); a rejection's sentence is shown in the dialog. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="confirm-title" onClose={onClose} testId="confirm-dialog">
      <h2 id="confirm-title">{title}</h2>
      <div className="muted">{children}</div>
      {error && (
        <p className="error" role="alert" data-testid="confirm-error">
          {error}
        </p>
      )}
      <div className="actions end">
        <button className="secondary" onClick={onClose} data-autofocus>
          Keep it
        </button>
        <button className="danger" disabled={busy} onClick={() => void go()}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
