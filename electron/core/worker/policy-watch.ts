/**
 * Applies the lab's policy on this PC once a second: whether the worker may take a job now, and
 * what happens to a running job when the PC's user comes back (freeze it, let it finish, or cancel
 * it). The clock and the idle source are given, so tests drive both.
 */
import { availability, DEFAULT_POLICY, describePolicy, type Availability, type WorkerPolicy } from '../../../shared/policy.ts';
import type { Suspension } from '../runner/executor.ts';
import type { IdleSource } from './idle-source.ts';

export interface PolicyWatchOptions {
  idle: IdleSource | null;
  now?: () => number;
  everyMs?: number;
  /** Availability changed (the heartbeat should tell the coordinator). */
  onChange: (availability: Availability) => void;
  /** The user came back during a job and the policy says cancel. */
  onCancel: () => void;
  /** Warned once when the policy needs idle time and this PC cannot measure it. */
  onNoIdleSource: () => void;
  /** Whether this PC can freeze a job (a Windows PC without Job Objects cannot); without it `suspend` means `finish`. */
  canSuspend?: () => boolean;
  /** Told each time a `suspend` became `finish` on such a PC. */
  onSuspendUnsupported?: () => void;
  /** Someone started or stopped using the PC (the heartbeat tells the coordinator, which a power action without force asks). */
  onInUseChange?: (inUse: boolean) => void;
}

export class PolicyWatch implements Suspension {
  readonly #o: PolicyWatchOptions;
  #policy: WorkerPolicy = DEFAULT_POLICY;
  #current: Availability = { available: true, reason: null };
  #busy = false;
  #suspended = false;
  #warned = false;
  #inUse = false;
  /** The running job was let finish because this PC cannot suspend it (said once per job). */
  #toldUnsupported = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(suspended: boolean) => void>();

  constructor(options: PolicyWatchOptions) {
    this.#o = options;
  }

  get policy(): WorkerPolicy {
    return this.#policy;
  }

  get availability(): Availability {
    return this.#current;
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** Someone used keyboard or mouse within the policy's idle minutes, at the last check (false when this PC cannot tell). */
  get inUse(): boolean {
    return this.#inUse;
  }

  /** The same, read from the idle source now. */
  inUseNow(): boolean {
    return this.inUseAfter(this.#o.idle?.idleSeconds() ?? null);
  }

  private inUseAfter(idleSeconds: number | null): boolean {
    return idleSeconds !== null && idleSeconds < this.#policy.idleMinutes * 60;
  }

  describe(): string {
    return describePolicy(this.#policy);
  }

  start(): void {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#o.everyMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The coordinator's answer carries the policy this worker follows. */
  setPolicy(policy: WorkerPolicy): void {
    if (JSON.stringify(policy) === JSON.stringify(this.#policy)) return;
    this.#policy = policy;
    this.check();
  }

  /** A job starts (true) or ends (false); a job that ends thaws nothing left behind. */
  setBusy(busy: boolean): void {
    this.#busy = busy;
    if (!busy) this.#suspended = false;
    this.#toldUnsupported = false;
  }

  subscribe(listener: (suspended: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  check(): void {
    const policy = this.#policy;
    let idle = this.#o.idle?.idleSeconds() ?? null;
    const inUse = this.inUseAfter(idle);
    if (inUse !== this.#inUse) {
      this.#inUse = inUse;
      this.#o.onInUseChange?.(inUse);
    }
    if (policy.when === 'idle' && idle === null && !this.#warned) {
      this.#warned = true;
      this.#o.onNoIdleSource();
    }
    if (policy.when !== 'idle') idle = null;
    const next = availability(policy, new Date((this.#o.now ?? Date.now)()), idle);
    const changed = next.available !== this.#current.available || next.reason !== this.#current.reason;
    this.#current = next;
    if (this.#busy) this.applyToJob(next.available);
    if (changed) this.#o.onChange(next);
  }

  private applyToJob(available: boolean): void {
    if (!available && !this.#suspended) {
      if (this.#policy.onUserReturn === 'suspend' && this.#o.canSuspend?.() === false) {
        if (!this.#toldUnsupported) this.#o.onSuspendUnsupported?.();
        this.#toldUnsupported = true;
        return;
      }
      if (this.#policy.onUserReturn === 'suspend') this.setSuspended(true);
      else if (this.#policy.onUserReturn === 'cancel') this.#o.onCancel();
    } else if (available && this.#suspended) this.setSuspended(false);
  }

  private setSuspended(suspended: boolean): void {
    this.#suspended = suspended;
    for (const listener of this.#listeners) listener(suspended);
  }
}
