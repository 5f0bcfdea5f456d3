/** Your account (`#/account`): who you are signed in as, your password, and your tokens for the terminal (`cmdx login`). */
import { useEffect, useState } from 'react';
import { Icon } from '../../components/icons.tsx';
import { useApi } from '../../lib/api-context.tsx';
import { personLine } from '../../lib/person-words.ts';
import { useSession } from '../../lib/session-context.tsx';
import { ChangePassword } from './change-password.tsx';
import { MyTokens } from './my-tokens.tsx';
import './people.css';

const VIA_WORDS = {
  password: 'a password',
  oidc: "the school's account",
  'admin-token': "the coordinator's admin token",
  token: 'a personal token',
  open: 'nothing',
};

/** `cmdx login` with this coordinator's join line (address and certificate), which it reads too; else this page's address. */
function useLoginLine(): string {
  const api = useApi();
  const [line, setLine] = useState(`cmdx login ${location.origin}`);
  useEffect(() => {
    api.info().then(
      (info) => info.joinLines[0] && setLine(`cmdx login "${info.joinLines[0].withoutToken}"`),
      () => {},
    );
  }, [api]);
  return line;
}

export function AccountPage({ now }: { now: number }) {
  const { session } = useSession();
  const loginLine = useLoginLine();
  return (
    <main className="page account-page">
      <a href="#/" className="back">
        <Icon name="back" /> Workers and jobs
      </a>
      <h1>Your account</h1>
      <p data-testid="account-who">
        {personLine(session.user)}, signed in with {VIA_WORDS[session.via]}.
      </p>
      {session.user.userId === null ? (
        <p className="notice">The admin token has no account, so no password or tokens of its own: add yourself on the People page to have them.</p>
      ) : (
        <>
          {session.via === 'password' && (
            <section className="card" aria-labelledby="password-title">
              <h2 id="password-title">Password</h2>
              <ChangePassword />
            </section>
          )}
          <section className="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">Tokens for the terminal</h2>
            <p className="muted">A token lets cmdx act as you from a terminal, with your role and rooms. Make one per computer; revoke it when done.</p>
            <MyTokens now={now} loginLine={loginLine} />
          </section>
        </>
      )}
    </main>
  );
}
