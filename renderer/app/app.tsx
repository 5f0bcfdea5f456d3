/** The app: the worker view (#/worker) or the desktop app's setup (#/setup), else the coordinator dashboard behind the admin-token login. */
import { useEffect, useMemo, useState } from 'react';
import { CoordinatorView } from './coordinator-view.tsx';
import { Login } from '../features/auth/login.tsx';
import { SetupView } from '../features/setup/setup-view.tsx';
import { WorkerView } from '../features/worker/worker-view.tsx';
import { LocalWorkerSource } from '../lib/local-worker-source.ts';
import { savedToken, saveToken, tokenFromOtherTabs } from '../lib/session-token.ts';
import { bridge, bridgeWorkerSource } from '../lib/bridge.ts';
import { standalonePage } from './routes.tsx';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const route = useHash();
  const base = location.origin;
  const [token, setToken] = useState<string | null>(savedToken());
  const [auth, setAuth] = useState<boolean | null>(null);
  const [loggedIn, setLoggedIn] = useState(false);
  const workerSource = useMemo(() => {
    const api = bridge();
    return api ? bridgeWorkerSource(api) : new LocalWorkerSource();
  }, []);

  useEffect(() => {
    if (standalonePage(route)) return;
    // Before asking for the token, an open tab of this dashboard may lend it (same origin only).
    const sibling = savedToken() ? Promise.resolve(null) : tokenFromOtherTabs();
    Promise.all([fetch('/api/health').then((r) => r.json() as Promise<{ auth: boolean }>), sibling]).then(
      ([h, lent]) => {
        if (lent) {
          saveToken(lent);
          setToken(lent);
        }
        setAuth(h.auth);
      },
      () => setAuth(true),
    );
    // In the desktop app the coordinator runs in this very app: no need to type its token.
    void bridge()
      ?.coordinatorInfo()
      .then((info) => info?.adminToken && setToken(info.adminToken));
  }, [route]);

  const api = bridge();
  const standalone = standalonePage(route);
  if (standalone === 'setup' && api) return <SetupView api={api} />;
  if (standalone === 'worker') return <WorkerView source={workerSource} />;
  if (auth === null)
    return (
      <main className="page">
        <p className="muted">Connecting…</p>
      </main>
    );
  if (auth && !token) {
    return (
      <Login
        base={base}
        onLogin={(t) => {
          saveToken(t);
          setToken(t);
          setLoggedIn(true);
        }}
      />
    );
  }
  return (
    <CoordinatorView
      base={base}
      token={auth ? token : null}
      route={route}
      loggedIn={loggedIn}
      onLogout={() => {
        saveToken(null);
        setToken(null);
      }}
    />
  );
}
