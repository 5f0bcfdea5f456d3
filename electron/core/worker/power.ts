/**
 * The admin's power action on this PC (shut down, restart, log off), from a heartbeat's or long poll's
 * answer. Without `force`, a PC someone is using (the idle source the lab's policies read) skips it and
 * says so. Otherwise the person at the PC is told (the tray, the worker's page, a log line) with the
 * time left, no new job is taken, and when the time is up the running job is stopped and reported and
 * the command runs: the OS's own, or `--power-command`. What became of it rides on every heartbeat.
 */
import type { PowerOrder } from '../../../shared/power-schema.ts';
import { durationWords, powerActionWords, type PowerAction } from '../../../shared/wake.ts';
import { clock } from '../../../shared/policy.ts';
import type { Logger } from '../logger.ts';
import { osPowerCommands, runOsPowerCommands, runSitePowerCommand } from './power-command.ts';

export interface PowerReport {
  action: PowerAction;
  requestedAt: number;
  state: 'powering_off' | 'in_use' | 'failed';
  at: number;
  message: string | null;
}

/** What the person at the PC is told while the time runs: which action, and when. */
export interface PowerNotice {
  action: PowerAction;
  at: number;
}

export interface PowerControlOptions {
  logger: Logger;
  /** Someone uses the PC now (read at the moment the action arrives). */
  inUse: () => boolean;
  /** --power-command: run instead of the OS's command. */
  command?: string;
  now?: () => number;
  /** Something the coordinator should hear about now (the heartbeat). */
  onReport: () => void;
  /** The notice to show (null: none any more); the agent takes no job while there is one. */
  onNotice: (notice: PowerNotice | null) => void;
  /** Before the command: stop the running job and let it be reported (bounded). */
  beforeCommand: (order: PowerOrder) => Promise<void>;
  /** Runs the command (default: --power-command, else the OS's). */
  run?: (order: PowerOrder) => Promise<void>;
  /** A PC still up this long after its shutdown or restart command ran did not go down: reported as failed, and it takes jobs again (default 10 min). */
  graceMs?: number;
}

/** How long a PC may take to go down after its shutdown or restart command ran. */
const GRACE_MS = 10 * 60_000;

export class PowerControl {
  readonly #o: PowerControlOptions;
  #report: PowerReport | null = null;
  #notice: PowerNotice | null = null;
  #timer: NodeJS.Timeout | undefined;
  /** The order being carried out or last handled: one delivered twice is done once. */
  #handled: number | undefined;

  constructor(options: PowerControlOptions) {
    this.#o = options;
  }

  /** What the heartbeat says about the last action (null: none in this process). */
  get report(): PowerReport | null {
    return this.#report;
  }

  /** Counting down to, or carrying out, an action: no new job now. */
  get active(): boolean {
    return this.#notice !== null;
  }

  get notice(): PowerNotice | null {
    return this.#notice;
  }

  /** Why no job is taken now, for the heartbeat and the tray ("Shutting down at 14:05 (asked by the lab's admin)"). */
  get reason(): string | null {
    if (!this.#notice) return null;
    const words = { shutdown: 'Shutting down', reboot: 'Restarting', logoff: 'Logging off' }[this.#notice.action];
    return `${words} at ${clock(new Date(this.#notice.at))} (asked by the lab's admin)`;
  }

  handle(order: PowerOrder): void {
    if (order.requestedAt === this.#handled) return;
    this.#handled = order.requestedAt;
    const now = (this.#o.now ?? Date.now)();
    const { logger } = this.#o;
    if (!order.force && this.#o.inUse()) {
      logger.warn(`the admin asked this PC to ${powerActionWords(order.action)}, but someone is using it: skipped (the admin can force it)`, {
        action: order.action,
      });
      this.#report = { action: order.action, requestedAt: order.requestedAt, state: 'in_use', at: now, message: 'someone is using this PC' };
      this.#o.onReport();
      return;
    }
    clearTimeout(this.#timer); // a new action replaces one still counting down
    const at = now + order.delaySeconds * 1000;
    this.#notice = { action: order.action, at };
    this.#report = { action: order.action, requestedAt: order.requestedAt, state: 'powering_off', at, message: null };
    logger.warn(
      order.delaySeconds > 0
        ? `this PC will ${powerActionWords(order.action)} in ${durationWords(order.delaySeconds)} (at ${clock(new Date(at))}), as the lab's admin asked: save your work`
        : `this PC will ${powerActionWords(order.action)} now, as the lab's admin asked`,
      { action: order.action, delaySeconds: order.delaySeconds, at: new Date(at).toISOString(), force: order.force },
    );
    this.#o.onNotice(this.#notice);
    this.#o.onReport();
    this.#timer = setTimeout(() => void this.carryOut(order), order.delaySeconds * 1000);
  }

  /** The agent stops: a countdown in progress ends with it. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  private async carryOut(order: PowerOrder): Promise<void> {
    const { logger } = this.#o;
    try {
      await this.#o.beforeCommand(order);
      logger.warn(`running the command to ${powerActionWords(order.action)}`, { action: order.action, command: this.#o.command ?? 'the OS' });
      await (this.#o.run ?? ((o) => this.runDefault(o)))(order);
      logger.info(`the command to ${powerActionWords(order.action)} ran`, { action: order.action });
    } catch (error) {
      this.fail(order, (error as Error).message);
      return;
    }
    if (order.action === 'logoff') {
      // The user is logged off and this PC stays up: it takes jobs again.
      this.#notice = null;
      this.#o.onNotice(null);
      return;
    }
    const graceMs = this.#o.graceMs ?? GRACE_MS;
    this.#timer = setTimeout(() => this.fail(order, `the PC was still running ${durationWords(graceMs / 1000)} after the command`), graceMs);
    this.#timer.unref();
  }

  /** The action did not happen: said in the log and the next heartbeat; the PC takes jobs again. */
  private fail(order: PowerOrder, message: string): void {
    this.#o.logger.error(`could not ${powerActionWords(order.action)} this PC`, { action: order.action, error: message });
    this.#report = { action: order.action, requestedAt: order.requestedAt, state: 'failed', at: (this.#o.now ?? Date.now)(), message: message.slice(0, 1000) };
    this.#notice = null;
    this.#o.onNotice(null);
    this.#o.onReport();
  }

  private runDefault(order: PowerOrder): Promise<void> {
    if (this.#o.command !== undefined) return runSitePowerCommand(this.#o.command, order.action, order.delaySeconds);
    return runOsPowerCommands(osPowerCommands(order.action, order.force));
  }
}
