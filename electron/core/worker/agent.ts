/**
 * The worker agent: register, heartbeat on its own timer, long-poll for a job, download and extract
 * it, run it, stream its output, and report, with every final report kept on disk until the
 * coordinator acknowledges it. States: starting, idle, busy, paused, disconnected, stopped.
 */
import { EventEmitter } from 'node:events';
import { cpus, hostname, platform, uptime } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_VERSION, type AssignedJobDto, type OutputStream } from '../../../shared/api.ts';
import type { AgentState, AgentStatus, JobSummary } from '../../../shared/worker-view.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { DEFAULT_MAX_ENTRIES, extractBundle } from '../runner/bundle.ts';
import { CoordinatorClient, CoordinatorError, CoordinatorUnreachable } from './coordinator-client.ts';
import { runCommands, type RunResult } from '../runner/executor.ts';
import { loadIdentity, saveIdentity, type WorkerIdentity } from './identity.ts';
import { Outbox, type FinalReport } from './outbox.ts';
import { OutputPump } from './output-pump.ts';
import { groupAlive, processAlive } from '../runner/process-groups.ts';
import { WarmShell } from '../runner/warm-shell.ts';
import { BundleCache } from './bundle-cache.ts';
import { selfCheck } from './self-check.ts';

export type { AgentState, AgentStatus, JobSummary };

export interface WorkerAgentOptions {
  server: string;
  joinToken?: string;
  workDir: string;
  id?: string;
  /** Shown as the hostname on the dashboard. */
  name?: string;
  heartbeatIntervalSeconds?: number;
  maxExtractMb?: number;
  maxOutputMb?: number;
  logger?: Logger;
  killGraceMs?: number;
  /** Long-poll length; the coordinator caps it at 30 s. */
  pollWaitSeconds?: number;
  /** The seed's design, for comparisons: no long poll, ask every N ms instead. */
  pollIntervalMs?: number;
  /** Called when a job's first command starts, for pickup measurements. */
  onCommandStart?: (jobId: string, startedAt: number) => void;
}

interface AgentEvents {
  state: [AgentState];
  output: [jobId: string, stream: OutputStream, text: string];
}

const CURRENT_JOB_FILE = 'current-job.json';
const LOCK_FILE = 'worker.lock';
const RECENT_JOBS = 20;
const LIVE_OUTPUT_CHARS = 64 * 1024;
/** Reports that cannot be delivered while stopping stay in the outbox for the next start. */
const STOP_DELIVERY_MS = 10_000;

/** Exponential backoff, capped, with jitter so a lab of workers never retries in step. */
export function backoffMs(attempt: number, capMs = 30_000): number {
  return Math.min(capMs, 500 * 2 ** Math.min(attempt, 10)) * (0.5 + Math.random());
}

function finalRefusal(error: unknown): boolean {
  return error instanceof CoordinatorError && [403, 404, 409].includes(error.status);
}

export class WorkerAgent extends EventEmitter<AgentEvents> {
  readonly #o: WorkerAgentOptions;
  readonly #client: CoordinatorClient;
  readonly #logger: Logger;
  readonly #outbox: Outbox;
  #identity: WorkerIdentity;
  #state: AgentState;
  #registered = false;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatMs: number;
  readonly #stop = new AbortController();
  #cancelCurrent: AbortController | undefined;
  #cancelReason: string | undefined;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #pollAbort: AbortController | undefined;
  #marker: InterruptedJobMarker | undefined;
  #firstContact = true;
  #output = { stdout: '', stderr: '' };
  readonly #warmShell = new WarmShell();
  readonly #cache: BundleCache;

  constructor(options: WorkerAgentOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#client = new CoordinatorClient({ server: options.server });
    mkdirSync(options.workDir, { recursive: true, mode: 0o700 });
    this.#outbox = new Outbox(options.workDir);
    this.#cache = new BundleCache(options.workDir);
    this.#identity = loadIdentity(options.workDir, options.id);
    if (this.#identity.server !== this.#client.server.origin) this.#identity = { workerId: this.#identity.workerId };
    this.#client.token = this.#identity.workerToken;
    this.#heartbeatMs = (options.heartbeatIntervalSeconds ?? 10) * 1000;
    this.#state = {
      status: 'starting', workerId: this.#identity.workerId, server: this.#client.server.origin,
      connected: false, paused: false, currentJob: null, recentJobs: [], lastError: null,
    };
  }

