/** First launch of the desktop app: choose Coordinator or Worker, with the settings each needs. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AppSettings, BridgeApi } from '../../../shared/ipc.ts';

export function SetupView({ api }: { api: BridgeApi }) {
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [mode, setMode] = useState<'coordinator' | 'worker'>('worker');
  const [port, setPort] = useState('3000');
  const [dataDir, setDataDir] = useState('');
  const [alsoWorker, setAlsoWorker] = useState(false);
  const [server, setServer] = useState('');
  const [joinToken, setJoinToken] = useState('');
  const [error, setError] = useState<string | null>(new URLSearchParams(location.hash.split('?')[1] ?? '').get('error'));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.getSettings().then((s) => {
      setSettings(s);
      setPort(String(s.coordinator.port));
      setDataDir(s.coordinator.dataDir);
      setAlsoWorker(s.coordinator.alsoRunWorker);
      setServer(s.worker.server);
      setJoinToken(s.worker.joinToken);
      if (s.mode) setMode(s.mode);
    });
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (mode === 'worker' && !/^https?:\/\/.+/.test(server.trim()))
      return setError('Enter the coordinator address, e.g. http://192.168.1.10:3000 (the "Add a worker" dialog on the coordinator shows it).');
    const portNumber = Number(port);
    if (mode === 'coordinator' && !(Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536))
      return setError('The port must be a number from 1 to 65535.');
    setBusy(true);
    try {
      await api.chooseMode(
        mode === 'coordinator'
          ? { mode, coordinator: { port: portNumber, dataDir: dataDir.trim(), alsoRunWorker: alsoWorker } }
          : { mode, worker: { server: server.trim(), joinToken: joinToken.trim() } },
      );
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
        <fieldset className="modes">
          <legend>This PC is the…</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'coordinator'} onChange={() => setMode('coordinator')} /> <strong>Coordinator</strong>{' '}
            <span className="muted">(one per lab: hands out jobs, shows the dashboard)</span>
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'worker'} onChange={() => setMode('worker')} /> <strong>Worker</strong>{' '}
            <span className="muted">(every other PC: runs the jobs)</span>
          </label>
        </fieldset>
        {mode === 'coordinator' ? (
          <>
            <label htmlFor="port">Port</label>
            <input id="port" type="text" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
            <label htmlFor="data-dir">Data folder</label>
            <input id="data-dir" type="text" value={dataDir} onChange={(e) => setDataDir(e.target.value)} />
            <label>
              <input type="checkbox" checked={alsoWorker} onChange={(e) => setAlsoWorker(e.target.checked)} /> Also run a worker on this PC
            </label>
          </>
        ) : (
          <>
            <label htmlFor="server">Coordinator address</label>
            <input id="server" type="text" value={server} onChange={(e) => setServer(e.target.value)} placeholder="http://192.168.1.10:3000" />
            <label htmlFor="join">Join token</label>
            <input id="join" type="password" value={joinToken} onChange={(e) => setJoinToken(e.target.value)} placeholder="cmdx_j_…" />
          </>
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
