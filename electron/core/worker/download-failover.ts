/**
 * A zip from the coordinator, in a campus from the next coordinator when the one spoken to goes away mid-download:
 * they all serve the same shared files folder, so the running job need not fail with its coordinator.
 */
import type { CoordinatorClient } from './coordinator-client.ts';

const CONNECTION_LOST = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_STREAM_PREMATURE_CLOSE'];

/** The coordinator went away (refused, reset, cut off, timed out), as opposed to an answer or a limit of ours. */
export function lostConnection(error: unknown): boolean {
  let e = error as { code?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause as typeof e) if (CONNECTION_LOST.includes(e.code ?? '')) return true;
  return false;
}

/** `attempt` (a download of `fileUrl`), tried once on each coordinator of the campus while the connection is what fails. */
export async function withCampusFailover<T>(
  client: CoordinatorClient,
  fileUrl: string,
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    const at = client.campus.at;
    try {
      return await attempt();
    } catch (error) {
      // Only the coordinator's own files move with it; a zip elsewhere is that host's.
      const ours = new URL(fileUrl, client.server).origin === client.server.origin;
      if (signal?.aborted || !ours || tries >= client.campus.all.length || !lostConnection(error) || !client.leave(at)) throw error;
    }
  }
}
