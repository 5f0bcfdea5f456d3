/** One provider owns the dashboard's WebSocket; views read its store through these hooks. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useApi } from '../api-context.tsx';
import { LiveStore, type LiveState } from './live-store.ts';

const LiveContext = createContext<LiveStore | null>(null);

/** Opens the feed with the API client of the <ApiProvider> above it. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [store] = useState(() => new LiveStore());
  useEffect(() => store.connect(api), [store, api]);
  return <LiveContext value={store}>{children}</LiveContext>;
}

export function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLiveStore needs a <LiveProvider> above it.');
  return store;
}

/** Workers, jobs and the connection's status; re-renders when they change. */
export function useLiveState(): LiveState {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
