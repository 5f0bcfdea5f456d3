/**
 * A job's log in a terminal: stdout and stderr interleaved in order (stderr red), terminal semantics
 * (`\r` redraws, cursor codes, 256 and true colour), the tail first with older pages on scrolling up,
 * following while at the end, find with a match count, timestamps, a download, and what its order promises.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Icon } from '../icons.tsx';
import type { LogSource } from './log-source.ts';
import { LogToolbar } from './log-toolbar.tsx';
import { LogViewStore } from './log-view-store.ts';

export interface LogViewProps {
  source: LogSource;
  /** What the empty log says ("The job has not started yet."). */
  emptyText: string;
  label?: string;
}

/** The log as a file (the source's download), and how that went. */
function useDownload(source: LogSource): { download: () => Promise<void>; downloading: boolean; downloadError: string | null } {
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      await source.download?.();
    } catch (e) {
      setDownloadError((e as Error).message);
    } finally {
      setDownloading(false);
    }
  };
  return { download, downloading, downloadError };
}

export function LogView({ source, emptyText, label = 'Job output' }: LogViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const [store] = useState(() => new LogViewStore());
  const { state, controller, search } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { download, downloading, downloadError } = useDownload(source);

  useEffect(() => store.attach(box.current!, source), [store, source]);

  const showJump = state.phase === 'ready' && (!state.atBottom || state.newerHidden);
  const overlay = state.phase === 'loading' && state.empty ? 'Loading output…' : state.phase === 'ready' && state.empty ? emptyText : null;

  return (
    <section className="log-view" data-testid="log-view" aria-label={label}>
      <LogToolbar
        search={search}
        timestamps={state.timestamps}
        onTimestamps={(on) => controller?.setTimestamps(on)}
        onDownload={source.download && (() => void download())}
        downloading={downloading}
      />
      {(state.older || state.loadingOlder) && (
        <button type="button" className="log-older" data-testid="log-older" disabled={state.loadingOlder} onClick={() => void controller?.loadOlder()}>
          {state.loadingOlder ? (
            'Loading older output…'
          ) : (
            <>
              <Icon name="up" /> Older output: scroll up or click to load it
            </>
          )}
        </button>
      )}
      <div className="log-screen">
        <div className="log-terminal" ref={box} data-testid="log-terminal" />
        {overlay && (
          <p className="log-empty muted" data-testid="log-empty">
            {overlay}
          </p>
        )}
        {showJump && (
          <button type="button" className="log-jump" data-testid="log-jump-end" onClick={() => controller?.jumpToEnd()}>
            <Icon name="down" /> {state.newerHidden ? 'Newer output not shown: jump to end' : 'Jump to end'}
          </button>
        )}
      </div>
      {(state.error ?? downloadError) && (
        <p className="error" role="alert">
          {state.error ?? downloadError}{' '}
          {state.phase === 'error' && (
            <button type="button" className="link" onClick={() => void controller?.open()}>
              Try again
            </button>
          )}
        </p>
      )}
    </section>
  );
}
