/**
 * The worker agent's loop: register, heartbeat on its own timer, long-poll for a job and hand it to
 * one job's run (job-run.ts), whose final report goes out through the outbox (report-delivery.ts).
 * States: starting, idle, busy, paused, disconnected, stopped.
 */
import { EventEmitter } from 'node:events';
import { hostname, platform } from 'node:os';
import type { AssignedJobDto, LogEntry } from '../../../shared/api.ts';
import type { AgentState, AgentStatus, JobSummary } from '../../../shared/worker-view.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { WORKER_OPTIONS } from '../options/worker-options.ts';
import { privateDir } from '../paths.ts';
import { WarmShell } from '../runner/warm-shell.ts';
import { BundleCache } from './bundle-cache.ts';
import { CoordinatorClient, CoordinatorError, CoordinatorUnreachable } from './coordinator-client.ts';
import { PinningError } from '../pinned-tls.ts';
import { Heartbeat } from './heartbeat.ts';
import { JobIsolation } from './job-isolation.ts';
import { JobMarker, lockWorkDir, recoverInterruptedJob, unlockWorkDir } from './crash-recovery.ts';
import { runJob } from './job-run.ts';
import { RecentLog } from './recent-log.ts';
import { chooseIdleSource } from './idle-source.ts';
import { PolicyWatch } from './policy-watch.ts';
import { Outbox } from './outbox.ts';
import { JoinRefused, Registration } from './registration.ts';
import { ReportDelivery } from './report-delivery.ts';
import { backoffMs, classify } from './retry.ts';
import { selfCheck } from './self-check.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import type { WorkerEndReason } from '../../../shared/job-status.ts';

export type { AgentState, AgentStatus, JobSummary, WorkerAgentOptions };

interface AgentEvents {
  state: [AgentState];
  output: [jobId: string, entry: LogEntry];
  /** A job starts; `notice`: the lab wants the person at the PC told (if they are there). */
  'job-started': [job: JobSummary, notice: boolean];
}

const RECENT_JOBS = 20;
const LIVE_OUTPUT_CHARS = 64 * 1024;
/** Reports that cannot be delivered while stopping stay in the outbox for the next start. */
const STOP_DELIVERY_MS = 10_000;

export class WorkerAgent extends EventEmitter<AgentEvents> {
  readonly #o: WorkerAgentOptions;
  readonly #client: CoordinatorClient;
  readonly #logger: Logger;
  readonly #outbox: Outbox;
  readonly #delivery: ReportDelivery;
  #warmShell: WarmShell | undefined;
  #isolation: JobIsolation | undefined;
  readonly #cache: BundleCache;
  readonly #stop = new AbortController();
  readonly #heartbeat: Heartbeat;
  readonly #registration: Registration;
  #state: AgentState;
  #cancelCurrent: AbortController | undefined;
  #cancelReason: string | undefined;
  #cancelCause: WorkerEndReason = 'error';
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #pollAbort: AbortController | undefined;
  #output = new RecentLog(LIVE_OUTPUT_CHARS);
  readonly #policy: PolicyWatch;

