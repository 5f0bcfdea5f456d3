/** Who is signed in, given once at the top of the dashboard: the header shows it, every control asks useCan() whether to show itself. */
import { createContext, useContext, type ReactNode } from 'react';
import type { OperationId } from '../../shared/endpoints/index.ts';
import type { SessionDto } from './api-types.ts';
import { can } from './can.ts';

export interface SignedIn {
  session: SessionDto;
  /** Null: nothing to sign out of (a coordinator without authentication). */
  signOut: (() => void) | null;
}

const SessionContext = createContext<SignedIn | null>(null);

export function SessionProvider({ value, children }: { value: SignedIn; children: ReactNode }) {
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a <SessionProvider> above it.');
  return value;
}

/** Whether the person signed in may call `operation` (the endpoint table's rule): a control they may not use is not shown. */
export function useCan(operation: OperationId): boolean {
  return can(useSession().session.user.role, operation);
}
