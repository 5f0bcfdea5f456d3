/**
 * Who this worker is to its coordinator: its id and token, kept in the work dir so a restart keeps
 * them, registering (with the join token) when there is no identity, and forgetting one the
 * coordinator no longer accepts.
 */
import { cpus, hostname, platform } from 'node:os';
import { APP_VERSION } from '../../../shared/api.ts';
import type { Logger } from '../logger.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import { loadIdentity, saveIdentity, type WorkerIdentity } from './identity.ts';

export interface RegistrationOptions {
  client: CoordinatorClient;
  workDir: string;
  logger: Logger;
  id?: string;
  name?: string;
  joinToken?: string;
}

export class Registration {
  readonly #o: RegistrationOptions;
  #identity: WorkerIdentity;
  #registered = false;
  #firstContact = true;

  constructor(options: RegistrationOptions) {
    this.#o = options;
    const saved = loadIdentity(options.workDir, options.id);
    // A token from another coordinator means nothing here.
    this.#identity = saved.server === options.client.server.origin ? saved : { workerId: saved.workerId };
    options.client.token = this.#identity.workerToken;
  }

  get workerId(): string {
    return this.#identity.workerId;
  }

  /** Whether the coordinator has accepted us in this process (registered, or a saved identity confirmed). */
  get registered(): boolean {
    return this.#registered;
  }

  /** A saved identity is trusted until the coordinator says otherwise (401/404), so a restart keeps it. */
  get hasIdentity(): boolean {
    return this.#identity.server === this.#o.client.server.origin;
  }

  async register(): Promise<void> {
    const { client, workDir, logger } = this.#o;
    const info = {
      workerId: this.workerId,
      hostname: (this.#o.name ?? hostname()).slice(0, 255),
      os: platform(),
      cpuCount: cpus().length,
      version: APP_VERSION,
    };
    const answer = await client.register(info, this.#o.joinToken);
    this.#identity = { workerId: this.workerId, workerToken: answer.workerToken, server: client.server.origin };
    client.token = answer.workerToken;
    saveIdentity(workDir, this.#identity);
    this.#registered = true;
    logger.info('registered with the coordinator', { workerId: this.workerId, server: client.server.origin });
  }

  /** A restarted worker keeps its saved identity (a heartbeat checks it is still known); else it registers. */
  async connect(currentJobId: string | null, paused: boolean): Promise<void> {
    if (!this.hasIdentity) return this.register();
    // `restarted` on first contact: whatever the coordinator thinks we run was lost with the previous process.
    await this.#o.client.heartbeat(this.workerId, currentJobId, paused, this.#firstContact);
    this.#firstContact = false;
    this.#registered = true;
  }

  /** The coordinator no longer accepts our token or id: register afresh next time. */
  forget(): void {
    this.#identity = { workerId: this.workerId };
    this.#o.client.token = undefined;
    this.#registered = false;
  }
}
