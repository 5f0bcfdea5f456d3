/** People in a test coordinator: users made through the API, sign-ins that keep their cookie and anti-CSRF value. */
import type { ApiResponse, TestCoordinator } from './coordinator.ts';

export interface SignedIn {
  name: string;
  userId: string;
  cookie: string;
  csrf: string;
  /** A request with this person's session cookie (and its anti-CSRF value on changes, unless `csrf: false`). */
  api<T = any>(method: string, path: string, options?: { body?: unknown; csrf?: boolean; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
}

export async function createUser(
  c: TestCoordinator,
  name: string,
  role: 'admin' | 'teacher' | 'assistant',
  scope: { tags: string[] } | null = null,
  password = `${name}-password-1234`,
): Promise<{ userId: string; password: string }> {
  const res = await c.api('POST', '/api/users/create', { body: { name, role, scope, password } });
  if (res.status !== 200) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { userId: res.body.user.userId, password };
}

/** The session cookie's name=value from a Set-Cookie header. */
export function sessionCookieOf(headers: Headers): string {
  const set = headers.get('set-cookie') ?? '';
  const match = /cmdx_session=([^;]*)/.exec(set);
  if (!match) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return `cmdx_session=${match[1]}`;
}

export async function signIn(c: TestCoordinator, name: string, password: string): Promise<SignedIn> {
  const res = await c.api('POST', '/api/session/login', { token: null, body: { name, password } });
  if (res.status !== 200) throw new Error(`signing in ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = sessionCookieOf(res.headers);
  const csrf = res.body.csrfToken as string;
  return {
    name,
    userId: res.body.user.userId,
    cookie,
    csrf,
    api: (method, path, options = {}) =>
      c.api(method, path, {
        token: null,
        body: options.body,
        headers: { cookie, ...(method !== 'GET' && options.csrf !== false ? { 'x-csrf-token': csrf } : {}), ...(options.headers ?? {}) },
      }),
  };
}

/** A user of `role` (and scope), signed in. */
export async function person(
  c: TestCoordinator,
  name: string,
  role: 'admin' | 'teacher' | 'assistant',
  scope: { tags: string[] } | null = null,
): Promise<SignedIn> {
  const { password } = await createUser(c, name, role, scope);
  return signIn(c, name, password);
}
