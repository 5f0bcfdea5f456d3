/** The drop zone: one zip (a job, or the zip every PC of a run gets) or several (one job per zip). */
import { useRef, useState, type DragEvent } from 'react';
import { fileSize } from '../../lib/format.ts';

const LISTED = 5;

export function ZipDrop({
  files,
  onPick,
  optional,
  reused,
}: {
  files: readonly File[];
  onPick: (files: File[]) => void;
  optional: boolean;
  /** The zip the coordinator keeps from the job this form comes from: used again unless another is chosen. */
  reused?: { filename: string; fromJobId: string } | null;
}) {
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    onPick([...e.dataTransfer.files]);
  };
  const total = files.reduce((n, f) => n + f.size, 0);

  return (
    <div
      className={`drop ${dragging ? 'over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      onClick={() => input.current?.click()}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
      role="button"
      tabIndex={0}
      // Named by its content, so the name holds the words shown (WCAG 2.5.3), after what it does for a screen reader.
      data-testid="zip-drop"
    >
      <span className="visually-hidden">Choose zip files: </span>
      {files.length === 1 ? (
        <span>
          <strong>{files[0]!.name}</strong> <span className="muted">({fileSize(files[0]!.size)})</span>
        </span>
      ) : files.length > 1 ? (
        <span data-testid="zip-list">
          <strong>{files.length} zips</strong> <span className="muted">({fileSize(total)}): one job per zip</span>
          <span className="zip-names small muted">
            {files
              .slice(0, LISTED)
              .map((f) => f.name)
              .join(', ')}
            {files.length > LISTED && ` and ${files.length - LISTED} more`}
          </span>
        </span>
      ) : reused ? (
        <span data-testid="zip-reused">
          <strong>{reused.filename}</strong> <span className="muted">(the same zip as before)</span>
          <span className="zip-names small muted">Drop another .zip here, or click to choose one, to run that instead.</span>
        </span>
      ) : (
        <span>
          Drop a project <strong>.zip</strong> here, or click to choose
          <span className="zip-names small muted">
            {optional ? 'Optional for a run: without a zip the commands run in an empty folder. ' : ''}Several zips: one job per zip.
          </span>
        </span>
      )}
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        multiple
        hidden
        data-testid="zip-input"
        onChange={(e) => onPick([...(e.target.files ?? [])])}
      />
    </div>
  );
}
