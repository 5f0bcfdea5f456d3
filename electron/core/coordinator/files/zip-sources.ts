/**
 * Where a worker fetches a job's zip from: the coordinator, or a peer that holds it (or is fetching it),
 * with a ticket that lets exactly this worker fetch exactly this zip from exactly that peer for a minute.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isIPv6 } from 'node:net';
import { uploadNameFromUrl } from '../../../../shared/uploads.ts';
import { TICKET_LIFETIME_MS, TicketSigner } from '../../peer-ticket.ts';
import { Refused } from '../refused.ts';
import type { Store } from '../state/store.ts';
import { PeerDirectory, type PeerServer } from './peer-directory.ts';
import type { PeerSource } from '../../../../shared/api-schemas.ts';

export type { PeerSource };

export type ZipSource = { source: 'coordinator' } | { source: 'peer'; peer: PeerSource };

export interface ZipSourcesOptions {
  store: Store;
  uploadsDir: string;
  /** A peer not heard from for this long is not handed out (the coordinator's --offline-after). */
  staleAfterMs: number;
}

export class ZipSources {
  readonly #o: ZipSourcesOptions;
  readonly #signer = new TicketSigner();
  readonly directory: PeerDirectory;

  constructor(options: ZipSourcesOptions) {
    this.#o = options;
    this.directory = new PeerDirectory({
      now: () => options.store.now(),
      online: (id) => (options.store.workers.get(id)?.status ?? 'offline') !== 'offline',
      staleAfterMs: options.staleAfterMs,
    });
  }

  /** What a serving worker checks tickets with; it rides on every heartbeat answer. */
  get ticketKey(): string {
    return this.#signer.publicKey;
  }

  /** A heartbeat's word on the worker's peer server (`address`: where its request came from; `restarted`: a new process). */
  seen(workerId: string, address: string | undefined, peer: PeerServer | undefined, restarted?: boolean): void {
    this.directory.seen(workerId, address && plainAddress(address), peer, restarted);
  }

  /** Where `workerId` should fetch `fileUrl` for `jobId`; refused unless that job runs there now and uses that zip. */
  async choose(workerId: string, jobId: string, fileUrl: string): Promise<ZipSource> {
    const sha = this.#shaOf(workerId, jobId, fileUrl);
    const name = uploadNameFromUrl(fileUrl);
    const toCert = this.directory.fingerprintOf(workerId);
    if (!sha || !name || !toCert) return { source: 'coordinator' };
    const size = await stat(join(this.#o.uploadsDir, name)).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) return { source: 'coordinator' };
    const choice = this.directory.choose(sha, workerId);
    this.directory.started(sha, workerId, choice.kind === 'peer' ? choice.workerId : null, size);
    if (choice.kind === 'coordinator') return { source: 'coordinator' };
    const { endpoint } = choice;
    const ticket = this.#signer.issue({
      sha256: sha,
      size,
      jobId,
      from: choice.workerId,
      to: workerId,
      toCert,
      exp: this.#o.store.now() + TICKET_LIFETIME_MS,
    });
    const host = isIPv6(endpoint.address) ? `[${endpoint.address}]` : endpoint.address;
    return {
      source: 'peer',
      peer: { workerId: choice.workerId, url: `https://${host}:${endpoint.port}/blobs/${sha}`, fingerprint: endpoint.fingerprint, ticket, size },
    };
  }

  /** The SHA-256 of the zip `fileUrl` of the job `jobId` running on `workerId` (null: not an upload of ours); refused otherwise. */
  #shaOf(workerId: string, jobId: string, fileUrl: string): string | null {
    const job = this.#o.store.jobs.get(jobId);
    const uses = job?.fileUrl === fileUrl || job?.testsUrl === fileUrl;
    if (!job || job.status !== 'running' || job.workerId !== workerId || !uses) {
      throw new Refused('not_assigned', 'This worker is not running that job, or the job does not use that file.');
    }
    return job.fileUrl === fileUrl ? job.fileSha256 : job.testsSha256;
  }
}

/** `::ffff:10.0.0.5` as `10.0.0.5`: the form a URL and a person expect. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
