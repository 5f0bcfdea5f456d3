/** First launch of the desktop app: choose Coordinator or Worker, with the settings each needs. */
import { useEffect, useState, type FormEvent } from 'react';
import { parseTagList } from '../../../shared/api.ts';
import type { AppSettings, BridgeApi, FoundCoordinator } from '../../../shared/ipc.ts';
import { formatJoinLine, parseJoinLine } from '../../../shared/join-line.ts';

/** What the worker form holds, as the settings the app keeps: a join line, or an address and a token. */
function workerChoice(text: string, joinToken: string): { server: string; fingerprint: string; joinToken: string } | { error: string } {
  const value = text.trim();
  if (value.startsWith('cmdx://')) {
    const line = parseJoinLine(value);
    return 'error' in line ? line : { server: line.server, fingerprint: line.fingerprint ?? '', joinToken: line.joinToken ?? joinToken.trim() };
  }
  if (/^http:\/\/.+/.test(value)) return { server: value, fingerprint: '', joinToken: joinToken.trim() };
  return { error: 'Paste the join line from the coordinator\'s "Add a worker" dialog (it starts with cmdx://), or pick a coordinator found on this network.' };
}

export function SetupView({ api }: { api: BridgeApi }) {
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [mode, setMode] = useState<'coordinator' | 'worker'>('worker');
  const [port, setPort] = useState('3000');
  const [dataDir, setDataDir] = useState('');
  const [alsoWorker, setAlsoWorker] = useState(false);
  const [server, setServer] = useState('');
  const [joinToken, setJoinToken] = useState('');
  const [tags, setTags] = useState('');
  const [found, setFound] = useState<FoundCoordinator[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(new URLSearchParams(location.hash.split('?')[1] ?? '').get('error'));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.getSettings().then((s) => {
      setSettings(s);
      setPort(String(s.coordinator.port));
      setDataDir(s.coordinator.dataDir);
      setAlsoWorker(s.coordinator.alsoRunWorker);
      setServer(
        s.worker.server && s.worker.fingerprint
          ? formatJoinLine(new URL(s.worker.server).hostname, Number(new URL(s.worker.server).port), s.worker.fingerprint, null)
          : s.worker.server,
      );
      setJoinToken(s.worker.joinToken);
      setTags((s.worker.tags ?? []).join(', '));
      if (s.mode) setMode(s.mode);
    });
  }, [api]);

  const findCoordinators = async () => {
    setSearching(true);
    try {
      setFound(await api.discover());
    } finally {
      setSearching(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const worker = workerChoice(server, joinToken);
    if (mode === 'worker' && 'error' in worker) return setError(worker.error);
    let tagList: string[] = [];
    try {
      tagList = parseTagList(tags);
    } catch (err) {
      if (mode === 'worker') return setError((err as Error).message);
    }
    const portNumber = Number(port);
    if (mode === 'coordinator' && !(Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536))
      return setError('The port must be a number from 1 to 65535.');
    setBusy(true);
    try {
      await api.chooseMode(
        mode === 'coordinator'
          ? { mode, coordinator: { port: portNumber, dataDir: dataDir.trim(), alsoRunWorker: alsoWorker } }
          : { mode, worker: { ...(worker as Exclude<typeof worker, { error: string }>), tags: tagList } },
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
            <button type="button" className="secondary" disabled={searching} onClick={() => void findCoordinators()}>
              {searching ? 'Looking for coordinators…' : 'Find coordinators on this network'}
            </button>
            {found && found.length === 0 && <p className="muted">None answered within 3 s. Paste the join line from the coordinator instead.</p>}
            {found && found.length > 0 && (
              <ul className="found" aria-label="Coordinators found">
                {found.map((c) => (
                  <li key={`${c.name}-${c.port}`}>
                    <button type="button" className="secondary" onClick={() => setServer(formatJoinLine(c.addresses[0]!, c.port, c.fingerprint, null))}>
                      {c.name} ({c.addresses[0]}:{c.port})
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <label htmlFor="server">Join line</label>
            <input id="server" type="text" value={server} onChange={(e) => setServer(e.target.value)} placeholder="cmdx://192.168.1.10:3000/?fp=…" />
            <p className="muted small">
              A coordinator picked above, or a join line without a token: this PC asks to join and shows a code; the admin approves it on the dashboard.
            </p>
            <label htmlFor="join">Join token (only for a plain-HTTP coordinator address)</label>
            <input id="join" type="password" value={joinToken} onChange={(e) => setJoinToken(e.target.value)} placeholder="cmdx_j_…" />
            <label htmlFor="tags">
              Tags <span className="muted">(optional, separated by commas)</span>
            </label>
            <input
              id="tags"
              type="text"
              value={tags}
              onChange={(e) => setTags(e.target.value)}
              placeholder="room-b, gpu"
              spellCheck={false}
              aria-describedby="tags-hint"
            />
            <p id="tags-hint" className="muted small">
              Runs on the dashboard can target PCs by tag (&quot;PCs with tag…&quot;). Left empty, this PC keeps the tags the admin gives it on the dashboard.
            </p>
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
