/**
 * Who this worker is to its coordinator: its id, token and the coordinator's pinned certificate, kept
 * in the work dir so a restart keeps them. Without an identity it registers with the join token, or,
 * without one, asks to join and waits for the admin's approval. The join token is forgotten once used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, platform } from 'node:os';
import { join } from 'node:path';
import { APP_VERSION } from '../../../shared/api.ts';
import { displayFingerprint } from '../../../shared/fingerprint.ts';
import { pairingCode } from '../../../shared/pairing.ts';
import type { Logger } from '../logger.ts';
import type { LanInterface } from '../../../shared/wake.ts';
import { lanInterfaces } from '../wake-on-lan.ts';
import { CoordinatorError, type CoordinatorClient, type HeartbeatAnswer, type RegisterInfo } from './coordinator-client.ts';
import { loadIdentity, saveIdentity, type WorkerIdentity } from './identity.ts';

export interface RegistrationOptions {
  client: CoordinatorClient;
  workDir: string;
  logger: Logger;
  id?: string;
  name?: string;
  tags?: string[];
  joinToken?: string;
  /** Sleeps, or returns early when the agent stops. */
  sleep: (ms: number) => Promise<void>;
  stopped: () => boolean;
  /** The code to show at this PC while it waits for approval (null when it no longer waits). */
  onPairingCode: (pairing: { code: string; fingerprint: string | null } | null) => void;
  /** What this worker cannot protect on its PC, told to the coordinator for the dashboard. */
  warnings?: () => string[];
  /** This PC's IPv4 interfaces, for waking it (default: read from the OS each time). */
  interfaces?: () => LanInterface[];
  /** The answer to a restarted process's first heartbeat (it may carry orders). */
  onAnswer?: (answer: HeartbeatAnswer) => void;
}

/** The admin refused this PC's request to join. */
export class JoinRefused extends Error {}

const JOIN_REQUEST_FILE = 'join-request.json';
const APPROVAL_POLL_MS = 2000;

export class Registration {
  readonly #o: RegistrationOptions;
  #identity: WorkerIdentity;
  #joinToken: string | undefined;
  #registered = false;
  #firstContact = true;
  /** This work dir's reports are for this campus's coordinators (its identity was theirs, or they accepted us). */
  #campusKnown = false;
  /** The interfaces the coordinator has acknowledged (JSON), so a heartbeat repeats them only when they change. */
  #interfacesSent: string | undefined;

  constructor(options: RegistrationOptions) {
    this.#o = options;
    this.#joinToken = options.joinToken;
    const saved = loadIdentity(options.workDir, options.id);
    const given = options.client.fingerprint;
    // A token from another coordinator, or one pinned to another certificate, means nothing here.
    const usable = this.inCampus(saved.server) && (!given || !saved.fingerprint || saved.fingerprint === given);
    this.#identity = usable ? saved : { workerId: saved.workerId };
    this.#campusKnown = usable;
    if (usable && saved.fingerprint) options.client.fingerprint = saved.fingerprint;
    options.client.token = this.#identity.workerToken;
  }

  get workerId(): string {
    return this.#identity.workerId;
  }

  /** Whether the coordinator has accepted us in this process (registered, or a saved identity confirmed). */
  get registered(): boolean {
    return this.#registered;
  }

