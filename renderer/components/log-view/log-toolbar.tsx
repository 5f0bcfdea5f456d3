/**
 * Above a job's log: the legend with what its order promises (on request, so a phone keeps the log
 * near the top), find, Timestamps and Download.
 */
import type { SearchAddon } from '@xterm/addon-search';
import { useId, useState } from 'react';
import { LogSearch } from './log-search.tsx';

/**
 * What the order and the times of the lines promise. The worker numbers the chunks in the order it read
 * its two pipes, and a chunk keeps the time of its first read when later reads of the same stream join
 * it (output-pump.ts: for at most a quarter of a second).
 */
export const ORDER_NOTE =
  'stdout and stderr each keep their own order. Between the two, lines show in the order the worker read them, ' +
  'which the program’s own buffering can change: stdout is often buffered when it is not a terminal, stderr is not, ' +
  'so an error may show before output printed earlier. A timestamp is when the worker read the line; ' +
  'lines of one stream read within a quarter of a second may share the first one’s time.';

interface LogToolbarProps {
  search: SearchAddon | null;
  timestamps: boolean;
  onTimestamps: (on: boolean) => void;
  /** Absent: the source has no download. */
  onDownload?: () => void;
  downloading: boolean;
}

export function LogToolbar({ search, timestamps, onTimestamps, onDownload, downloading }: LogToolbarProps) {
  const [aboutOrder, setAboutOrder] = useState(false);
  const noteId = useId();
  return (
    <>
      <div className="log-toolbar">
        <span className="log-key">
          <span className="legend" aria-label="stdout in the normal colour, stderr in red">
            <span className="stdout">stdout</span> <span className="stderr">stderr</span>
          </span>
          <button
            type="button"
            className="link log-about"
            aria-expanded={aboutOrder}
            aria-controls={noteId}
            data-testid="log-order-toggle"
            onClick={() => setAboutOrder(!aboutOrder)}
          >
            About the order
          </button>
        </span>
        <LogSearch search={search} />
        <button
          type="button"
          className={`secondary small ${timestamps ? 'active' : ''}`}
          aria-pressed={timestamps}
          data-testid="log-timestamps"
          onClick={() => onTimestamps(!timestamps)}
        >
          Timestamps
        </button>
        {onDownload && (
          <button type="button" className="secondary small" data-testid="log-download" disabled={downloading} onClick={onDownload}>
            {downloading ? 'Downloading…' : 'Download'}
          </button>
        )}
      </div>
      <p id={noteId} className="log-order muted" data-testid="log-order" hidden={!aboutOrder}>
        {ORDER_NOTE}
      </p>
    </>
  );
}
