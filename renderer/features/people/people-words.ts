/** The People page's words: how a person signs in, when they were last active, the rooms typed as tags. */
import { parseTagList } from '../../../shared/api.ts';
import type { Scope } from '../../../shared/roles.ts';
import type { UserDto } from '../../lib/api-types.ts';
import { ago } from '../../lib/format.ts';

export const SIGN_IN_WORDS: Record<UserDto['signIn'], string> = {
  password: 'Password',
  oidc: 'School account',
  none: 'Not yet',
};

/** "5 min ago", or "never" for someone who has not signed in or used a token. */
export function lastActive(user: UserDto, now: number): string {
  return user.lastActiveAt ? ago(Date.parse(user.lastActiveAt), now) : 'never';
}

/** The rooms typed as "room-b, room-c": a scope, or null (every PC) when empty; throws a sentence naming a bad tag. */
export function scopeFromText(text: string): Scope | null {
  const tags = parseTagList(text);
  return tags.length ? { tags } : null;
}

/** A person as a title: "Maria Rossi (maria)", or the name alone. */
export function personTitle(user: Pick<UserDto, 'name' | 'displayName'>): string {
  return user.displayName ? `${user.displayName} (${user.name})` : user.name;
}
