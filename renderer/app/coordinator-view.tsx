/** The coordinator's dashboard: skip links, the top bar, PCs asking to join, the page the URL names (routes.tsx), and the join and lab policy dialogs; live over /api/ws. */
import { useMemo, useState } from 'react';
import { JoinRequests } from '../features/joining/join-requests.tsx';
import { JoinWorker } from '../features/joining/join-worker.tsx';
import { LabPolicy } from '../features/policy/lab-policy.tsx';
import { CoordinatorApi } from '../lib/api.ts';
import { ApiProvider } from '../lib/api-context.tsx';
import { LiveProvider, useLiveState, useLiveStore } from '../lib/live/live-provider.tsx';
import { useNow } from '../lib/use-now.ts';
import { AboutCoordinator } from './about-coordinator.tsx';
import { pageFor } from './routes.tsx';
import { SkipLinks } from './skip-links.tsx';
import { TopBar } from './top-bar.tsx';
import { usePageFocus } from './use-page-focus.ts';
import { useCoordinatorInfo } from './use-coordinator-info.ts';

interface DashboardProps {
  token: string | null;
  route: string;
  onLogout: () => void;
  /** Just logged in: the first page's h1 takes the focus too. */
  loggedIn: boolean;
}

export function CoordinatorView({ base, ...props }: DashboardProps & { base: string }) {
  const api = useMemo(() => new CoordinatorApi(base, props.token), [base, props.token]);
  return (
    <ApiProvider api={api}>
      <LiveProvider>
        <Dashboard {...props} />
      </LiveProvider>
    </ApiProvider>
  );
}

function Dashboard({ token, route, onLogout, loggedIn }: DashboardProps) {
  const { workers } = useLiveState();
  const now = useNow(useLiveStore().now);
  const { info, reload } = useCoordinatorInfo();
  const [joining, setJoining] = useState(false);
  const [policing, setPolicing] = useState(false);
  // Read again on opening, so the join token's uses and expiry are current.
  const openJoin = () => {
    reload();
    setJoining(true);
  };
  const maxUploadBytes = info?.maxUploadBytes ?? null;
  const { page, id, skip } = pageFor(route, { now, workers, maxUploadBytes, openJoin, openPolicy: () => setPolicing(true) });
  usePageFocus(id, loggedIn);

  return (
    <div className="app">
      <SkipLinks extra={skip} />
      <TopBar canJoin={!!info} onJoin={openJoin} onLogout={token ? onLogout : null} />
      {info && <AboutCoordinator info={info} />}
      <JoinRequests />
      {page}
      {policing && <LabPolicy workers={workers} onClose={() => setPolicing(false)} />}
      {joining && info && <JoinWorker info={info} now={now} onChanged={reload} onClose={() => setJoining(false)} />}
    </div>
  );
}
