/** The Manage dialog's Power section: Wake an offline PC; shut down, restart or log off one that is on (asked first). */
import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { POWER_ACTIONS, powerActionWords, type PowerAction } from '../../../shared/wake.ts';
import { displayName } from '../../lib/targets.ts';
import { PowerConfirm } from './power-confirm.tsx';
import type { WorkerActions } from './worker-dialog.tsx';

type Act = (what: () => Promise<string>) => Promise<void>;

export function WorkerPower({ worker, busy, actions, act }: { worker: WorkerDto; busy: boolean; actions: WorkerActions; act: Act }) {
  const name = displayName(worker);
  const [asking, setAsking] = useState<PowerAction | null>(null);
  if (worker.status === 'offline')
    return (
      <section className="manage-section">
        <h3>Power</h3>
        <p className="small muted">
          {worker.interfaces.length
            ? 'Wake it with a magic packet (Wake-on-LAN), sent by the coordinator or by an online PC on its network.'
            : 'It never reported a network card, so it cannot be woken from here.'}
        </p>
        <button className="secondary small" disabled={busy} onClick={() => void act(() => actions.wake([worker.workerId]))}>
          {busy ? 'Waking…' : `Wake ${name}`}
        </button>
      </section>
    );
  if (asking)
    return (
      <PowerConfirm
        action={asking}
        workers={[worker]}
        busy={busy}
        onCancel={() => setAsking(null)}
        onConfirm={(delay, force) => void act(() => actions.power([worker.workerId], asking, delay, force)).then(() => setAsking(null))}
      />
    );
  return (
    <section className="manage-section">
      <h3>Power</h3>
      <div className="actions">
        {POWER_ACTIONS.map((action) => (
          <button key={action} className="secondary small" disabled={busy} onClick={() => setAsking(action)}>
            {powerActionWords(action).replace(/^./, (c) => c.toUpperCase())}…
          </button>
        ))}
      </div>
    </section>
  );
}
