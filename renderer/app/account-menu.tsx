/**
 * Who is signed in, in the header ("maria · teacher · room-b"), as a disclosure: your account and tokens, People and
 * Activity for an admin, Sign out. Esc or a click elsewhere closes it; the focus goes back to its button.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { Icon } from '../components/icons.tsx';
import { personLine } from '../lib/person-words.ts';
import { useCan, useSession } from '../lib/session-context.tsx';
import './account-menu.css';

/** Closes the menu on Esc (focus back on its button), on a click outside it, and when the page changes. */
function useClosing(open: boolean, close: () => void, root: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      close();
      root.current?.querySelector('button')?.focus();
    };
    const onClick = (e: MouseEvent) => !root.current?.contains(e.target as Node) && close();
    addEventListener('keydown', onKey);
    addEventListener('click', onClick);
    addEventListener('hashchange', close);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('click', onClick);
      removeEventListener('hashchange', close);
    };
  }, [open, close, root]);
}

export function AccountMenu() {
  const { session, signOut } = useSession();
  const seesPeople = useCan('getUsersCreate');
  const seesActivity = useCan('getAudit');
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useClosing(open, close, root);
  const line = personLine(session.user);
  return (
    <div className="account-menu" ref={root}>
      <button
        className="link top-button"
        aria-expanded={open}
        aria-controls="account-menu-list"
        title={`Signed in as ${line}`}
        data-testid="header-user"
        onClick={() => setOpen(!open)}
      >
        <Icon name="person" /> <span className="who-words">{line}</span>
      </button>
      {open && (
        <ul id="account-menu-list" className="account-menu-list">
          {session.user.userId && (
            <li>
              <a href="#/account">Your account and tokens</a>
            </li>
          )}
          {seesPeople && (
            <li>
              <a href="#/people">People</a>
            </li>
          )}
          {seesActivity && (
            <li>
              <a href="#/activity">Activity</a>
            </li>
          )}
          {signOut && (
            <li>
              <button type="button" className="link" onClick={signOut}>
                <Icon name="logout" /> Sign out
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
