/** The second "are you sure" of a direct run: the commands run on the coordinator PC itself, not on a lab PC. */
import { Modal } from '../../components/modal.tsx';

export function ConfirmDirect({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal labelledBy="confirm-direct-title" onClose={onCancel} className="confirm-direct">
      <h2 id="confirm-direct-title">Run on the coordinator itself?</h2>
      <p data-testid="confirm-direct-text">
        This runs the commands on the coordinator PC itself, as the account the coordinator runs under, not on a lab PC. A command that deletes files or hangs
        harms the coordinator that every worker depends on. Run only commands you trust here; send anything else to a worker.
      </p>
      <div className="actions end">
        {/* Cancel first: it has the focus, so a stray Enter does not run anything. */}
        <button type="button" className="secondary" onClick={onCancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          Run on the coordinator
        </button>
      </div>
    </Modal>
  );
}
