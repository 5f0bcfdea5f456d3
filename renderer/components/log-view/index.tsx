/** The log view, loaded on first use: xterm.js is most of its weight and most dashboard pages never show a log. */
import { lazy, Suspense } from 'react';
import type { LogViewProps } from './log-view.tsx';

const Loaded = lazy(() => import('./log-view.tsx').then((m) => ({ default: m.LogView })));

export function LogView(props: LogViewProps) {
  return (
    <Suspense fallback={<p className="muted">Loading the log viewer…</p>}>
      <Loaded {...props} />
    </Suspense>
  );
}
