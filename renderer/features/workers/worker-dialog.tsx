/** "Manage lab-pc-03": rename it, pause or resume it, wake it or power it off, forget it once it is offline, or revoke its token (each for a role that may); its history. */
import { useState, type FormEvent } from 'react';
import type { WorkerDto } from '../../../shared/api.ts';
import type { PowerAction } from '../../../shared/wake.ts';
import { describePolicy } from '../../../shared/policy.ts';
import { History } from '../../components/history.tsx';
import { Modal } from '../../components/modal.tsx';
import { WorkerBadge } from '../../components/status-badge.tsx';
import { useCan } from '../../lib/session-context.tsx';
import { displayName } from '../../lib/targets.ts';
import { RevokeWorker } from './revoke-worker.tsx';
import { WorkerPower } from './worker-power.tsx';

/** Each resolves with the sentence to show, or rejects with the coordinator's. */
export interface WorkerActions {
  rename: (workerId: string, name: string | null) => Promise<string>;
  pause: (workerId: string, paused: boolean) => Promise<string>;
  forget: (workerId: string) => Promise<string>;
  revoke: (workerId: string) => Promise<string>;
  replace: (workerId: string, replaces: string) => Promise<string>;
  setTags: (workerId: string, tags: string[]) => Promise<void>;
  /** Wakes the offline ones (Wake-on-LAN) and waits a while for them to come back. */
  wake: (workerIds: string[]) => Promise<string>;
  power: (workerIds: string[], action: PowerAction, delaySeconds: number, force: boolean) => Promise<string>;
}

/** Runs one action of the dialog (the others wait); `closeAfter`: its sentence goes to the list as the dialog closes. */
type Act = (what: () => Promise<string>, closeAfter?: boolean) => Promise<void>;

/** `onClose` gets the sentence of an action that ends the dialog (forget), for the list to show. */
export function WorkerDialog(props: { worker: WorkerDto; actions: WorkerActions; now: number; onClose: (message?: string) => void }) {
  const { worker, actions, now, onClose } = props;
  const name = displayName(worker);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  const [renames, pauses, forgets] = [useCan('postWorkersRename'), useCan('postWorkersPause'), useCan('postWorkersForget')];
  const powers = useCan('postWorkersPower');

  const act: Act = async (what, closeAfter = false) => {
    setBusy(true);
    try {
      const text = await what();
      if (closeAfter) onClose(text);
      else setOutcome({ text, failed: false });
    } catch (e) {
      setOutcome({ text: (e as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="worker-dialog-title" onClose={() => onClose()} testId="worker-dialog">
      <h2 id="worker-dialog-title">
        {name} <WorkerBadge worker={worker} />
      </h2>
      <p className="muted small">
        Id <span className="mono">{worker.workerId}</span> · hostname <span className="mono">{worker.hostname}</span>
        {worker.policy && <> · policy: {describePolicy(worker.policy)}</>}
      </p>
      {worker.available === false && worker.status !== 'offline' && (
        <p className="notice small" data-testid="worker-waiting-reason">
          Waiting: {worker.availabilityReason ?? 'its policy keeps it from jobs now'}.
        </p>
      )}
      {renames && <RenameForm worker={worker} busy={busy} onRename={(next) => void act(() => actions.rename(worker.workerId, next))} />}
      {pauses && <TakingJobs worker={worker} busy={busy} onPause={(paused) => void act(() => actions.pause(worker.workerId, paused))} />}
      {powers && <WorkerPower worker={worker} busy={busy} actions={actions} act={act} />}
      {forgets && <RemoveWorker worker={worker} busy={busy} actions={actions} act={act} />}
      <History target={`worker:${worker.workerId}`} version={`${worker.name} ${worker.pausedByAdmin ? 1 : 0} ${outcome?.text ?? ''}`} now={now} />
      {outcome && (
        <p className={outcome.failed ? 'error' : 'notice'} role={outcome.failed ? 'alert' : 'status'} data-testid="worker-outcome">
          {outcome.text}
        </p>
      )}
      <div className="actions end">
        <button className="primary" onClick={() => onClose()}>
          Done
        </button>
      </div>
    </Modal>
  );
}

/** The name on the dashboard (null: its hostname again). */
function RenameForm({ worker, busy, onRename }: { worker: WorkerDto; busy: boolean; onRename: (name: string | null) => void }) {
  const name = displayName(worker);
  const [draft, setDraft] = useState(name);
  const rename = (e: FormEvent) => {
    e.preventDefault();
    onRename(draft.trim() || null);
  };
  return (
    <form className="rename" onSubmit={rename}>
      <label htmlFor="worker-name">Name on the dashboard</label>
      <div className="copy-row">
        <input id="worker-name" type="text" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={worker.hostname} autoComplete="off" />
        <button className="primary small" type="submit" disabled={busy || draft.trim() === name}>
          Rename
        </button>
      </div>
      {worker.name !== worker.hostname && (
        <button type="button" className="link small" disabled={busy} onClick={() => onRename(null)}>
          Use its hostname ({worker.hostname}) again
        </button>
      )}
    </form>
  );
}

/** Pause or resume from the dashboard, and what a pause means now. */
function TakingJobs({ worker, busy, onPause }: { worker: WorkerDto; busy: boolean; onPause: (paused: boolean) => void }) {
  const name = displayName(worker);
  const paused = worker.pausedByAdmin;
  return (
    <section className="manage-section">
      <h3>Taking jobs</h3>
      <p className="small muted">
        {paused
          ? worker.status === 'busy'
            ? 'Paused from the dashboard: it finishes the job it runs, then takes no other until resumed.'
            : 'Paused from the dashboard: it takes no job until resumed.'
          : worker.paused
            ? 'Paused at the PC itself; resume it there.'
            : 'A paused worker finishes the job it runs and takes no other until resumed.'}
      </p>
      <button className="secondary small" disabled={busy} onClick={() => onPause(!paused)}>
        {paused ? `Resume ${name}` : `Pause ${name}`}
      </button>
    </section>
  );
}

/** Forget (asked twice; closes the dialog) and revoke its token. */
function RemoveWorker({ worker, busy, actions, act }: { worker: WorkerDto; busy: boolean; actions: WorkerActions; act: Act }) {
  const name = displayName(worker);
  const [forgetting, setForgetting] = useState(false);
  const revokes = useCan('postWorkersRevoke');
  return (
    <section className="manage-section">
      <h3>Remove</h3>
      <p className="small muted">
        Forget a PC that left the lab: it disappears from this list and the jobs waiting for it alone fail. Only an offline PC can be forgotten.
      </p>
      {!forgetting ? (
        <button className="secondary small" disabled={busy} onClick={() => setForgetting(true)}>
          Forget {name}…
        </button>
      ) : (
        <div className="actions">
          <button className="danger small" disabled={busy} onClick={() => void act(() => actions.forget(worker.workerId), true)}>
            Forget {name}
          </button>
          <button className="secondary small" disabled={busy} onClick={() => setForgetting(false)}>
            Keep it
          </button>
        </div>
      )}
      {revokes && (
        <RevokeWorker
          worker={worker}
          onRevoke={async () => {
            await act(() => actions.revoke(worker.workerId));
          }}
        />
      )}
    </section>
  );
}
