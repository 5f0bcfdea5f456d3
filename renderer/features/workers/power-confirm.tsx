/** Asks before a shutdown, restart or log-off: when (the person at the PC is told), whether to force it, and who is using a chosen PC or is offline. */
import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { powerActionWords, type PowerAction } from '../../../shared/wake.ts';
import { displayName, listWords } from '../../lib/targets.ts';

const DELAYS: { seconds: number; words: string }[] = [
  { seconds: 0, words: 'Now' },
  { seconds: 60, words: 'In 1 minute' },
  { seconds: 300, words: 'In 5 minutes' },
  { seconds: 600, words: 'In 10 minutes' },
  { seconds: 1800, words: 'In 30 minutes' },
];

const names = (workers: readonly WorkerDto[]) => (workers.length <= 3 ? listWords(workers.map(displayName)) : `${workers.length} of them`);

interface PowerConfirmProps {
  action: PowerAction;
  /** The PCs chosen. */
  workers: readonly WorkerDto[];
  busy: boolean;
  onConfirm: (delaySeconds: number, force: boolean) => void;
  onCancel: () => void;
}

export function PowerConfirm({ action, workers, busy, onConfirm, onCancel }: PowerConfirmProps) {
  const [delay, setDelay] = useState(300);
  const [force, setForce] = useState(false);
  const verb = powerActionWords(action);
  const online = workers.filter((w) => w.status !== 'offline');
  const inUse = online.filter((w) => w.inUse);
  const offline = workers.filter((w) => w.status === 'offline');
  const title = `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${online.length === 1 ? displayName(online[0]!) : `${online.length} PCs`}?`;
  return (
    <section className="manage-section power-confirm" aria-labelledby="power-confirm-title" data-testid="power-confirm">
      <h3 id="power-confirm-title">{title}</h3>
      <p className="small" data-testid="power-in-use">
        {inUse.length === 0
          ? `Nobody was using ${online.length === 1 ? 'it at its' : 'them at their'} last heartbeat.`
          : `Someone is using ${names(inUse)}: ${inUse.length === 1 ? 'it is' : 'they are'} skipped unless you force it.`}
        {offline.length > 0 && ` ${names(offline)} ${offline.length === 1 ? 'is' : 'are'} offline: nothing to tell.`}
      </p>
      <label htmlFor="power-delay">When</label>
      <select id="power-delay" value={delay} onChange={(e) => setDelay(Number(e.target.value))} aria-describedby="power-delay-hint">
        {DELAYS.map(({ seconds, words }) => (
          <option key={seconds} value={seconds}>
            {words}
          </option>
        ))}
      </select>
      <p className="muted small" id="power-delay-hint">
        The person at the PC is told when, so they can save their work; a job running there is stopped.
      </p>
      <label className="check" htmlFor="power-force">
        <input id="power-force" type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Even where someone is using the PC
      </label>
      <div className="actions">
        <button className="danger small" disabled={busy} onClick={() => onConfirm(delay, force)}>
          {verb.charAt(0).toUpperCase() + verb.slice(1)}
        </button>
        <button className="secondary small" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
