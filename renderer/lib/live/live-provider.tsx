/** One provider owns the dashboard's WebSocket; views read its store through these hooks. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { CoordinatorApi } from '../api.ts';
import { LiveStore, type LiveState } from './live-store.ts';

const LiveContext = createContext<LiveStore | null>(null);

export function LiveProvider({ api, children }: { api: CoordinatorApi; children: ReactNode }) {
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
