/** Before a broadcast: how many PCs it reaches and how many of them are offline (their jobs wait). */
import { Modal } from '../../components/modal.tsx';

export interface Broadcast {
  count: number;
  offline: number;
  deadlineSeconds: number;
}

/** "24 h", "90 min": how long an offline PC's job waits. */
export function waitText(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

export function ConfirmRun({ broadcast, onConfirm, onCancel }: { broadcast: Broadcast; onConfirm: () => void; onCancel: () => void }) {
  const { count, offline } = broadcast;
  const pcs = `${count} ${count === 1 ? 'PC' : 'PCs'}`;
  return (
    <Modal labelledBy="confirm-run-title" onClose={onCancel} className="confirm-run">
      <h2 id="confirm-run-title">Run on {pcs}?</h2>
      <p data-testid="confirm-offline">
        {offline === 0
          ? count === 1
            ? 'It is online.'
            : `All ${count} are online.`
          : `${offline} ${offline === 1 ? 'is' : 'are'} offline; ${offline === 1 ? 'its job waits' : 'their jobs wait'} up to ${waitText(broadcast.deadlineSeconds)}.`}
      </p>
      <div className="actions end">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm} data-autofocus>
          Run on {pcs}
        </button>
      </div>
    </Modal>
  );
}
