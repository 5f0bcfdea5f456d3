/** What every route needs, built once by server.ts and passed into app.ts. */
import type { ScheduleClock } from './templates/schedule-clock.ts';
import type { Logger } from '../logger.ts';
import type { FailedAuthLimiter, Tokens } from './http/auth.ts';
import type { CoordinatorEvents } from './live/events.ts';
import type { GroupCommit } from './state/group-commit.ts';
import type { ArtifactStore } from './files/artifact-store.ts';
import type { Store } from './state/store.ts';
import type { UploadIndex } from './files/upload-index.ts';
import type { ZipSources } from './files/zip-sources.ts';
import type { JoinRequests } from './workers/join-requests.ts';
import type { ConnectionGuard } from './http/connection-guard.ts';
import type { Scheduler } from './jobs/scheduler.ts';
import type { Notifier } from './notify/notifier.ts';
import type { WakeRelays } from './workers/wake-relays.ts';
import type { WakeTransport } from '../wake-on-lan.ts';
import type { SessionLimits } from './people/identity.ts';
import type { CoordinatorMetrics } from './metrics.ts';
import type { LoginThrottle } from './people/login-throttle.ts';
import type { OidcSettings } from './people/oidc-settings.ts';

export interface CoordinatorSettings {
  /** Off only with --no-auth: then every endpoint is open, as in the seed. */
  auth: boolean;
  tokens: Tokens;
  offlineAfterSeconds: number;
  heartbeatIntervalSeconds: number;
  maxUploadBytes: number;
  maxPendingJobs: number;
  maxOutputBytes: number;
  /** SHA-256 of the TLS certificate workers pin; null when the coordinator serves plain HTTP (--no-tls). */
  fingerprint: string | null;
  /** The address it listens on (0.0.0.0: every address of this PC). */
  host: string;
  /** Whether POST /api/execute may run commands here (mode=direct). */
  directRuns: boolean;
  /** Dashboard sessions: the idle limit and the absolute one. */
  sessions: SessionLimits;
  auditRetentionDays: number;
  /** Sign-in with the school's accounts, when configured. */
  oidc: OidcSettings | null;
  /** The other coordinators of the campus, `host:port`: the join lines list them after this one. */
  otherCoordinators: string[];
}

export interface CoordinatorContext {
  store: Store;
  /** The campus duties (campus/duties.ts), once started: whether this coordinator runs them now. */
  duties?: { readonly running: boolean };
  /** What the database knows about uploaded zips (their SHA-256, who may fetch them). */
  uploadIndex: UploadIndex;
  /** Where a worker fetches a zip: here, or a peer holding it (with a ticket). */
  zipSources: ZipSources;
  /** Result files workers brought back (<data-dir>/artifacts). */
  artifacts: ArtifactStore;
  /** Await `commit.durable()` before acknowledging any change. */
  commit: GroupCommit;
  scheduler: Scheduler;
  /** Runs saved commands on their schedules. */
  schedules: ScheduleClock;
  events: CoordinatorEvents;
  /** Runs finished, jobs failed, workers offline: to the desktop app's listeners and the webhooks. */
  notifier: Notifier;
  limiter: FailedAuthLimiter;
  /** Event-loop delay, memory and uptime (GET /api/coordinator/metrics). */
  metrics: CoordinatorMetrics;
  /** Wrong passwords slow down their address and name (people/login-throttle.ts). */
  loginThrottle: LoginThrottle;
  logger: Logger;
  settings: CoordinatorSettings;
  dataDir: string;
  uploadsDir: string;
  /** PCs waiting for the admin's approval to join. */
  joinRequests: JoinRequests;
  /** Connection caps and deadlines per address. */
  guard: ConnectionGuard;
  /** Scratch space for direct-mode runs. */
  tmpDir: string;
  /** Live direct-mode runs, so a stop can kill them. */
  directRuns: Set<AbortController>;
  /** Magic packets waiting for a worker to relay them on its network. */
  wakeRelays: WakeRelays;
  /** The coordinator's own networks and how a magic packet is sent on one. */
  wakeTransport: WakeTransport;
  /** The built dashboard (index.html and assets), served at /; undefined when not built. */
  staticDir: string | undefined;
}
