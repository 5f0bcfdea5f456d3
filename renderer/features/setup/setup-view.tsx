/** First launch of the desktop app: choose Coordinator or Worker, with the settings each needs. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AppSettings, BridgeApi, FoundCoordinator } from '../../../shared/ipc.ts';
import {
  coordinatorFormOf,
  EMPTY_COORDINATOR,
  EMPTY_WORKER,
  readChoice,
  workerFormOf,
  type CoordinatorForm,
  type SetupMode,
  type WorkerForm,
} from './setup-choice.ts';
import { CoordinatorFields, WorkerFields, type Discovery } from './setup-fields.tsx';

export function SetupView({ api }: { api: BridgeApi }) {
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [mode, setMode] = useState<SetupMode>('worker');
  const [coordinator, setCoordinator] = useState<CoordinatorForm>(EMPTY_COORDINATOR);
  const [worker, setWorker] = useState<WorkerForm>(EMPTY_WORKER);
  const discovery = useDiscovery(api);
  const [error, setError] = useState<string | null>(new URLSearchParams(location.hash.split('?')[1] ?? '').get('error'));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.getSettings().then((s) => {
      setSettings(s);
      setCoordinator(coordinatorFormOf(s));
      setWorker(workerFormOf(s));
      if (s.mode) setMode(s.mode);
    });
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const choice = readChoice(mode, coordinator, worker);
    if ('error' in choice) return setError(choice.error);
    setBusy(true);
    try {
      await api.chooseMode(choice);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!settings)
    return (
      <main className="page">
        <p className="muted">Loading…</p>
      </main>
    );
  return (
    <main className="login">
      <form className="card setup" onSubmit={(e) => void submit(e)}>
        <h1>Set up this PC</h1>
        <p className="muted">Choose once; you can change it later from the app menu.</p>
        <ModeFields mode={mode} onChange={setMode} />
        {mode === 'coordinator' ? (
          <CoordinatorFields value={coordinator} set={(patch) => setCoordinator((c) => ({ ...c, ...patch }))} />
        ) : (
          <WorkerFields value={worker} set={(patch) => setWorker((w) => ({ ...w, ...patch }))} discovery={discovery} />
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Starting…' : `Start as ${mode}`}
        </button>
      </form>
    </main>
  );
}

/** Coordinators announced on the LAN; kept while the mode is switched back and forth. */
function useDiscovery(api: BridgeApi): Discovery {
  const [found, setFound] = useState<FoundCoordinator[] | null>(null);
  const [searching, setSearching] = useState(false);
  const find = async () => {
    setSearching(true);
    try {
      setFound(await api.discover());
    } finally {
      setSearching(false);
    }
  };
  return { found, searching, find: () => void find() };
}

function ModeFields({ mode, onChange }: { mode: SetupMode; onChange: (mode: SetupMode) => void }) {
  return (
    <fieldset className="modes">
      <legend>This PC is the…</legend>
      <label>
        <input type="radio" name="mode" checked={mode === 'coordinator'} onChange={() => onChange('coordinator')} /> <strong>Coordinator</strong>{' '}
        <span className="muted">(one per lab: hands out jobs, shows the dashboard)</span>
      </label>
      <label>
        <input type="radio" name="mode" checked={mode === 'worker'} onChange={() => onChange('worker')} /> <strong>Worker</strong>{' '}
        <span className="muted">(every other PC: runs the jobs)</span>
      </label>
    </fieldset>
  );
}