  /** A saved identity is trusted until the coordinator says otherwise (401/404), so a restart keeps it; any coordinator of the campus honours it. */
  get hasIdentity(): boolean {
    return this.inCampus(this.#identity.server);
  }

  /**
   * Whether the reports waiting in the outbox have a coordinator to go to. One coordinator: only while it knows
   * us (as before). A campus: also after one of them forgot us, since the reports are the campus's.
   */
  get outboxIsOurs(): boolean {
    return this.hasIdentity || (this.#o.client.campus.several && this.#campusKnown);
  }

  /** `origin` is one of the coordinators this worker was told about. */
  private inCampus(origin: string | undefined): boolean {
    return origin !== undefined && this.#o.client.campus.all.some((s) => s.origin === origin);
  }

  /** With the join token if we still have it (or our own token, or none for an open coordinator), else by asking the admin. */
  async register(): Promise<void> {
    const { client, logger } = this.#o;
    // Nothing pinned and nothing to offer: only asking is safe (it sends no secret).
    if (this.#joinToken === undefined && client.token === undefined && client.server.protocol === 'https:' && !client.fingerprint) return this.askToJoin();
    let answer: { workerToken?: string };
    const info = this.info();
    try {
      answer = await client.register(info, this.#joinToken);
    } catch (error) {
      if (!(error instanceof CoordinatorError && error.status === 401 && this.#joinToken === undefined)) throw error;
      return this.askToJoin(); // no token the coordinator accepts: the admin decides
    }
    this.adopt(answer.workerToken);
    this.#interfacesSent = JSON.stringify(info.interfaces);
    this.#joinToken = undefined; // a joined worker keeps only its own token
    logger.info('registered with the coordinator', { workerId: this.workerId, server: client.server.origin });
  }

  /** A restarted worker keeps its saved identity (a heartbeat checks it is still known); else it registers. */
  async connect(currentJobId: string | null, paused: boolean): Promise<void> {
    if (!this.hasIdentity) return this.register();
    // `restarted` on first contact: whatever the coordinator thinks we run was lost with the previous process.
    const first = this.#firstContact;
    const interfaces = this.interfacesToSend();
    const answer = await this.#o.client.heartbeat({
      workerId: this.workerId,
      jobId: currentJobId,
      paused,
      ...(first ? { restarted: true, warnings: this.#o.warnings?.() ?? [] } : {}),
      ...(interfaces ? { interfaces } : {}),
    });
    if (interfaces) this.interfacesSent(interfaces);
    this.#firstContact = false;
    this.#registered = true;
    this.#o.onAnswer?.(answer);
  }

  /** This PC's interfaces when the coordinator has not heard them yet (they changed, or this is a new registration), else undefined. */
  interfacesToSend(): LanInterface[] | undefined {
    const now = this.readInterfaces();
    return JSON.stringify(now) === this.#interfacesSent ? undefined : now;
  }

  /** The coordinator acknowledged these interfaces (a heartbeat carrying them was answered). */
  interfacesSent(interfaces: LanInterface[]): void {
    this.#interfacesSent = JSON.stringify(interfaces);
  }

  private readInterfaces(): LanInterface[] {
    try {
      return (this.#o.interfaces ?? lanInterfaces)();
    } catch {
      return []; // a PC whose interfaces cannot be listed still works; it just cannot be woken
    }
  }

  /** The coordinator no longer accepts our token or id: register afresh next time. */
  forget(): void {
    this.#identity = { workerId: this.workerId };
    this.#o.client.token = undefined;
    this.#registered = false;
    this.#interfacesSent = undefined;
  }

  private info(): RegisterInfo {
    return {
      workerId: this.workerId,
      hostname: (this.#o.name ?? hostname()).slice(0, 255),
      os: platform(),
      cpuCount: cpus().length,
      version: APP_VERSION,
      warnings: this.#o.warnings?.() ?? [],
      ...(this.#o.tags ? { tags: this.#o.tags } : {}),
      interfaces: this.readInterfaces(),
    };
  }

  private adopt(workerToken: string | undefined): void {
    const { client, workDir } = this.#o;
    const servers = client.campus.all.map((s) => s.origin);
    this.#identity = {
      workerId: this.workerId,
      workerToken,
      server: client.server.origin,
      ...(servers.length > 1 ? { servers } : {}),
      fingerprint: client.fingerprint,
    };
    this.#campusKnown = true;
    client.token = workerToken;
    saveIdentity(workDir, this.#identity);
    this.#registered = true;
  }

  /**
   * Asks to join and waits for the admin. The certificate seen now is pinned for the request itself;
   * the pairing code, made from it and our key, is what the admin compares before approving.
   */
  private async askToJoin(): Promise<void> {
    const { client, logger } = this.#o;
    if (client.server.protocol === 'https:' && !client.fingerprint) client.fingerprint = (await client.presentedCertificate()).fingerprint;
    try {
      while (!this.#o.stopped()) {
        const request = this.pendingRequest() ?? (await this.newRequest());
        const code = await pairingCode(client.fingerprint ?? 'no-tls', request.key);
        this.#o.onPairingCode({ code, fingerprint: client.fingerprint });
        logger.info('asked to join: approve this PC on the coordinator\'s dashboard ("PCs ask to join")', {
          pairingCode: code,
          hostname: this.info().hostname,
          // The admin compares this with the dashboard's "Certificate SHA-256": a spoofed coordinator shows another.
          fingerprint: client.fingerprint && displayFingerprint(client.fingerprint),
        });
        if (await this.awaitApproval(request)) return;
        rmSync(join(this.#o.workDir, JOIN_REQUEST_FILE), { force: true }); // expired or forgotten: ask again
      }
    } finally {
      this.#o.onPairingCode(null);
    }
  }

  /** True once approved (identity saved); false when the request is gone or we stop; throws when refused. */
  private async awaitApproval(request: { requestId: string; secret: string }): Promise<boolean> {
    while (!this.#o.stopped()) {
      let answer: { status: 'pending' | 'approved' | 'refused'; workerToken?: string };
      try {
        answer = await this.#o.client.joinStatus(request.requestId, request.secret);
      } catch (error) {
        if (error instanceof CoordinatorError && error.status === 404) return false;
        throw error;
      }
      if (answer.status === 'approved') {
        rmSync(join(this.#o.workDir, JOIN_REQUEST_FILE), { force: true });
        this.adopt(answer.workerToken);
        this.#o.logger.info('the admin approved this PC; it now takes jobs', { workerId: this.workerId });
        return true;
      }
      if (answer.status === 'refused') {
        rmSync(join(this.#o.workDir, JOIN_REQUEST_FILE), { force: true });
        throw new JoinRefused('The admin refused this PC on the dashboard; ask the admin, then restart the worker to ask again.');
      }
      await this.#o.sleep(APPROVAL_POLL_MS);
    }
    return false;
  }

  /** A request this PC made before a restart, still to be answered. */
  private pendingRequest(): { requestId: string; secret: string; key: string } | undefined {
    const file = join(this.#o.workDir, JOIN_REQUEST_FILE);
    if (!existsSync(file)) return undefined;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { requestId: string; secret: string; server: string };
      if (saved.server !== this.#o.client.server.origin) return undefined;
      return { ...saved, key: createHash('sha256').update(saved.secret).digest('hex') };
    } catch {
      return undefined;
    }
  }

  private async newRequest(): Promise<{ requestId: string; secret: string; key: string }> {
    const secret = randomBytes(32).toString('hex');
    const key = createHash('sha256').update(secret).digest('hex');
    const { requestId } = await this.#o.client.askToJoin(this.info(), key);
    writeFileSync(join(this.#o.workDir, JOIN_REQUEST_FILE), JSON.stringify({ requestId, secret, server: this.#o.client.server.origin }), { mode: 0o600 });
    return { requestId, secret, key };
  }
}
