/** The worker page's status card: this PC's name, its coordinator, its state and why (paused, waiting, on hold, asking to join), and Pause/Resume. */
import type { WorkerViewState } from '../../../shared/worker-view.ts';
import { displayFingerprint } from '../../../shared/fingerprint.ts';
import { powerNoticeWords } from '../../../shared/wake.ts';
import { Icon, type IconName } from '../../components/icons.tsx';
import { useNow } from '../../lib/use-now.ts';

const STATUS: Record<string, { icon: IconName; label: string; hint: string }> = {
  starting: { icon: 'ring', label: 'Starting', hint: 'Connecting to the coordinator…' },
  idle: { icon: 'dot', label: 'Idle', hint: 'Waiting for a job.' },
  busy: { icon: 'half', label: 'Busy', hint: 'Running a job.' },
  onhold: { icon: 'pause', label: 'On hold', hint: "You are using this PC: the lab's job is frozen, and goes on by itself when you leave it." },
  paused: { icon: 'pause', label: 'Paused', hint: 'Not taking new jobs. Resume to take jobs again.' },
  waiting: { icon: 'hourglass', label: 'Waiting', hint: 'This PC takes jobs only when its policy allows.' },
  disconnected: { icon: 'cross', label: 'Disconnected', hint: 'Cannot reach the coordinator; retrying by itself.' },
  stopped: { icon: 'stop', label: 'Stopped', hint: 'The worker has stopped.' },
};

/** Fields the agent's state may carry (newer agents): read defensively, so an older one still shows. */
interface Extras {
  name?: string | null;
  policy?: unknown;
  waiting?: string | null;
  waitingReason?: string | null;
  suspended?: boolean;
}

/** Why this PC does not take jobs now, in its own words ("PC in use since 10:42"), or null. */
export function waitingReason(state: WorkerViewState): string | null {
  const extras = state as WorkerViewState & Extras;
  const reason = extras.waiting ?? extras.waitingReason ?? null;
  return typeof reason === 'string' && reason ? reason : null;
}

/** Its job is frozen while the PC is in use: one state, "On hold", instead of busy and waiting at once. */
export function onHold(state: WorkerViewState): boolean {
  return (state as WorkerViewState & Extras).suspended === true && state.currentJob !== null;
}

/** What this PC is called: the name it was given (--name), else its id. */
export function workerLabel(state: WorkerViewState): string {
  const name = (state as WorkerViewState & Extras).name;
  return typeof name === 'string' && name ? name : state.workerId;
}

/** `error`: why the last Pause or Resume failed. */
export function StatusCard({ state, error, onToggle }: { state: WorkerViewState; error: string | null; onToggle: () => void }) {
  const shown = onHold(state) ? 'onhold' : state.status;
  const st = STATUS[shown] ?? STATUS.idle!;
  const policy = (state as WorkerViewState & Extras).policy;
  return (
    <section className="card status-card">
      <h1 className="worker-title" data-testid="worker-name" title={state.workerId}>
        {workerLabel(state)}
      </h1>
      <p className="small coordinator-line" data-testid="worker-coordinator">
        {state.connected ? 'Connected to the coordinator at ' : 'Not connected to the coordinator at '}
        <span className="mono">{state.server}</span>
      </p>
      <div className={`big-status status-${shown}`} data-testid="worker-status" data-status={shown}>
        <Icon name={st.icon} /> {st.label}
      </div>
      {state.powerNotice && <PowerNotice notice={state.powerNotice} />}
      <StatusNotes state={state} />
      <p className="muted">
        {st.hint}
        {state.lastError && !state.connected ? ` (${state.lastError})` : ''}
      </p>
      {typeof policy === 'string' && policy && (
        <p className="small muted" data-testid="worker-policy">
          The lab&apos;s policy for this PC: {policy}
        </p>
      )}
      {state.pairingCode && <PairingNote code={state.pairingCode} fingerprint={state.pairingFingerprint ?? null} />}
      <div className="muted small">
        Id <span className="mono">{state.workerId}</span>
      </div>
      <button className={state.paused ? 'primary' : 'secondary'} onClick={onToggle} data-testid="pause-toggle">
        {state.paused ? 'Resume taking jobs' : 'Pause taking jobs'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The admin's shutdown, restart or log-off, with the time left, ticking. */
function PowerNotice({ notice }: { notice: NonNullable<WorkerViewState['powerNotice']> }) {
  const now = useNow();
  return (
    <p className="error" role="alert" data-testid="worker-power-notice">
      <Icon name="warning" /> {powerNoticeWords(notice, now)}
    </p>
  );
}

/** Pausing after the job it runs, the job on hold while the PC is in use, and why it waits. */
function StatusNotes({ state }: { state: WorkerViewState }) {
  // On hold says it all: the policy's "waiting" is the same fact (the PC is in use), not a second state.
  const reason = onHold(state) || state.powerNotice ? null : waitingReason(state);
  const pausing = state.paused && state.currentJob !== null;
  return (
    <>
      {pausing && (
        <p className="notice" role="status" data-testid="worker-pausing">
          Pausing after this job: it takes no other until resumed.
        </p>
      )}
      {reason && (
        <p className="notice" role="status" data-testid="worker-waiting">
          Waiting: {reason}.
        </p>
      )}
    </>
  );
}

/** While this PC asks to join: the code and the certificate's start, for the admin to compare with the dashboard's. */
function PairingNote({ code, fingerprint }: { code: string; fingerprint: string | null }) {
  return (
    <p className="notice" role="status" data-testid="pairing-code">
      Waiting for the lab admin to approve this PC. Pairing code <strong className="mono">{code}</strong>: the dashboard shows the same code beside this PC's
      request.
      {fingerprint && (
        <>
          {' '}
          Its certificate SHA-256 must start with <span className="mono">{displayFingerprint(fingerprint).slice(0, 23)}</span>, as on the dashboard.
        </>
      )}
    </p>
  );
}