  constructor(options: WorkerAgentOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#client = new CoordinatorClient({ server: options.server, fingerprint: options.fingerprint });
    privateDir(options.workDir); // its identity, unsent reports and cached zips: nobody else's business
    this.#outbox = new Outbox(options.workDir);
    this.#cache = new BundleCache(options.workDir);
    this.#registration = new Registration({
      client: this.#client,
      workDir: options.workDir,
      logger: this.#logger,
      id: options.id,
      name: options.name,
      tags: options.tags,
      joinToken: options.joinToken,
      sleep: (ms) => this.sleep(ms),
      stopped: () => this.#stop.signal.aborted,
      onPairingCode: (pairing) => this.update({ pairingCode: pairing?.code ?? null, pairingFingerprint: pairing?.fingerprint ?? null }),
      warnings: () => this.#isolation?.summary.notes ?? [],
    });
    this.#heartbeat = new Heartbeat({
      client: this.#client,
      intervalMs: (options.heartbeatIntervalSeconds ?? WORKER_OPTIONS['heartbeat-interval'].default) * 1000,
      describe: () => ({
        workerId: this.workerId,
        jobId: this.#state.currentJob?.jobId ?? null,
        paused: this.#state.paused,
        availability: this.#policy.availability,
      }),
      onAnswer: ({ cancelJobIds, policy }) => {
        this.setConnected(true);
        if (policy) this.#policy.setPolicy(policy);
        if (this.#state.currentJob && cancelJobIds.includes(this.#state.currentJob.jobId)) this.cancelCurrent();
      },
      onError: (error) => {
        if (classify(error, 'worker') === 'reregister') this.#registration.forget();
        else if (!this.#stop.signal.aborted) this.setConnected(false, (error as Error).message);
      },
      stopped: () => this.#stop.signal.aborted,
    });
    this.#delivery = new ReportDelivery({
      outbox: this.#outbox,
      client: this.#client,
      logger: this.#logger,
      workerId: () => this.workerId,
      reregister: () => this.#registration.register(),
      onRetry: (message) => this.setConnected(false, message),
      sleep: (ms) => this.sleep(ms),
      stopping: () => this.#stop.signal.aborted,
    });
    this.#policy = new PolicyWatch({
      idle: chooseIdleSource(options.idleSource),
      onChange: (now) => {
        this.#logger.info(now.available ? 'the policy lets this PC run jobs' : 'waiting: the policy keeps this PC from jobs now', { reason: now.reason });
        this.update({ waiting: now.available ? null : now.reason, policy: this.#policy.describe() });
        if (!now.available && !this.#state.currentJob) this.#pollAbort?.abort(); // no job may arrive now
        if (now.available) this.#wakeUp?.();
        if (this.#registration.registered) this.#heartbeat.now();
      },
      onCancel: () => this.cancelCurrent("The PC's user came back, and the lab's policy cancels jobs then.", 'pc_in_use'),
      onNoIdleSource: () =>
        this.#logger.warn('the policy runs jobs only when the PC is idle, but this PC cannot measure idle time: jobs run at any time', {
          hint: 'give the worker --idle-file, or run it in the desktop app',
        }),
    });
    this.#state = {
      status: 'starting',
      workerId: this.#registration.workerId,
      name: options.name ?? hostname(),
      server: this.#client.server.origin,
      connected: false,
      paused: false,
      currentJob: null,
      recentJobs: [],
      lastError: null,
      waiting: null,
      policy: this.#policy.describe(),
      suspended: false,
    };
  }

  get state(): AgentState {
    return structuredClone(this.#state);
  }

  /** The running job's latest output, in order (bounded), for a view opened mid-job. */
  get currentOutput(): LogEntry[] {
    return this.#output.entries();
  }

  get workerId(): string {
    return this.#registration.workerId;
  }

  /** Starts the agent; it runs until stop(). Throws at once if another worker uses the work dir. */
  start(): void {
    if (this.#loop) return;
    lockWorkDir(this.#o.workDir);
    this.#policy.start();
    this.#isolation = new JobIsolation({
      allowRootJobs: this.#o.unsafeJobsAsRoot,
      workDir: this.#o.workDir,
      runAs: this.#o.runAs,
      memoryMb: this.#o.jobMemoryMb,
      maxProcs: this.#o.jobMaxProcs,
      logger: this.#logger,
    });
    // Forked ahead of time with the job environment (only when jobs run as our own user: see JobIsolation).
    this.#warmShell = new WarmShell({ env: this.#isolation.baseEnv, dropTo: this.#isolation.dropTo });
    if (platform() !== 'win32' && this.#isolation.warmShellAllowed) this.#warmShell.prepare();
    this.#loop = this.run().catch((error: Error) => {
      this.#logger.error('worker loop crashed', { error: error.stack ?? error.message });
    });
  }

  pause(): void {
    // Paused twice: the first time is when it was paused.
    this.update({ paused: true, pausedAt: this.#state.paused ? this.#state.pausedAt : Date.now() });
    this.#logger.info('paused: no new jobs will be taken');
    this.#pollAbort?.abort(); // leave the long poll now, so no job arrives after the pause
    if (this.#registration.registered) this.#heartbeat.now();
  }

  resume(): void {
    delete this.#state.pausedAt;
    this.update({ paused: false });
    this.#wakeUp?.();
    this.#logger.info('resumed');
    if (this.#registration.registered) this.#heartbeat.now();
  }

  /** Stops taking jobs; the current one finishes (or is cancelled with `cancel`), is reported, then the agent ends. */
  async stop(options: { cancel?: boolean; reason?: string } = {}): Promise<void> {
    if (options.cancel) this.cancelCurrent(options.reason ?? 'Worker stopped before the job finished.', 'worker_shutdown');
    if (!this.#stop.signal.aborted) {
      this.#logger.info('stopping: no new jobs will be taken', { running: this.#state.currentJob?.jobId ?? null });
      this.#stop.abort();
      this.#wakeUp?.();
    }
    await this.#loop;
    this.#warmShell?.close();
    this.#heartbeat.stop();
    this.#policy.stop();
    // Said once, briefly: the dashboard shows this PC offline at once instead of after --offline-after.
    if (this.#registration.registered) await this.#client.goodbye(this.workerId).catch(() => {});
    this.#client.close();
    unlockWorkDir(this.#o.workDir);
    this.update({ status: 'stopped' });
  }

  /** Stops the running job's processes (SIGTERM, then SIGKILL after the grace period). */
  cancelCurrent(reason = 'Cancelled by request.', cause: WorkerEndReason = 'error'): void {
    if (!this.#cancelCurrent || this.#cancelCurrent.signal.aborted) return;
    this.#cancelReason = reason;
    this.#cancelCause = cause;
    this.#cancelCurrent.abort();
  }

  // ---- the loop --------------------------------------------------------------------------------

  private async run(): Promise<void> {
    recoverInterruptedJob(this.#o.workDir, this.#outbox, this.#logger);
    const leftovers = await this.#isolation!.sweep();
    if (leftovers > 0) this.#logger.warn('stopped processes that jobs of a previous run left in their cgroups', { cgroups: leftovers });
    const check = await selfCheck(() => this.#isolation!.prepare('self-check'), this.#isolation!.warmShellAllowed ? this.#warmShell : undefined);
    if (check.ok) this.#logger.info('self-check passed: this PC can run jobs', { ms: check.ms });
    else this.#logger.error('self-check failed: jobs on this PC will probably fail', { error: check.error, workDir: this.#o.workDir });
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      try {
        if (!this.#registration.hasIdentity) this.#outbox.clear(); // another coordinator's reports: nobody to send them to
        await this.#delivery.flush();
        if (!this.#registration.registered) {
          await this.#registration.connect(this.#state.currentJob?.jobId ?? null, this.#state.paused);
          this.setConnected(true);
        }
        this.#heartbeat.schedule(0);
        if (this.#state.paused || !this.#policy.availability.available) {
          this.setConnected(true);
          await this.sleep(60_000); // woken by resume, or when the policy lets this PC work again
          continue;
        }
        this.#pollAbort = new AbortController();
        const polling = this.#o.pollIntervalMs !== undefined;
        const job = await this.#client.getJob(
          this.workerId,
          polling ? 0 : (this.#o.pollWaitSeconds ?? 30),
          AbortSignal.any([this.#stop.signal, this.#pollAbort.signal]),
        );
        this.setConnected(true);
        failures = 0;
        if (job) await this.takeJob(job);
        else if (polling) await this.sleep(this.#o.pollIntervalMs!);
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        if (this.#pollAbort?.signal.aborted) continue; // paused during the long poll
        await this.recover(error, failures++);
      }
    }
    // Deliver what is left, briefly; anything undelivered stays in the outbox for the next start.
    await Promise.race([this.#delivery.flush().catch(() => {}), new Promise((r) => setTimeout(r, STOP_DELIVERY_MS).unref())]);
  }

  /** What the loop does after a failed call, decided by the worker's one error classification. */
  private async recover(error: unknown, attempt: number): Promise<void> {
    const message = (error as Error).message;
    if (error instanceof JoinRefused) {
      this.#logger.error(message);
      this.setConnected(false, message);
      return this.sleep(24 * 3600_000); // not asking again until restarted (a stop wakes this)
    }
    if (classify(error, 'worker') === 'reregister') {
      this.#logger.warn('the coordinator does not know this worker (or its token); registering again', { error: message });
      this.#registration.forget();
      return this.sleep(backoffMs(attempt, 5000));
    }
    if (error instanceof CoordinatorUnreachable || error instanceof PinningError || (error instanceof CoordinatorError && error.status >= 500)) {
      this.setConnected(false, message);
    } else this.#logger.error('worker loop error', { error: message });
    return this.sleep(backoffMs(attempt));
  }

  private async takeJob(job: AssignedJobDto): Promise<void> {
    const summary: JobSummary = { jobId: job.jobId, filename: job.filename, command: job.command, startedAt: Date.now() };
    const cancel = new AbortController();
    this.#cancelCurrent = cancel;
    this.#cancelReason = undefined;
    this.#cancelCause = 'error';
    const marker = new JobMarker(this.#o.workDir, job.jobId);
    this.#output = new RecentLog(LIVE_OUTPUT_CHARS);
    this.#policy.setBusy(true);
    const onSuspension = (suspended: boolean) => {
      this.#logger.info(suspended ? "job suspended: the PC's user is back" : 'job resumed: the PC is free again', { jobId: job.jobId });
      this.update({ suspended });
    };
    const unsubscribe = this.#policy.subscribe(onSuspension);
    this.update({ currentJob: summary });
    this.emit('job-started', summary, this.#policy.policy.notices);
    this.#logger.info('job started', { jobId: job.jobId, filename: job.filename });
    const report = await runJob(job, {
      client: this.#client,
      cache: this.#cache,
      outbox: this.#outbox,
      warmShell: this.#warmShell!,
      isolation: this.#isolation!,
      logger: this.#logger,
      workerId: this.workerId,
      marker,
      maxExtractBytes: (this.#o.maxExtractMb ?? WORKER_OPTIONS['max-extract-mb'].default) * 1024 * 1024,
      maxOutputBytes: (this.#o.maxOutputMb ?? WORKER_OPTIONS['max-output-mb'].default) * 1024 * 1024,
      maxArtifactsBytes: (this.#o.maxArtifactsMb ?? WORKER_OPTIONS['max-artifacts-mb'].default) * 1024 * 1024,
      killGraceMs: this.#o.killGraceMs ?? 10_000,
      cancel: cancel.signal,
      cancelReason: () => this.#cancelReason ?? 'Cancelled.',
      cancelCause: () => this.#cancelCause,
      onCancelRequested: () => this.cancelCurrent(),
      onCommandStart: this.#o.onCommandStart,
      onText: (stream, data, time) => this.emit('output', job.jobId, this.#output.add(stream, data, time)),
      suspension: this.#policy,
      priority: this.#policy.policy.priority,
    });
    this.#cancelCurrent = undefined;
    unsubscribe();
    this.#policy.setBusy(false);
    this.update({ suspended: false });
    await this.#delivery.deliver(report);
    marker.clear();
    const ended: JobSummary = {
      ...summary,
      endedAt: Date.now(),
      status: report.kind === 'result' ? 'completed' : cancel.signal.aborted ? 'cancelled' : 'failed',
      exitCode: report.kind === 'result' ? report.exitCode : null,
      errorMessage: report.kind === 'failure' ? report.errorMessage : null,
    };
    this.#logger.info('job finished', { jobId: job.jobId, status: ended.status, exitCode: ended.exitCode, errorMessage: ended.errorMessage });
    this.update({ currentJob: null, recentJobs: [ended, ...this.#state.recentJobs].slice(0, RECENT_JOBS) });
  }

  // ---- state -----------------------------------------------------------------------------------

  private update(patch: Partial<AgentState>): void {
    Object.assign(this.#state, patch);
    const s = this.#state;
    if (s.status !== 'stopped' && s.status !== 'starting') {
      s.status = s.currentJob ? 'busy' : !s.connected ? 'disconnected' : s.paused ? 'paused' : s.waiting ? 'waiting' : 'idle';
    }
    this.emit('state', this.state);
  }

  private setConnected(connected: boolean, error?: string): void {
    if (connected !== this.#state.connected || (error && error !== this.#state.lastError)) {
      if (!connected) this.#logger.warn('coordinator unreachable; retrying with backoff', { server: this.#client.server.origin, error });
      else if (this.#state.status === 'disconnected' || this.#state.status === 'starting')
        this.#logger.info('connected to the coordinator', { server: this.#client.server.origin });
    }
    if (this.#state.status === 'starting') this.#state.status = 'idle';
    this.update({ connected, lastError: error ?? (connected ? null : this.#state.lastError) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
    });
  }
}
