/** Before a broadcast: how many PCs it reaches, and which of them will not start at once (offline, or in use by a student): their jobs wait. */
import { Modal } from '../../components/modal.tsx';
import { broadcastText, pcCount, type Broadcast } from './broadcast-words.ts';

export type { Broadcast } from './broadcast-words.ts';

export function ConfirmRun({ broadcast, onConfirm, onCancel }: { broadcast: Broadcast; onConfirm: () => void; onCancel: () => void }) {
  const pcs = pcCount(broadcast.count);
  return (
    <Modal labelledBy="confirm-run-title" onClose={onCancel} className="confirm-run">
      <h2 id="confirm-run-title">Run on {pcs}?</h2>
      <p data-testid="confirm-offline">{broadcastText(broadcast)}</p>
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
