/** The Saved commands page, loaded on first visit: its forms and dialogs are weight most dashboard visits never need. */
import { lazy, Suspense } from 'react';

const Loaded = lazy(() => import('./templates-page.tsx').then((m) => ({ default: m.TemplatesPage })));

export function TemplatesPage(props: { editId: string | null; now: number }) {
  return (
    <Suspense
      fallback={
        <main className="page">
          <p className="muted">Loading…</p>
        </main>
      }
    >
      <Loaded {...props} />
    </Suspense>
  );
}
