/** The Power dialog, loaded when first opened (most visits never open it). */
import { lazy, Suspense } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import './power.css';

const Loaded = lazy(() => import('./power-dialog.tsx').then((m) => ({ default: m.PowerDialog })));

export function PowerDialog(props: { workers: WorkerDto[]; onClose: () => void }) {
  return (
    <Suspense fallback={null}>
      <Loaded {...props} />
    </Suspense>
  );
}
