/**
 * The dashboard's pages by URL hash, tried in order: a job (`#/jobs/<id>`), a run (`#/runs/<id>`), the
 * new-job form on its own page (`#/new`, `?from=<jobId>`: Run again), else the home page with its Runs
 * tab (`#/runs`) or its Jobs tab (anything else); the saved commands and their schedules (`#/templates`,
 * `?edit=<templateId>`: one open for editing); People (`#/people`) and Activity (`#/activity`) for an admin, and
 * Your account (`#/account`) for everyone. A page the role may not use says so instead (its `needs`, read from
 * the endpoint table). The worker's own screen (`#/worker`) and the desktop app's first-launch setup (`#/setup`)
 * stand outside the dashboard and its sign-in (app.tsx).
 */
import type { ReactNode } from 'react';
import type { WorkerDto } from '../../shared/api.ts';
import type { OperationId } from '../../shared/endpoints/index.ts';
import type { PersonRole } from '../../shared/roles.ts';
import { ActivityPage } from '../features/activity/activity-page.tsx';
import { JobPage } from '../features/jobs/job-page.tsx';
import { AccountPage } from '../features/people/account-page.tsx';
import { PeoplePage } from '../features/people/people-page.tsx';
import { NewJobPage } from '../features/new-job/new-job-page.tsx';
import { RunPage } from '../features/runs/run-page.tsx';
import { TemplatesPage } from '../features/templates/index.tsx';
import { can } from '../lib/can.ts';
import { HomePage, type HomeTab } from './home-page.tsx';
import { NotForRole } from './not-for-role.tsx';
import type { SkipTarget } from './skip-links.tsx';

/** What the dashboard gives every page besides its URL's parameters. */
export interface PageContext {
  now: number;
  workers: WorkerDto[];
  maxUploadBytes: number | null;
  openJoin: () => void;
  openPolicy: () => void;
  /** The signed-in person's role: a page it may not use is not shown. */
  role: PersonRole;
}

/** Besides the page: `id` names the page shown (the URL matched, unless given: the home page's two tabs are one page), `skip` its skip link. */
interface RouteOptions {
  id?: string;
  skip?: SkipTarget;
  /** The page's title and the operation it is for: a role that may not call it sees why instead. */
  needs?: { title: string; operation: OperationId };
}

interface Route extends RouteOptions {
  pattern: RegExp;
  page: (match: RegExpExecArray, context: PageContext) => ReactNode;
}

/** A route whose parameters are read from the pattern's groups once, typed, before the page is made. */
function route<P>(
  pattern: RegExp,
  params: (match: RegExpExecArray) => P,
  page: (params: P, context: PageContext) => ReactNode,
  options: RouteOptions = {},
): Route {
  return { pattern, page: (match, context) => page(params(match), context), ...options };
}

const NEW_JOB: SkipTarget = { label: 'Skip to New job', selectors: ['#new-job-title'] };

/** An id from the URL; `key` (as written in the URL) keys its page, so another id mounts a fresh page and no notice follows. */
function idParam(raw: string): { key: string; id: string } {
  return { key: raw, id: decodeURIComponent(raw) };
}

export const ROUTES: readonly Route[] = [
  route(
    /^#\/jobs\/([^/?#]+)/,
    (m) => idParam(m[1]!),
    (job, { now }) => <JobPage key={job.key} jobId={job.id} now={now} />,
    { skip: { label: 'Skip to the output', selectors: ['[data-testid="log-view"]'] } },
  ),
  route(
    /^#\/runs\/([^/?#]+)/,
    (m) => idParam(m[1]!),
    (run, { now }) => <RunPage key={run.key} runId={run.id} now={now} />,
    { skip: { label: "Skip to the run's jobs", selectors: ['[data-testid="run-tiles"]', '.run-page .toolbar'] } },
  ),
  route(
    /^#\/new(?:\?from=([^&#]+))?/,
    (m) => (m[1] ? idParam(m[1]) : null),
    (from, { workers, maxUploadBytes }) => (
      <NewJobPage key={from?.key ?? 'new'} fromJobId={from?.id ?? null} workers={workers} maxUploadBytes={maxUploadBytes} />
    ),
    { needs: { title: 'New job', operation: 'postJobsCreate' } },
  ),
  route(
    /^#\/people/,
    () => null,
    (_, { now }) => <PeoplePage now={now} />,
    { needs: { title: 'People', operation: 'getUsersCreate' } },
  ),
  route(
    /^#\/activity/,
    () => null,
    (_, { now }) => <ActivityPage now={now} />,
    { needs: { title: 'Activity', operation: 'getAudit' } },
  ),
  route(
    /^#\/account/,
    () => null,
    (_, { now }) => <AccountPage now={now} />,
  ),
  route(
    /^#\/templates(?:\?edit=([^&#]+))?/,
    (m) => (m[1] ? decodeURIComponent(m[1]) : null),
    (editId, { now }) => <TemplatesPage editId={editId} now={now} />,
    // One page whatever it edits: opening the editor keeps the focus in its dialog.
    { id: 'templates' },
  ),
  route(/^#\/runs/, (): HomeTab => 'runs', homePage, { id: 'home', skip: NEW_JOB }),
  route(/^/, (): HomeTab => 'jobs', homePage, { id: 'home', skip: NEW_JOB }),
];

function homePage(tab: HomeTab, { now, maxUploadBytes, openJoin, openPolicy }: PageContext): ReactNode {
  return <HomePage tab={tab} now={now} maxUploadBytes={maxUploadBytes} onJoin={openJoin} onPolicy={openPolicy} />;
}

/** What a URL hash (`#/…`) shows: the page, which page it is, and its skip link; the last route matches any. */
export function pageFor(hash: string, context: PageContext): { page: ReactNode; id: string; skip: SkipTarget | null } {
  for (const { pattern, page, id, skip, needs } of ROUTES) {
    const match = pattern.exec(hash);
    if (!match) continue;
    if (needs && !can(context.role, needs.operation)) return { page: <NotForRole title={needs.title} role={context.role} />, id: match[0], skip: null };
    return { page: page(match, context), id: id ?? match[0], skip: skip ?? null };
  }
  return { page: null, id: '', skip: null };
}

/** The pages outside the dashboard: no login, no live feed. */
export type StandalonePage = 'setup' | 'worker';

export function standalonePage(hash: string): StandalonePage | null {
  if (hash.startsWith('#/setup')) return 'setup';
  if (hash.startsWith('#/worker')) return 'worker';
  return null;
}
