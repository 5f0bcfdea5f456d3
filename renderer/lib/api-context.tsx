/** The dashboard's one API client, given once at the top (the coordinator view) and read where it is needed, instead of passed down as a prop. */
import { createContext, useContext, type ReactNode } from 'react';
import type { CoordinatorApi } from './api.ts';

const ApiContext = createContext<CoordinatorApi | null>(null);

/** `api` keeps one identity while the address and token stay the same: a new one restarts the live feed and every read that depends on it. */
export function ApiProvider({ api, children }: { api: CoordinatorApi; children: ReactNode }) {
  return <ApiContext value={api}>{children}</ApiContext>;
}

export function useApi(): CoordinatorApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an <ApiProvider> above it.');
  return api;
}
