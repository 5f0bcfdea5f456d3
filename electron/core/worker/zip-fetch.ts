/**
 * A zip of the coordinator's (a job's project, a grading run's hidden tests) brought to the job folder:
 * from the bundle cache, or downloaded and then cached, and checked against the SHA-256 recorded at upload.
 * With peer sharing on, an upload of the coordinator's own comes from a peer when the coordinator names
 * one (peer-sharing.ts), else from the coordinator, through the peer store either way.
 */
import { copyFile, link } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import { BundleCache, sha256Of } from './bundle-cache.ts';
import type { CoordinatorClient } from './coordinator-client.ts';
import type { PeerSharing } from './peer-sharing.ts';
import { WrongHash } from './peer-store.ts';
import { asStop, JobStop } from './stop-cause.ts';
import { withCampusFailover } from './download-failover.ts';

export interface ZipFetchContext {
  client: CoordinatorClient;
  cache: BundleCache;
  logger: Logger;
  maxExtractBytes: number;
  cancel: AbortSignal;
  /** Absent: every zip comes from the coordinator (--no-peers). */
  peers?: PeerSharing;
}

export interface ZipSource {
  fileUrl: string;
  fileSha256?: string | null;
  /** How the log and the errors name it: 'project zip', 'hidden tests zip'. */
  what: string;
}

/** Puts the zip at `dest`; a failed or altered download is a `download_failed` stop with a sentence. */
export async function fetchZip(source: ZipSource, dest: string, jobId: string, ctx: ZipFetchContext): Promise<void> {
  const start = performance.now();
  const cacheKey = BundleCache.keyOf(new URL(source.fileUrl, ctx.client.server), ctx.client.server);
  const cached = cacheKey ? await ctx.cache.fetch(cacheKey, dest, source.fileSha256) : 'miss';
  // The same messages for every zip (tools wait for them); the field says which zip.
  if (cached === 'tampered')
    ctx.logger.warn('the cached zip no longer matches its SHA-256 (changed on this PC); downloading it again', { jobId, zip: source.what });
  if (cached === 'hit') {
    ctx.logger.info('bundle from cache', { jobId, zip: source.what });
    return;
  }
  if (ctx.peers && cacheKey && source.fileSha256) return fetchShared(ctx.peers, { ...source, fileSha256: source.fileSha256 }, dest, jobId, ctx, cacheKey);
  const bytes = await asStop('download_failed', () =>
    withCampusFailover(ctx.client, source.fileUrl, ctx.cancel, () => ctx.client.download(source.fileUrl, dest, ctx.maxExtractBytes, ctx.cancel, source.what)),
  );
  ctx.logger.info('bundle downloaded', { jobId, zip: source.what, bytes, ms: Math.round(performance.now() - start) });
  if (source.fileSha256 && (await sha256Of(dest)) !== source.fileSha256) throw wrongHash(source.what);
  if (cacheKey) await ctx.cache.store(cacheKey, dest, bytes).catch(() => {});
}

/** Through the peer store: from a peer or the coordinator, checked there, then linked into the job folder. */
async function fetchShared(
  peers: PeerSharing,
  source: ZipSource & { fileSha256: string },
  dest: string,
  jobId: string,
  ctx: ZipFetchContext,
  cacheKey: string,
) {
  const start = performance.now();
  const request = { fileUrl: source.fileUrl, sha256: source.fileSha256, jobId, what: source.what, maxBytes: ctx.maxExtractBytes, signal: ctx.cancel };
  const got = await asStop('download_failed', () =>
    peers.fetch(request).catch((error: unknown) => {
      throw error instanceof WrongHash ? wrongHash(source.what) : error;
    }),
  );
  await link(got.path, dest).catch(() => copyFile(got.path, dest));
  if (got.from === 'store') return ctx.logger.info('bundle from cache', { jobId, zip: source.what });
  const ms = Math.round(performance.now() - start);
  ctx.logger.info('bundle downloaded', { jobId, zip: source.what, bytes: got.bytes, ms, from: got.from, ...(got.peer ? { peer: got.peer } : {}) });
  await ctx.cache.store(cacheKey, dest, got.bytes).catch(() => {});
}

function wrongHash(what: string): JobStop {
  return new JobStop(
    'download_failed',
    `The downloaded ${what} does not match the SHA-256 the coordinator recorded at upload; nothing was run. Try the job again.`,
  );
}
