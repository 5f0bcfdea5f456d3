/**
 * Whether this page is signed in. The session lives in the coordinator's HttpOnly cookie; the page keeps only
 * what GET /api/session answers (who, the anti-CSRF value). On load that answer says whether the cookie is still
 * good; the desktop app's own window signs in once with the admin token of the coordinator it runs.
 */
import { useCallback, useEffect, useState } from 'react';
import { CoordinatorApi } from '../lib/api.ts';
import { signedOutError } from '../lib/api-error.ts';
import type { SessionDto, SessionOptions } from '../lib/api-types.ts';
import { bridge } from '../lib/bridge.ts';

export type AuthState =
  | { kind: 'checking' }
  | { kind: 'signed-out'; options: SessionOptions; message: string | null }
  /** `fresh`: just signed in here. */
  | { kind: 'signed-in'; options: SessionOptions; session: SessionDto; fresh: boolean };

// A coordinator that does not answer its options: the sign-in is shown, and says what went wrong when it is used.
const UNKNOWN: SessionOptions = { auth: true, password: true, oidc: null };

/** The admin token of the coordinator this desktop app runs (null in a browser). */
async function ownerToken(): Promise<string | null> {
  const info = await bridge()
    ?.coordinatorInfo()
    .catch(() => null);
  return info?.adminToken ?? null;
}

async function firstState(base: string): Promise<AuthState> {
  const api = new CoordinatorApi(base);
  const options = await api.sessionOptions().catch(() => UNKNOWN);
  const owner = await ownerToken();
  try {
    const session = await api.session();
    return { kind: 'signed-in', options, session, fresh: false };
  } catch (err) {
    if (!signedOutError(err)) return { kind: 'signed-out', options, message: (err as Error).message };
  }
  if (owner) {
    const session = await api.signIn({ token: owner }).catch(() => null);
    if (session) return { kind: 'signed-in', options, session, fresh: false };
  }
  return { kind: 'signed-out', options, message: null };
}

export interface Auth {
  state: AuthState;
  signedIn: (session: SessionDto) => void;
  /** Back to the sign-in, saying why (null: the person signed out). */
  signedOut: (message: string | null) => void;
}

/** `active`: the dashboard is wanted (not the worker's screen or the desktop app's setup). */
export function useAuth(base: string, active: boolean): Auth {
  const [state, setState] = useState<AuthState>({ kind: 'checking' });
  useEffect(() => {
    if (!active) return;
    let current = true;
    void firstState(base).then((s) => current && setState(s));
    return () => {
      current = false;
    };
  }, [base, active]);
  const signedIn = useCallback((session: SessionDto) => {
    setState((s) => ({ kind: 'signed-in', options: 'options' in s ? s.options : UNKNOWN, session, fresh: true }));
  }, []);
  const signedOut = useCallback((message: string | null) => {
    setState((s) => ({ kind: 'signed-out', options: 'options' in s ? s.options : UNKNOWN, message }));
  }, []);
  return { state, signedIn, signedOut };
}
