/**
 * The sign-in page: a name and password (the usual way), the admin token (the owner's way, one click away), and
 * a link to sign in with the school's accounts when the coordinator has them. Says why it is shown again: a session
 * that ended, or a sign-in with the school's accounts that came back with an error.
 */
import { useState } from 'react';
import type { SessionDto, SessionOptions } from '../../lib/api-types.ts';
import { PasswordForm } from './password-form.tsx';
import { oidcErrorCode, oidcErrorWords } from './sign-in-words.ts';
import { TokenForm } from './token-form.tsx';
import './sign-in.css';

interface SignInProps {
  base: string;
  options: SessionOptions;
  /** Why the page is back (the coordinator's sentence about a session that ended). */
  message: string | null;
  /** The URL's hash: a sign-in with the school's accounts comes back with `?error=` in it. */
  hash: string;
  /** `adminToken`: the token this page signed in with, if it did. */
  onSignedIn: (session: SessionDto, adminToken: string | null) => void;
}

export function SignIn({ base, options, message, hash, onSignedIn }: SignInProps) {
  const [withToken, setWithToken] = useState(!options.password);
  const code = oidcErrorCode(hash);
  const label = options.oidc?.label ?? null;
  return (
    <main className="login">
      <div className="card sign-in">
        <h1>Sign in to CMD Executor</h1>
        {message && (
          <p className="notice" role="status" data-testid="sign-in-message">
            {message}
          </p>
        )}
        {code && (
          <p className="error" role="alert" data-testid="sign-in-oidc-error">
            {oidcErrorWords(code, label)}
          </p>
        )}
        {withToken ? <TokenForm base={base} onSignedIn={onSignedIn} /> : <PasswordForm base={base} onSignedIn={(session) => onSignedIn(session, null)} />}
        {label && !withToken && (
          <a className="button secondary sign-in-oidc" href={`${base}/api/session/oidc`}>
            Sign in with {label}
          </a>
        )}
        {options.password && (
          <button type="button" className="link sign-in-switch" onClick={() => setWithToken(!withToken)}>
            {withToken ? 'Use a name and password' : 'Use the admin token'}
          </button>
        )}
      </div>
    </main>
  );
}
