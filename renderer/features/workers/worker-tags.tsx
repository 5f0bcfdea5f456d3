/** A worker's tags, and an inline editor for the admin (comma-separated, checked with the coordinator's own rules). */
import { useState, type FormEvent } from 'react';
import { parseTagList, type WorkerDto } from '../../../shared/api.ts';
import { Icon } from '../../components/icons.tsx';
import { TagChips } from '../../components/tag-chips.tsx';
import { useCan } from '../../lib/session-context.tsx';
import { displayName } from '../../lib/targets.ts';

export function WorkerTags({ worker, onSave }: { worker: WorkerDto; onSave: (workerId: string, tags: string[]) => Promise<void> }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tags = worker.tags ?? [];
  const name = displayName(worker);
  const edits = useCan('postWorkersTags');

  if (editing === null) {
    return (
      <div className="worker-tags">
        <TagChips tags={tags} />
        {edits && (
          <button className="link small" aria-label={`Edit the tags of ${name}`} title="Edit the tags" onClick={() => setEditing(tags.join(', '))}>
            <Icon name="pencil" />
          </button>
        )}
      </div>
    );
  }

  const save = async (e: FormEvent) => {
    e.preventDefault();
    let next: string[];
    try {
      next = parseTagList(editing);
    } catch (err) {
      return setError((err as Error).message);
    }
    setBusy(true);
    try {
      await onSave(worker.workerId, next);
      setEditing(null);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="tag-editor" onSubmit={(e) => void save(e)} aria-label={`Tags of ${name}`}>
      <input
        type="text"
        value={editing}
        onChange={(e) => setEditing(e.target.value)}
        placeholder="room-b, gpu"
        aria-label={`Tags of ${name}, separated by commas`}
        autoFocus
        onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}
      />
      <div className="actions">
        <button className="primary small" type="submit" disabled={busy}>
          Save
        </button>
        <button
          className="secondary small"
          type="button"
          disabled={busy}
          onClick={() => {
            setEditing(null);
            setError(null);
          }}
        >
          Cancel
        </button>
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
