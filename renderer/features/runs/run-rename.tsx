/** Naming a run from its page: a dialog with the name, Save, and Remove the name. */
import { useState } from 'react';
import { LIMITS } from '../../../shared/api.ts';
import { Modal } from '../../components/modal.tsx';

export function RenameRunButton({ name, busy, onSave }: { name: string | null; busy: boolean; onSave: (name: string | null) => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(name ?? '');
  const save = (next: string | null) => {
    setEditing(false);
    onSave(next);
  };
  return (
    <>
      <button
        className="secondary"
        disabled={busy}
        data-testid="run-rename"
        onClick={() => {
          setText(name ?? '');
          setEditing(true);
        }}
      >
        {name ? 'Rename' : 'Name this run'}
      </button>
      {editing && (
        <Modal labelledBy="rename-run-title" onClose={() => setEditing(false)} className="rename-run">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save(text.trim() || null);
            }}
          >
            <h2 id="rename-run-title">{name ? 'Rename the run' : 'Name the run'}</h2>
            <label htmlFor="rename-run-name">Name</label>
            <input
              id="rename-run-name"
              type="text"
              value={text}
              maxLength={LIMITS.runNameLength}
              onChange={(e) => setText(e.target.value)}
              placeholder="e.g. Lab 3 - sorting"
            />
            <p className="muted small">Its exports are then called &quot;{text.trim() || 'name'} (date).csv&quot;.</p>
            <div className="actions end">
              {name && (
                <button type="button" className="secondary" onClick={() => save(null)}>
                  Remove the name
                </button>
              )}
              <button type="button" className="secondary" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={!text.trim()}>
                Save
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}
