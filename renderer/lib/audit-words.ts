/** An audit row in words: "Run by maria, 14:02, from 10.0.3.17"; a refused one says so in words, not only in colour. */
import type { AuditEntryDto } from './api-types.ts';
import { clock } from './format.ts';

/** What an action did, as the start of a sentence ("Cancelled by maria"); an action not listed reads as itself. */
const ACTION_WORDS: Record<string, string> = {
  execute: 'Run',
  'jobs.create': 'Run',
  'jobs.cancel': 'Cancelled',
  'runs.create': 'Run',
  'runs.rename': 'Renamed',
  'runs.cancel': 'Cancelled',
  'runs.rerun': 'Run again',
  'runs.comment': 'Comment written',
  'templates.create': 'Saved command made',
  'templates.update': 'Saved command changed',
  'templates.delete': 'Saved command deleted',
  'templates.run': 'Run from a saved command',
  'schedules.create': 'Scheduled',
  'schedules.update': 'Schedule changed',
  'schedules.pause': 'Schedule paused or resumed',
  'schedules.delete': 'Schedule deleted',
  'workers.register': 'Registered',
  'workers.rename': 'Renamed',
  'workers.tags': 'Tags changed',
  'workers.pause': 'Paused or resumed',
  'workers.forget': 'Forgotten',
  'workers.replace': 'Replaced',
  'workers.revoke': 'Revoked',
  'workers.policy': 'Policy changed',
  'workers.wake': 'Woken',
  'workers.power': 'Power action',
  'workers.join-requests': 'Asked to join',
  'workers.join-requests.approve': 'Let in',
  'workers.join-requests.refuse': 'Refused to join',
  'join-token.rotate': 'New join token',
  'users.create': 'Person added',
  'users.update': 'Person changed',
  'users.disable': 'Disabled or enabled',
  'tokens.create': 'Token made',
  'tokens.revoke': 'Token revoked',
  'session.login': 'Signed in',
  'session.logout': 'Signed out',
  'session.password': 'Password changed',
  'webhooks.create': 'Webhook added',
  'webhooks.delete': 'Webhook deleted',
};

const REASON_WORDS: Record<string, string> = {
  role_required: 'their role may not',
  out_of_scope: 'outside their rooms',
  csrf_failed: 'without the anti-CSRF value',
  invalid_credentials: 'wrong name, password or token',
  session_expired: 'their session had ended',
  rate_limited: 'too many tries',
  unauthorized: 'not signed in',
};

export function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? action;
}

export function reasonWords(reason: string | null): string {
  return reason ? (REASON_WORDS[reason] ?? reason.replaceAll('_', ' ')) : 'refused';
}

/** "14:02" today, "3 Dec 14:02" before. */
export function stamp(at: string, now: number): string {
  const ms = Date.parse(at);
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  return sameDay ? clock(ms) : `${new Date(ms).toLocaleDateString([], { day: 'numeric', month: 'short' })} ${clock(ms)}`;
}

/** "Run by maria, 14:02, from 10.0.3.17", or "Refused for sam: jobs.cancel (their role may not), 14:05, from 10.0.3.20". */
export function historyLine(entry: AuditEntryDto, now: number): string {
  const said =
    entry.outcome === 'refused'
      ? `Refused for ${entry.actor}: ${entry.action} (${reasonWords(entry.reason)})`
      : `${actionWords(entry.action)} by ${entry.actor}`;
  const detail = entry.detail ? ` (${entry.detail})` : '';
  const from = entry.address ? `, from ${entry.address.replace(/^::ffff:/, '')}` : '';
  return `${said}${detail}, ${stamp(entry.at, now)}${from}`;
}
