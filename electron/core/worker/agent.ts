/**
 * The worker agent: its parts wired together and what its callers do with it (start, pause, resume,
 * stop, cancel the job). Its loop (agent-loop.ts) registers, long-polls and hands a job to the current
 * job (current-job.ts → job-run.ts), whose final report goes out through the outbox (report-delivery.ts);
 * the heartbeat beats on its own timer; its state (agent-state.ts): starting, idle, busy, paused,
 * waiting, disconnected, stopped.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { LogEntry } from '../../../shared/api.ts';
import type { WorkerEndReason } from '../../../shared/job-status.ts';
import type { Availability } from '../../../shared/policy.ts';
import type { AgentState, AgentStatus, JobSummary } from '../../../shared/worker-view.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { WORKER_OPTIONS } from '../options/worker-options.ts';
import { privateDir } from '../paths.ts';
import type { WorkerAgentOptions } from './agent-options.ts';
import { AgentLoop } from './agent-loop.ts';
import { prepareRunners, type JobRunners } from './agent-startup.ts';
import { AgentStateHolder } from './agent-state.ts';
import { CoordinatorClient } from './coordinator-client.ts';
import { lockWorkDir, unlockWorkDir } from './crash-recovery.ts';
import { CurrentJob } from './current-job.ts';
import type { HeartbeatAnswer, HeartbeatInfo, Orders } from './coordinator-client.ts';
import { Heartbeat } from './heartbeat.ts';
import { chooseIdleSource } from './idle-source.ts';
import { Outbox } from './outbox.ts';
import { peerSharingOf, type PeerSharing } from './peer-sharing.ts';
import { PolicyWatch } from './policy-watch.ts';
import type { PowerControl } from './power.ts';
import { agentPowerControl } from './agent-power.ts';
import { relayWake } from './wake-relay.ts';
import { Registration } from './registration.ts';
import { ReportDelivery } from './report-delivery.ts';
import { classify } from './retry.ts';

export type { AgentState, AgentStatus, JobSummary, WorkerAgentOptions };

interface AgentEvents {
  state: [AgentState];
  output: [jobId: string, entry: LogEntry];
  /** A job starts; `notice`: the lab wants the person at the PC told (if they are there). */
  'job-started': [job: JobSummary, notice: boolean];
}

export class WorkerAgent extends EventEmitter<AgentEvents> {
  readonly #o: WorkerAgentOptions;
  readonly #client: CoordinatorClient;
  readonly #logger: Logger;
  readonly #outbox: Outbox;
  readonly #delivery: ReportDelivery;
  #runners: JobRunners | undefined;
  readonly #stop = new AbortController();
  readonly #heartbeat: Heartbeat;
  readonly #registration: Registration;
  readonly #policy: PolicyWatch;
  readonly #power: PowerControl;
  readonly #state: AgentStateHolder;
  readonly #job: CurrentJob;
  readonly #peers: PeerSharing | undefined;
  readonly #loop: AgentLoop;
  #running: Promise<void> | undefined;