  get state(): AgentState {
    return structuredClone(this.#state);
  }

  /** The running job's latest output (at most 64 K characters per stream), for a view opened mid-job. */
  get currentOutput(): { stdout: string; stderr: string } {
    return { ...this.#output };
  }

  get workerId(): string {
    return this.#identity.workerId;
  }

  /** Starts the agent; it runs until stop(). Throws at once if another worker uses the work dir. */
  start(): void {
    if (this.#loop) return;
    this.lockWorkDir();
    if (platform() !== 'win32') this.#warmShell.prepare();
    this.#loop = this.run().catch((error: Error) => {
      this.#logger.error('worker loop crashed', { error: error.stack ?? error.message });
    });
  }

  pause(): void {
    this.update({ paused: true });
    this.#logger.info('paused: no new jobs will be taken');
    this.#pollAbort?.abort(); // leave the long poll now, so no job arrives after the pause
    this.heartbeatNow();
  }

  resume(): void {
    this.update({ paused: false });
    this.#wakeUp?.();
    this.#logger.info('resumed');
    this.heartbeatNow();
  }

  /** Tells the coordinator about a state change now instead of at the next beat. */
  private heartbeatNow(): void {
    if (!this.#registered) return;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.scheduleHeartbeat(0);
  }

  /** Stops taking jobs; the current one finishes (or is cancelled with `cancel`), is reported, then the agent ends. */
  async stop(options: { cancel?: boolean; reason?: string } = {}): Promise<void> {
    if (options.cancel) this.cancelCurrent(options.reason ?? 'Worker stopped before the job finished.');
    if (!this.#stop.signal.aborted) {
      this.#logger.info('stopping: no new jobs will be taken', { running: this.#state.currentJob?.jobId ?? null });
      this.#stop.abort();
      this.#wakeUp?.();
    }
    await this.#loop;
    this.#warmShell.close();
    clearTimeout(this.#heartbeatTimer);
    this.#client.close();
    rmSync(join(this.#o.workDir, LOCK_FILE), { force: true });
    this.update({ status: 'stopped' });
  }

  /** Stops the running job's processes (SIGTERM, then SIGKILL after the grace period). */
  cancelCurrent(reason = 'Cancelled by request.'): void {
    if (!this.#cancelCurrent || this.#cancelCurrent.signal.aborted) return;
    this.#cancelReason = reason;
    this.#cancelCurrent.abort();
  }

  private lockWorkDir(): void {
    const lock = join(this.#o.workDir, LOCK_FILE);
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 1 && pid !== process.pid && processAlive(pid)) {
        throw new Error(`Another worker (pid ${pid}) is using the work dir ${this.#o.workDir}; stop it or pass another --work-dir.`);
      }
    }
    writeFileSync(lock, String(process.pid));
  }

  private update(patch: Partial<AgentState>): void {
    Object.assign(this.#state, patch);
    const s = this.#state;
    if (s.status !== 'stopped' && s.status !== 'starting') {
      s.status = s.currentJob ? 'busy' : !s.connected ? 'disconnected' : s.paused ? 'paused' : 'idle';
    }
    this.emit('state', this.state);
  }

  private setConnected(connected: boolean, error?: string): void {
    if (connected !== this.#state.connected || (error && error !== this.#state.lastError)) {
      if (!connected) this.#logger.warn('coordinator unreachable; retrying with backoff', { server: this.#client.server.origin, error });
      else if (this.#state.status === 'disconnected' || this.#state.status === 'starting') this.#logger.info('connected to the coordinator', { server: this.#client.server.origin });
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

  // ---- main loop -------------------------------------------------------------------------------

  private async run(): Promise<void> {
    this.recoverInterruptedJob();
    const check = await selfCheck(this.#o.workDir, this.#warmShell);
    if (check.ok) this.#logger.info('self-check passed: this PC can run jobs', { ms: check.ms });
    else this.#logger.error('self-check failed: jobs on this PC will probably fail', { error: check.error, workDir: this.#o.workDir });
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      try {
        await this.flushOutbox();
        if (!this.#registered) await this.connect();
        this.scheduleHeartbeat(0);
        if (this.#state.paused) {
          this.setConnected(true);
          await this.sleep(60_000);
          continue;
        }
        this.#pollAbort = new AbortController();
        const polling = this.#o.pollIntervalMs !== undefined;
        const job = await this.#client.getJob(this.workerId, polling ? 0 : this.#o.pollWaitSeconds ?? 30, AbortSignal.any([this.#stop.signal, this.#pollAbort.signal]));
        this.setConnected(true);
        failures = 0;
        if (job) await this.runJob(job);
        else if (polling) await this.sleep(this.#o.pollIntervalMs!);
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        if (this.#pollAbort?.signal.aborted) continue; // paused during the long poll
        if (error instanceof CoordinatorError && (error.status === 401 || error.status === 404)) {
          this.#logger.warn('the coordinator does not know this worker (or its token); registering again', { status: error.status });
          this.forgetIdentity();
          await this.sleep(backoffMs(failures++, 5000));
          continue;
        }
        const message = (error as Error).message;
        if (error instanceof CoordinatorUnreachable || (error instanceof CoordinatorError && error.status >= 500)) this.setConnected(false, message);
        else this.#logger.error('worker loop error', { error: message });
        await this.sleep(backoffMs(failures++));
      }
    }
    // Deliver what is left, briefly; anything undelivered stays in the outbox for the next start.
    await Promise.race([this.flushOutbox().catch(() => {}), new Promise((r) => setTimeout(r, STOP_DELIVERY_MS).unref())]);
  }

  private async register(): Promise<void> {
    const info = {
      workerId: this.workerId,
      hostname: (this.#o.name ?? hostname()).slice(0, 255),
      os: platform(),
      cpuCount: cpus().length,
      version: APP_VERSION,
    };
    const answer = await this.#client.register(info, this.#o.joinToken);
    this.#identity = { workerId: this.workerId, workerToken: answer.workerToken, server: this.#client.server.origin };
    this.#client.token = answer.workerToken;
    saveIdentity(this.#o.workDir, this.#identity);
    this.#registered = true;
    this.#logger.info('registered with the coordinator', { workerId: this.workerId, server: this.#client.server.origin });
    this.setConnected(true);
  }

  /** A saved identity is trusted until the coordinator says otherwise (401/404), so a restart keeps it. */
  private get hasIdentity(): boolean {
    return this.#identity.server === this.#client.server.origin;
  }

  private scheduleHeartbeat(delayMs: number): void {
    if (this.#heartbeatTimer || this.#stop.signal.aborted) return;
    this.#heartbeatTimer = setTimeout(async () => {
      try {
        const { cancelJobIds } = await this.#client.heartbeat(this.workerId, this.#state.currentJob?.jobId ?? null, this.#state.paused);
        this.setConnected(true);
        if (this.#state.currentJob && cancelJobIds.includes(this.#state.currentJob.jobId)) this.cancelCurrent();
      } catch (error) {
        if (error instanceof CoordinatorError && (error.status === 401 || error.status === 404)) this.forgetIdentity();
        else if (!this.#stop.signal.aborted) this.setConnected(false, (error as Error).message);
      }
      this.#heartbeatTimer = undefined;
      if (!this.#stop.signal.aborted) this.scheduleHeartbeat(this.#heartbeatMs);
    }, delayMs);
  }

  // ---- one job ---------------------------------------------------------------------------------

  private async runJob(job: AssignedJobDto): Promise<void> {
    const summary: JobSummary = { jobId: job.jobId, filename: job.filename, command: job.command, startedAt: Date.now() };
    const cancel = new AbortController();
    this.#cancelCurrent = cancel;
    this.#cancelReason = undefined;
    const marker: InterruptedJobMarker = { jobId: job.jobId, bootTime: bootTime(), processGroups: [] };
    this.#marker = marker;
    this.writeMarker();
    this.#output = { stdout: '', stderr: '' };
    this.update({ currentJob: summary });
    this.#logger.info('job started', { jobId: job.jobId, filename: job.filename });
    const jobDir = join(this.#o.workDir, 'jobs', job.jobId.replace(/[^A-Za-z0-9._-]/g, '_'));
    let report: FinalReport;
    try {
      report = await this.execute(job, jobDir, cancel);
    } catch (error) {
      report = { kind: 'failure', jobId: job.jobId, errorMessage: cancel.signal.aborted ? this.#cancelReason ?? 'Cancelled.' : (error as Error).message };
      this.#outbox.put(report);
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
    this.#cancelCurrent = undefined;
    await this.deliver(report);
    rmSync(join(this.#o.workDir, CURRENT_JOB_FILE), { force: true });
    this.#marker = undefined;
    const ended: JobSummary = {
      ...summary, endedAt: Date.now(),
      status: report.kind === 'result' ? 'completed' : cancel.signal.aborted ? 'cancelled' : 'failed',
      exitCode: report.kind === 'result' ? report.exitCode : null,
      errorMessage: report.kind === 'failure' ? report.errorMessage : null,
    };
    this.#logger.info('job finished', { jobId: job.jobId, status: ended.status, exitCode: ended.exitCode, errorMessage: ended.errorMessage });
    this.update({ currentJob: null, recentJobs: [ended, ...this.#state.recentJobs].slice(0, RECENT_JOBS) });
  }

  /** Download, extract, run; returns the final report, already written to the outbox. */
  private async execute(job: AssignedJobDto, jobDir: string, cancel: AbortController): Promise<FinalReport> {
    const maxBytes = (this.#o.maxExtractMb ?? 2048) * 1024 * 1024;
    await rm(jobDir, { recursive: true, force: true });
    mkdirSync(jobDir, { recursive: true });
    const zipPath = join(jobDir, 'bundle.zip');
    const downloadStart = performance.now();
    const cacheKey = BundleCache.keyOf(new URL(job.fileUrl, this.#client.server), this.#client.server);
    if (cacheKey && (await this.#cache.fetch(cacheKey, zipPath))) {
      this.#logger.info('bundle from cache', { jobId: job.jobId });
    } else {
      const bytes = await this.#client.download(job.fileUrl, zipPath, maxBytes, cancel.signal);
      this.#logger.info('bundle downloaded', { jobId: job.jobId, bytes, ms: Math.round(performance.now() - downloadStart) });
      if (cacheKey) await this.#cache.store(cacheKey, zipPath, bytes).catch(() => {});
    }
    const extractStart = performance.now();
    const { runDir } = await extractBundle(zipPath, join(jobDir, 'files'), { maxBytes, maxEntries: DEFAULT_MAX_ENTRIES });
    this.#logger.info('bundle extracted', { jobId: job.jobId, ms: Math.round(performance.now() - extractStart) });
    void rm(zipPath, { force: true }); // not on the path to the first command
    if (cancel.signal.aborted) throw new Error('cancelled before the commands started');

    const pump = new OutputPump({
      send: (chunks) => this.#client.sendLogs(job.jobId, this.workerId, chunks),
      isFinal: finalRefusal,
      maxBytesPerStream: (this.#o.maxOutputMb ?? 16) * 1024 * 1024,
      onCancel: () => this.cancelCurrent(),
      onGap: (stream, expected, next) => this.#logger.warn('the coordinator is missing output chunks', { jobId: job.jobId, stream, expected, next }),
      onRetry: (error, attempt) => { if (attempt === 1) this.#logger.warn('could not send output; retrying', { jobId: job.jobId, error: (error as Error).message }); },
      onText: (stream, text) => {
        this.#output[stream] = (this.#output[stream] + text).slice(-LIVE_OUTPUT_CHARS);
        this.emit('output', job.jobId, stream, text);
      },
    });
    let first = true;
    let commandStartedAt: number | undefined;
    const result: RunResult = await runCommands({
      commands: job.command,
      cwd: runDir,
      timeoutMs: job.timeoutSeconds * 1000,
      signal: cancel.signal,
      killGraceMs: this.#o.killGraceMs ?? 10_000,
      onOutput: (stream, chunk) => pump.write(stream, chunk),
      warmShell: this.#warmShell,
      onCommandStart: (_line, pid, at) => {
        if (first) {
          commandStartedAt = at;
          this.#o.onCommandStart?.(job.jobId, at);
        }
        first = false;
        // Remembered so that a restarted worker can stop what this job left running.
        if (platform() !== 'win32' && pid > 1 && this.#marker) {
          this.#marker.processGroups.push(pid);
          this.writeMarker();
        }
      },
    });
    const report: FinalReport = result.status === 'completed'
      ? { kind: 'result', jobId: job.jobId, exitCode: result.exitCode, commandStartedAt }
      : { kind: 'failure', jobId: job.jobId, errorMessage: result.status === 'timed_out' ? `timed out after ${result.afterSeconds} s` : result.status === 'cancelled' ? this.#cancelReason ?? 'Cancelled.' : result.message, commandStartedAt };
    this.#outbox.put(report); // durable before anything else can go wrong
    await pump.close();
    return report;
  }

  /** Sends a final report until the coordinator acknowledges it or refuses it for good. */
  private async deliver(report: FinalReport): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.send(report);
        this.#outbox.remove(report.jobId);
        this.#logger.info('report delivered', { jobId: report.jobId, kind: report.kind, exitCode: report.kind === 'result' ? report.exitCode : null });
        return;
      } catch (error) {
        if (finalRefusal(error)) {
          this.#logger.warn('the coordinator refused the report; dropping it', { jobId: report.jobId, error: (error as Error).message });
          this.#outbox.remove(report.jobId);
          return;
        }
        if (error instanceof CoordinatorError && error.status === 401) {
          await this.register().catch(() => {});
        } else {
          this.setConnected(false, (error as Error).message);
        }
        if (this.#stop.signal.aborted && attempt > 2) return; // stays in the outbox
        await this.sleep(backoffMs(attempt, 10_000));
      }
    }
  }

  private send(report: FinalReport): Promise<void> {
    return report.kind === 'result'
      ? this.#client.submitResult(report.jobId, this.workerId, report.exitCode, report.commandStartedAt)
      : this.#client.reportFailure(report.jobId, this.workerId, report.errorMessage, report.commandStartedAt);
  }

  /** Reports left from before a restart, including a job that was running when the worker died. */
  private async flushOutbox(): Promise<void> {
    for (const report of this.#outbox.list()) {
      if (!this.hasIdentity) {
        this.#outbox.remove(report.jobId); // another coordinator's job: nothing to report to
        continue;
      }
      try {
        await this.send(report);
        this.#outbox.remove(report.jobId);
        this.#logger.info('report delivered', { jobId: report.jobId, kind: report.kind, exitCode: report.kind === 'result' ? report.exitCode : null, saved: true });
      } catch (error) {
        if (!finalRefusal(error)) throw error;
        this.#outbox.remove(report.jobId);
      }
    }
  }

  /** A restarted worker keeps its saved identity (a heartbeat checks it is still known); else it registers. */
  private async connect(): Promise<void> {
    if (!this.hasIdentity) return this.register();
    // `restarted`: whatever the coordinator still thinks we run was lost with the previous process.
    await this.#client.heartbeat(this.workerId, this.#state.currentJob?.jobId ?? null, this.#state.paused, this.#firstContact);
    this.#firstContact = false;
    this.#registered = true;
    this.setConnected(true);
  }

  /** The coordinator no longer accepts our token or id: register afresh. */
  private forgetIdentity(): void {
    this.#identity = { workerId: this.workerId };
    this.#client.token = undefined;
    this.#registered = false;
  }

  private writeMarker(): void {
    writeFileSync(join(this.#o.workDir, CURRENT_JOB_FILE), JSON.stringify(this.#marker));
  }

  /**
   * After a crash or kill: report the job that was running as failed, and stop the processes it left
   * behind (only in the same boot, so a reused process-group id is never signalled after a reboot).
   */
  private recoverInterruptedJob(): void {
    const file = join(this.#o.workDir, CURRENT_JOB_FILE);
    if (!existsSync(file)) return;
    try {
      const marker = JSON.parse(readFileSync(file, 'utf8')) as InterruptedJobMarker;
      if (!this.#outbox.has(marker.jobId)) this.#outbox.put({ kind: 'failure', jobId: marker.jobId, errorMessage: 'worker restarted while running this job' });
      this.#logger.warn('the worker restarted while running a job; reporting it as failed', { jobId: marker.jobId });
      if (Math.abs((marker.bootTime ?? 0) - bootTime()) < 10_000) {
        for (const pgid of marker.processGroups ?? []) {
          if (Number.isInteger(pgid) && pgid > 1 && groupAlive(pgid)) {
            this.#logger.warn('stopping processes the interrupted job left running', { jobId: marker.jobId, processGroup: pgid });
            try {
              process.kill(-pgid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
      }
    } catch {
      // unreadable marker: nothing we can report
    }
    rmSync(file, { force: true });
    rmSync(join(this.#o.workDir, 'jobs'), { recursive: true, force: true });
  }
}

interface InterruptedJobMarker {
  jobId: string;
  /** When this machine booted (ms), to tell whether the process groups below can still be ours. */
  bootTime: number;
  processGroups: number[];
}

function bootTime(): number {
  return Date.now() - uptime() * 1000;
}
