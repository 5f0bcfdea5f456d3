/**
 * The admin token in the browser: in sessionStorage, scoped to this exact origin (port included) and
 * gone with the tab, never in a cookie a page on another port of this host could read. A new tab of
 * the same dashboard asks its open siblings over a same-origin BroadcastChannel, so opening a second
 * tab does not mean typing the token again.
 */
const KEY = 'cmdx_admin_token';
type Message = { type: 'ask' } | { type: 'token'; token: string } | { type: 'logout' };

const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('cmdx-admin-session');
channel?.addEventListener('message', (event: MessageEvent<Message>) => {
  const token = savedToken();
  if (event.data.type === 'ask' && token) channel.postMessage({ type: 'token', token } satisfies Message);
  if (event.data.type === 'logout') sessionStorage.removeItem(KEY);
});

export function savedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Keeps the token for this tab (null: logs this tab and its siblings out). */
export function saveToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else {
    sessionStorage.removeItem(KEY);
    channel?.postMessage({ type: 'logout' } satisfies Message);
  }
}

/** The token an open tab of this dashboard holds, if one answers within `timeoutMs`. */
export function tokenFromOtherTabs(timeoutMs = 300): Promise<string | null> {
  const asking = channel;
  if (!asking) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (token: string | null) => {
      clearTimeout(timer);
      asking.removeEventListener('message', onMessage);
      resolve(token);
    };
    const onMessage = (event: MessageEvent<Message>) => {
      if (event.data.type === 'token') done(event.data.token);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    asking.addEventListener('message', onMessage);
    asking.postMessage({ type: 'ask' } satisfies Message);
  });
}
