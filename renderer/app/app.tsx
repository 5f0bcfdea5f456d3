/** The app: the worker view (#/worker) or the desktop app's setup (#/setup), else the coordinator dashboard behind the sign-in. */
import { useEffect, useMemo, useState } from 'react';
import { CoordinatorView } from './coordinator-view.tsx';
import { SignIn } from '../features/auth/sign-in.tsx';
import { SetupView } from '../features/setup/setup-view.tsx';
import { WorkerView } from '../features/worker/worker-view.tsx';
import { LocalWorkerSource } from '../lib/local-worker-source.ts';
import { bridge, bridgeWorkerSource } from '../lib/bridge.ts';
import { standalonePage } from './routes.tsx';
import { useAuth } from './use-auth.ts';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Signed in: a school sign-in's `?error=` has been read, and goes from the address (and from the route, told as a hash change). */
function withoutSignInError(hash: string): void {
  if (!/[?&]error=/.test(hash)) return;
  history.replaceState(null, '', '#/');
  dispatchEvent(new HashChangeEvent('hashchange'));
}

export function App() {
  const route = useHash();
  const base = location.origin;
  const workerSource = useMemo(() => {
    const api = bridge();
    return api ? bridgeWorkerSource(api) : new LocalWorkerSource();
  }, []);
  const standalone = standalonePage(route);
  const { state, signedIn, signedOut } = useAuth(base, standalone === null);

  const api = bridge();
  if (standalone === 'setup' && api) return <SetupView api={api} />;
  if (standalone === 'worker') return <WorkerView source={workerSource} />;
  if (state.kind === 'checking')
    return (
      <main className="page">
        <h1 className="visually-hidden">CMD Executor</h1>
        <p className="muted">Connecting…</p>
      </main>
    );
  if (state.kind === 'signed-out') {
    const onSignedIn = (session: Parameters<typeof signedIn>[0]) => {
      withoutSignInError(location.hash);
      signedIn(session);
    };
    return <SignIn base={base} options={state.options} message={state.message} hash={route} onSignedIn={onSignedIn} />;
  }
  return <CoordinatorView base={base} session={state.session} canSignOut={state.options.auth} route={route} loggedIn={state.fresh} onSignedOut={signedOut} />;
}
