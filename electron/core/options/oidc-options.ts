/** `cmdx coordinator`'s --oidc-* flags checked and turned into OidcSettings, with a sentence for each mistake. */
import { readFileSync } from 'node:fs';
import { TAG_PATTERN } from '../../../shared/api.ts';
import { LIMITS } from '../../../shared/limits.ts';
import { PERSON_ROLES, type PersonRole } from '../../../shared/roles.ts';
import { allowedOidcUrl, OIDC_CALLBACK_PATH, type OidcRoleRule, type OidcSettings } from '../coordinator/people/oidc-settings.ts';
import type { COORDINATOR_OPTIONS } from './coordinator-options.ts';
import type { OptionValues } from './option-table.ts';
import { UsageError } from './parse-options.ts';

type Values = OptionValues<typeof COORDINATOR_OPTIONS>;

const MAP_FORM = 'VALUE=ROLE[@tag+tag], e.g. teachers=teacher,room-b-tas=assistant@room-b';

/** The settings the --oidc-* flags describe; undefined when --oidc-issuer is absent (and no other --oidc-* flag is given). */
export function oidcSettingsFrom(values: Values, readSecret: (file: string) => string = (file) => readFileSync(file, 'utf8')): OidcSettings | undefined {
  const issuer = values['oidc-issuer'];
  if (issuer === undefined) {
    const stray = (['oidc-client-id', 'oidc-client-secret-file', 'oidc-redirect-uri'] as const).find((name) => values[name] !== undefined);
    if (stray || values['oidc-role-map'].length > 0) throw new UsageError(`--${stray ?? 'oidc-role-map'} needs --oidc-issuer (the school's OpenID provider).`);
    return undefined;
  }
  checkedUrl('--oidc-issuer', issuer);
  if (values['no-auth']) throw new UsageError('--no-auth turns sign-in off; leave out --oidc-issuer, or leave out --no-auth.');
  const clientId = values['oidc-client-id'];
  if (!clientId) throw new UsageError('--oidc-issuer needs --oidc-client-id: the client id this coordinator is registered under at the provider.');
  const roles = parseRoleMap(values['oidc-role-map']);
  if (roles.length === 0) throw new UsageError(`--oidc-issuer needs --oidc-role-map (${MAP_FORM}); without it nobody could sign in.`);
  const roleClaim = values['oidc-role-claim'].trim();
  if (!roleClaim) throw new UsageError('--oidc-role-claim must name a claim, e.g. groups or roles.');
  return {
    // As given: discovery compares it with what the provider says, both read as URLs.
    issuer,
    clientId,
    clientSecret: secretFrom(values['oidc-client-secret-file'], readSecret),
    roleClaim,
    roles,
    redirectUri: redirectUri(values['oidc-redirect-uri']),
    label: label(values['oidc-label']),
  };
}

/** An https URL (http only on loopback) without query or fragment. */
function checkedUrl(flag: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} must be a full address such as https://login.school.example/realms/school (got "${text.slice(0, 200)}").`);
  }
  if (!allowedOidcUrl(url))
    throw new UsageError(`${flag} must be an https:// address; plain http is accepted only on this PC's loopback (127.0.0.1, ::1, localhost), as tests use.`);
  if (url.search || url.hash) throw new UsageError(`${flag} takes no ?query or #fragment (got "${text.slice(0, 200)}").`);
  return url;
}

function redirectUri(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const url = checkedUrl('--oidc-redirect-uri', text);
  if (url.pathname !== OIDC_CALLBACK_PATH)
    throw new UsageError(`--oidc-redirect-uri must end in ${OIDC_CALLBACK_PATH}, where the coordinator answers (got "${url.pathname.slice(0, 200)}").`);
  return url.href;
}

function secretFrom(file: string | undefined, readSecret: (file: string) => string): string {
  if (!file) throw new UsageError('--oidc-issuer needs --oidc-client-secret-file FILE: a file holding the client secret the provider gave.');
  let secret: string;
  try {
    secret = readSecret(file).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--oidc-client-secret-file: cannot read ${file} (${code}); check the path and that this account may read it.`);
  }
  if (!secret) throw new UsageError(`--oidc-client-secret-file: ${file} is empty; put the client secret from the provider in it.`);
  if (/\s/.test(secret)) throw new UsageError(`--oidc-client-secret-file: ${file} holds more than one word; it should hold only the client secret.`);
  return secret;
}

function label(text: string): string {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 60 || /[\p{Cc}\p{Cf}]/u.test(trimmed)) throw new UsageError('--oidc-label must be 1 to 60 printable characters.');
  return trimmed;
}

/** Every --oidc-role-map value, split at commas, in order. */
export function parseRoleMap(maps: string[]): OidcRoleRule[] {
  return maps
    .flatMap((map) => map.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseRule);
}

function parseRule(entry: string): OidcRoleRule {
  const bad = (why: string) => new UsageError(`--oidc-role-map: "${entry.slice(0, 200)}" ${why}; write ${MAP_FORM}.`);
  // The last `=`: a claim value may hold one (roles and tags never do).
  const at = entry.lastIndexOf('=');
  if (at <= 0) throw bad('is not VALUE=ROLE');
  const value = entry.slice(0, at).trim();
  const [role, tagList, extra] = entry
    .slice(at + 1)
    .trim()
    .split('@');
  if (extra !== undefined) throw bad('has more than one @');
  if (!(PERSON_ROLES as readonly string[]).includes(role!)) throw bad(`names no role (roles: ${PERSON_ROLES.join(', ')})`);
  if (tagList === undefined) return { value, role: role as PersonRole, scope: null };
  if (role === 'admin') throw bad('gives an admin rooms, but an admin sees every PC');
  const tags = tagList.split('+');
  const wrong = tags.find((tag) => !TAG_PATTERN.test(tag) || tag.length > LIMITS.tagLength);
  if (wrong !== undefined) throw bad(`names the room "${wrong.slice(0, 80)}", which is not a worker tag (letters, digits, . _ -)`);
  if (tags.length > 50) throw bad('names more than 50 rooms');
  return { value, role: role as PersonRole, scope: { tags } };
}
