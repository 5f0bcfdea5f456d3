/** The coordinator's dashboard: skip links, the top bar, PCs asking to join, the page the URL names (routes.tsx), and the join and lab policy dialogs; live over /api/ws. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { JoinRequests } from '../features/joining/join-requests.tsx';
import { JoinWorker } from '../features/joining/join-worker.tsx';
import { LabPolicy } from '../features/policy/lab-policy.tsx';
import { CoordinatorApi } from '../lib/api.ts';
import { ApiProvider, useApi } from '../lib/api-context.tsx';
import { signedOutError } from '../lib/api-error.ts';
import type { SessionDto } from '../lib/api-types.ts';
import { LiveProvider, useLiveState, useLiveStore } from '../lib/live/live-provider.tsx';
import { SessionProvider, useCan, useSession, type SignedIn } from '../lib/session-context.tsx';
import { useNow } from '../lib/use-now.ts';
import { AboutCoordinator } from './about-coordinator.tsx';
import { pageFor } from './routes.tsx';
import { SkipLinks } from './skip-links.tsx';
import { TopBar } from './top-bar.tsx';
import { usePageFocus } from './use-page-focus.ts';
import { useCoordinatorInfo } from './use-coordinator-info.ts';

interface ViewProps {
  base: string;
  session: SessionDto;
  /** False on a coordinator without authentication: nothing to sign out of. */
  canSignOut: boolean;
  route: string;
  /** Just signed in: the first page's h1 takes the focus too. */
  loggedIn: boolean;
  /** Back to the sign-in (the sentence says why; null: the person signed out). */
  onSignedOut: (message: string | null) => void;
}

export function CoordinatorView({ base, session, canSignOut, route, loggedIn, onSignedOut }: ViewProps) {
  const csrf = session.csrfToken;
  const api = useMemo(() => new CoordinatorApi(base, { csrf, onSignedOut }), [base, csrf, onSignedOut]);
  const signedIn = useMemo<SignedIn>(() => {
    const signOut = () =>
      void api.signOut().then(
        () => onSignedOut(null),
        (e: Error) => onSignedOut(signedOutError(e) ? null : `Signing out did not reach the coordinator (${e.message}); this browser may still be signed in.`),
      );
    return { session, signOut: canSignOut ? signOut : null };
  }, [api, session, canSignOut, onSignedOut]);
  return (
    <SessionProvider value={signedIn}>
      <ApiProvider api={api}>
        <LiveProvider>
          <Dashboard route={route} loggedIn={loggedIn} />
        </LiveProvider>
      </ApiProvider>
    </SessionProvider>
  );
}

/** When the live feed drops, asks whether the session is still good: an ended one sends the page to the sign-in at once. */
function useSessionWatch(connected: boolean): void {
  const api = useApi();
  const was = useRef(connected);
  useEffect(() => {
    if (was.current && !connected) api.session().catch(() => {}); // a 401 signs out through the API's onSignedOut
    was.current = connected;
  }, [api, connected]);
}

function Dashboard({ route, loggedIn }: { route: string; loggedIn: boolean }) {
  const { workers, connected } = useLiveState();
  const now = useNow(useLiveStore().now);
  const { info, reload } = useCoordinatorInfo();
  const admitsWorkers = useCan('postJoinTokenRotate');
  const [joining, setJoining] = useState(false);
  const [policing, setPolicing] = useState(false);
  useSessionWatch(connected);
  // Read again on opening, so the join token's uses and expiry are current.
  const openJoin = () => {
    reload();
    setJoining(true);
  };
  const maxUploadBytes = info?.maxUploadBytes ?? null;
  const role = useSession().session.user.role;
  const { page, id, skip } = pageFor(route, { now, workers, maxUploadBytes, openJoin, openPolicy: () => setPolicing(true), role });
  usePageFocus(id, loggedIn);

  return (
    <div className="app">
      <SkipLinks extra={skip} />
      <TopBar canJoin={!!info} onJoin={openJoin} />
      {info && <AboutCoordinator info={info} />}
      {admitsWorkers && <JoinRequests />}
      {page}
      {policing && <LabPolicy workers={workers} onClose={() => setPolicing(false)} />}
      {joining && info && <JoinWorker info={info} now={now} onChanged={reload} onClose={() => setJoining(false)} />}
    </div>
  );
}
