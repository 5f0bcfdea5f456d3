/** The gradebook, loaded with the first graded run shown: its table, dialogs and similarity view are weight most runs never need. */
import { lazy, Suspense, type ComponentProps } from 'react';

const Loaded = lazy(() => import('./gradebook.tsx').then((m) => ({ default: m.Gradebook })));

export function Gradebook(props: ComponentProps<typeof Loaded>) {
  return (
    <Suspense fallback={<p className="muted">Loading the gradebook…</p>}>
      <Loaded {...props} />
    </Suspense>
  );
}