  constructor(options: WorkerAgentOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#client = new CoordinatorClient({ server: options.server, servers: options.servers, fingerprint: options.fingerprint });
    privateDir(options.workDir); // its identity, unsent reports and cached zips: nobody else's business
    this.#outbox = new Outbox(options.workDir);
    this.#registration = new Registration({
      client: this.#client,
      workDir: options.workDir,
      logger: this.#logger,
      id: options.id,
      name: options.name,
      tags: options.tags,
      joinToken: options.joinToken,
      sleep: (ms) => this.#loop.sleep(ms),
      stopped: () => this.#stop.signal.aborted,
      onPairingCode: (pairing) => this.#state.update({ pairingCode: pairing?.code ?? null, pairingFingerprint: pairing?.fingerprint ?? null }),
      warnings: () => this.#runners?.isolation.summary.notes ?? [],
      onAnswer: (answer) => this.onOrders(answer),
    });
    this.#heartbeat = this.newHeartbeat(options);
    this.#peers = peerSharingOf(options, { client: this.#client, logger: this.#logger, workerId: () => this.workerId, onHolding: () => this.beatNow() });
    this.#delivery = new ReportDelivery({
      outbox: this.#outbox,
      client: this.#client,
      logger: this.#logger,
      workerId: () => this.workerId,
      reregister: () => this.#registration.register(),
      onRetry: (message) => this.#state.setConnected(false, message),
      sleep: (ms) => this.#loop.sleep(ms),
      stopping: () => this.#stop.signal.aborted,
    });
    this.#policy = this.newPolicyWatch(options);
    this.#power = agentPowerControl({
      agent: this,
      options,
      logger: this.#logger,
      policy: this.#policy,
      state: () => this.#state,
      loop: () => this.#loop,
      beatNow: () => this.beatNow(),
      availability: () => this.availability(),
    });
    const shown = {
      workerId: this.#registration.workerId,
      name: options.name ?? hostname(),
      server: this.#client.server.origin,
      policy: this.#policy.describe(),
    };
    this.#state = new AgentStateHolder(shown, this.#logger, (state) => this.emit('state', state));
    // What the current job and the loop both work with.
    const parts = {
      options,
      client: this.#client,
      outbox: this.#outbox,
      delivery: this.#delivery,
      policy: this.#policy,
      state: this.#state,
      logger: this.#logger,
    };
    this.#job = new CurrentJob({
      ...parts,
      workerId: () => this.workerId,
      runners: () => this.#runners!,
      peers: () => (this.#peers?.ready ? this.#peers : undefined),
      onStarted: (job, notice) => this.emit('job-started', job, notice),
      onOutput: (jobId, entry) => this.emit('output', jobId, entry),
    });
    this.#loop = new AgentLoop({
      ...parts,
      registration: this.#registration,
      heartbeat: this.#heartbeat,
      job: this.#job,
      stop: this.#stop.signal,
      mayTakeJobs: () => !this.#state.current.paused && this.#policy.availability.available && !this.#power.active,
      onOrders: (orders) => this.onOrders(orders),
    });
  }

  get state(): AgentState {
    return this.#state.copy();
  }

  /** The running job's latest output, in order (bounded), for a view opened mid-job. */
  get currentOutput(): LogEntry[] {
    return this.#job.output;
  }

  get workerId(): string {
    return this.#registration.workerId;
  }

  /** Starts the agent; it runs until stop(). Throws at once if another worker uses the work dir. */
  start(): void {
    if (this.#running) return;
    lockWorkDir(this.#o.workDir);
    this.#policy.start();
    this.#runners = prepareRunners(this.#o, this.#logger);
    void this.#peers?.start();
    this.#running = this.#loop.run(this.#runners).catch((error: Error) => {
      this.#logger.error('worker loop crashed', { error: error.stack ?? error.message });
    });
  }

  pause(): void {
    this.#state.setPaused(true);
    this.#logger.info('paused: no new jobs will be taken');
    this.#loop.leavePoll(); // leave the long poll now, so no job arrives after the pause
    this.beatNow();
  }

  resume(): void {
    this.#state.setPaused(false);
    this.#loop.wake();
    this.#logger.info('resumed');
    this.beatNow();
  }

  /** Stops taking jobs; the current one finishes (or is cancelled with `cancel`), is reported, then the agent ends. */
  async stop(options: { cancel?: boolean; reason?: string } = {}): Promise<void> {
    if (options.cancel) this.cancelCurrent(options.reason ?? 'Worker stopped before the job finished.', 'worker_shutdown');
    if (!this.#stop.signal.aborted) {
      this.#logger.info('stopping: no new jobs will be taken', { running: this.#state.current.currentJob?.jobId ?? null });
      this.#stop.abort();
      this.#loop.wake();
    }
    await this.#running;
    this.#runners?.warmShell.close();
    this.#heartbeat.stop();
    this.#policy.stop();
    this.#power.stop();
    await this.#peers?.stop();
    // Said once, briefly: offline at once instead of after --offline-after (powered off, not lost, when the admin asked).
    if (this.#registration.registered) await this.#client.goodbye(this.workerId, this.#power.active).catch(() => {});
    this.#client.close();
    unlockWorkDir(this.#o.workDir);
    this.#state.update({ status: 'stopped' });
  }

  /** Stops the running job's processes (SIGTERM, then SIGKILL after the grace period). */
  cancelCurrent(reason = 'Cancelled by request.', cause: WorkerEndReason = 'error'): void {
    this.#job.cancel(reason, cause);
  }

  // ---- the heartbeat and the policy --------------------------------------------------------------

  /** The heartbeat: what it says, and what its answers and errors mean. */
  private newHeartbeat(options: WorkerAgentOptions): Heartbeat {
    return new Heartbeat({
      client: this.#client,
      intervalMs: (options.heartbeatIntervalSeconds ?? WORKER_OPTIONS['heartbeat-interval'].default) * 1000,
      describe: () => this.describeBeat(),
      onAnswer: (answer, sent) => this.onHeartbeatAnswer(answer, sent),
      onError: (error) => this.onHeartbeatError(error),
      stopped: () => this.#stop.signal.aborted,
    });
  }

  /** What a heartbeat says now: the interfaces only when the coordinator has not heard them. */
  private describeBeat(): HeartbeatInfo {
    const interfaces = this.#registration.interfacesToSend();
    const { available, reason } = this.availability();
    return {
      workerId: this.workerId,
      jobId: this.#state.current.currentJob?.jobId ?? null,
      paused: this.#state.current.paused,
      available,
      reason,
      suspended: this.#state.current.suspended,
      inUse: this.#policy.inUse,
      ...(interfaces ? { interfaces } : {}),
      ...(this.#power.report ? { power: this.#power.report } : {}),
      peer: this.#peers?.describe(),
    };
  }

  /** Whether this PC may take a job now, and why not: its power action first, then the lab's policy. */
  private availability(): Availability {
    return this.#power.active ? { available: false, reason: this.#power.reason } : this.#policy.availability;
  }

  /** Tells the coordinator about a change now (once registered). */
  private beatNow(): void {
    if (this.#registration.registered) this.#heartbeat.now();
  }

  /** Orders from the coordinator: magic packets to relay on this PC's network, and the admin's power action. */
  private onOrders(orders: Orders): void {
    if (orders.wake?.length) void relayWake(orders.wake, { logger: this.#logger });
    if (orders.power) this.#power.handle(orders.power);
  }

  /** The lab's policy on this PC: its changes, a cancel when the user comes back, and the warning when idle time cannot be measured. */
  private newPolicyWatch(options: WorkerAgentOptions): PolicyWatch {
    return new PolicyWatch({
      idle: chooseIdleSource(options.idleSource),
      onChange: (now) => this.onPolicyChange(now),
      onCancel: () => this.cancelCurrent("The PC's user came back, and the lab's policy cancels jobs then.", 'pc_in_use'),
      canSuspend: () => this.#runners?.isolation.summary.canSuspend ?? true,
      onSuspendUnsupported: () =>
        this.#logger.warn("the PC's user is back and the lab's policy suspends jobs, but this PC cannot suspend them: the job finishes instead", {
          jobId: this.#state.current.currentJob?.jobId,
        }),
      onInUseChange: () => this.beatNow(),
      onNoIdleSource: () =>
        this.#logger.warn('the policy runs jobs only when the PC is idle, but this PC cannot measure idle time: jobs run at any time', {
          hint: 'give the worker --idle-file, or run it in the desktop app',
        }),
    });
  }

  private onHeartbeatAnswer(answer: HeartbeatAnswer, sent: HeartbeatInfo): void {
    const { cancelJobIds, policy } = answer;
    this.#state.setConnected(true);
    if (sent.interfaces) this.#registration.interfacesSent(sent.interfaces);
    if (policy) this.#policy.setPolicy(policy);
    this.#peers?.onHeartbeatAnswer(answer);
    this.onOrders(answer);
    const current = this.#state.current.currentJob;
    if (current && cancelJobIds.includes(current.jobId)) this.cancelCurrent();
  }

  private onHeartbeatError(error: unknown): void {
    if (classify(error, 'worker') === 'reregister') this.#registration.forget();
    else if (!this.#stop.signal.aborted) this.#state.setConnected(false, (error as Error).message);
  }

  private onPolicyChange(now: Availability): void {
    this.#logger.info(now.available ? 'the policy lets this PC run jobs' : 'waiting: the policy keeps this PC from jobs now', { reason: now.reason });
    this.#state.update({ waiting: this.availability().reason, policy: this.#policy.describe() });
    if (!now.available && !this.#state.current.currentJob) this.#loop.leavePoll(); // no job may arrive now
    if (now.available) this.#loop.wake();
    this.beatNow();
  }
}
