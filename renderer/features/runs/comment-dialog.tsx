/** A student's comment: written in a dialog, saved (or removed) with POST /api/runs/comment; feedback and exports carry it. */
import { useState } from 'react';
import { GRADING_LIMITS } from '../../../shared/grading.ts';
import { Modal } from '../../components/modal.tsx';

export function CommentDialog({
  student,
  comment,
  onSave,
  onClose,
}: {
  student: string;
  comment: string | null;
  /** Rejects with the sentence to show. */
  onSave: (comment: string | null) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState(comment ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (next: string | null) => {
    setSaving(true);
    try {
      await onSave(next);
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };
  return (
    <Modal labelledBy="comment-title" onClose={onClose} className="comment-dialog" testId="comment-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(text.trim() || null);
        }}
      >
        <h2 id="comment-title">Comment for {student}</h2>
        <label htmlFor="comment-text">Comment</label>
        <textarea
          id="comment-text"
          rows={6}
          value={text}
          maxLength={GRADING_LIMITS.maxCommentLength}
          onChange={(e) => setText(e.target.value)}
          aria-describedby="comment-hint"
        />
        <p id="comment-hint" className="muted small">
          The student reads it in their feedback file, and Moodle&apos;s import takes it as the grade&apos;s feedback.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions end">
          {comment && (
            <button type="button" className="secondary" disabled={saving} onClick={() => void save(null)}>
              Remove the comment
            </button>
          )}
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
