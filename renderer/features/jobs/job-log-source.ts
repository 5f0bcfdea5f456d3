/** A job's log on the coordinator: pages over HTTP, live chunks over the dashboard's WebSocket, the whole text as a download. */
import type { LogSource } from '../../components/log-view/log-source.ts';
import type { CoordinatorApi } from '../../lib/api.ts';
import type { LiveStore } from '../../lib/live/live-store.ts';
import { saveBlob } from '../../lib/save-file.ts';

export function jobLogSource(api: CoordinatorApi, live: LiveStore, jobId: string): LogSource {
  return {
    async tail() {
      const page = await api.log(jobId, { before: 'end' });
      return { chunks: page.chunks, older: page.older, complete: page.complete };
    },
    async before(seq) {
      const page = await api.log(jobId, { before: seq });
      return { chunks: page.chunks, older: page.older };
    },
    follow: (after, onChunks, onReset) => live.subscribeJob(jobId, after, (m) => (m.type === 'log' ? onChunks(m.chunks) : onReset())),
    async download() {
      const { blob, fileName } = await api.downloadLog(jobId);
      saveBlob(blob, fileName);
    },
  };
}
