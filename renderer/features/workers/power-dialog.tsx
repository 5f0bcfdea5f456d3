/**
 * Wake or power off PCs (from "Power…" beside the workers' heading): choose PCs (the offline ones at first), then wake them, or shut
 * them down or restart them (asked first: when, force, who is in use). The list is one tab stop; Enter
 * on a PC ticks it or unticks it.
 */
import { useState } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import { powerActionWords, type PowerAction } from '../../../shared/wake.ts';
import { Modal } from '../../components/modal.tsx';
import { displayName } from '../../lib/targets.ts';
import { useRovingRows } from '../../lib/use-roving-rows.ts';
import { workerStatus } from '../../lib/worker-state.ts';
import { PowerConfirm } from './power-confirm.tsx';
import { useWorkerActions } from './use-worker-actions.ts';

const OFF_ACTIONS: PowerAction[] = ['shutdown', 'reboot'];
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function PowerDialog({ workers, onClose }: { workers: WorkerDto[]; onClose: () => void }) {
  const actions = useWorkerActions();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(workers.filter((w) => w.status === 'offline').map((w) => w.workerId)));
  const [asking, setAsking] = useState<PowerAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  const picked = workers.filter((w) => chosen.has(w.workerId));
  const offline = picked.filter((w) => w.status === 'offline');
  const online = picked.length - offline.length;
  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setOutcome({ text: await what(), failed: false });
    } catch (e) {
      setOutcome({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="power-dialog-title" onClose={onClose} testId="power-dialog">
      <h2 id="power-dialog-title">Wake or power off PCs</h2>
      <PcChecklist workers={workers} chosen={chosen} onChange={setChosen} />
      {asking ? (
        <PowerConfirm
          action={asking}
          workers={picked}
          busy={busy}
          onCancel={() => setAsking(null)}
          onConfirm={(delay, force) => void act(() => actions.power([...chosen], asking, delay, force)).then(() => setAsking(null))}
        />
      ) : (
        <div className="actions power-actions">
          <button className="secondary" disabled={busy || offline.length === 0} onClick={() => void act(() => actions.wake(offline.map((w) => w.workerId)))}>
            {busy ? 'Waking…' : `Wake ${offline.length} offline`}
          </button>
          {OFF_ACTIONS.map((action) => (
            <button key={action} className="secondary" disabled={busy || online === 0} onClick={() => setAsking(action)}>
              {capital(powerActionWords(action))} {online} online…
            </button>
          ))}
        </div>
      )}
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'} data-testid="power-outcome">
          {outcome.text}
        </p>
      )}
      <div className="actions end">
        <button className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

const STATE_WORDS: Record<ReturnType<typeof workerStatus>, string> = {
  idle: 'idle',
  busy: 'running a job',
  onhold: 'on hold',
  waiting: 'waiting',
  paused: 'paused',
  offline: 'offline',
};

/** The PCs with a checkbox each, and quick choices: the offline ones, all, none. */
function PcChecklist({ workers, chosen, onChange }: { workers: WorkerDto[]; chosen: ReadonlySet<string>; onChange: (chosen: ReadonlySet<string>) => void }) {
  const toggle = (id: string) => onChange(chosen.has(id) ? new Set([...chosen].filter((c) => c !== id)) : new Set(chosen).add(id));
  const rows = useRovingRows((row) => row.dataset.pc && toggle(row.dataset.pc));
  const pick = (test: (w: WorkerDto) => boolean) => onChange(new Set(workers.filter(test).map((w) => w.workerId)));
  return (
    <fieldset className="pc-checklist">
      <legend>PCs ({chosen.size} chosen)</legend>
      <div className="actions">
        <button className="link small" onClick={() => pick((w) => w.status === 'offline')}>
          The offline ones
        </button>
        <button className="link small" onClick={() => pick(() => true)}>
          All
        </button>
        <button className="link small" onClick={() => pick(() => false)}>
          None
        </button>
      </div>
      <ul ref={rows} className="pc-list">
        {workers.map((w) => (
          <li key={w.workerId} data-pc={w.workerId}>
            <label className="check">
              <input type="checkbox" checked={chosen.has(w.workerId)} onChange={() => toggle(w.workerId)} /> {displayName(w)}
              <span className="muted small">
                {STATE_WORDS[workerStatus(w)]}
                {w.status !== 'offline' && w.inUse ? ', in use' : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
