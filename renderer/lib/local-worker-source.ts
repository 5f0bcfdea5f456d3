/** The worker view's data from the local status server a headless worker runs (--ui-port); the desktop app's comes over its bridge (bridge.ts). */
import type { LogEntry } from '../../shared/api.ts';
import { backoffMs } from '../../shared/backoff.ts';
import { LOCAL_HEADER, LOCAL_KEY_HEADER, type LocalServerMessage, type WorkerViewState } from '../../shared/worker-view.ts';
import { readError } from './api-error.ts';
import type { WorkerSource } from './worker-source.ts';

// Still exported from here: lib/api.ts re-exports it under this name.
export type { WorkerSource } from './worker-source.ts';

/** The worker page's key, from the address the worker printed (`#/worker?key=…`). */
function localKey(): string {
  return new URLSearchParams(location.hash.split('?')[1] ?? '').get('key') ?? '';
}

/** The local status server a headless worker runs with --ui-port (same origin as this page). */
export class LocalWorkerSource implements WorkerSource {
  subscribe(onState: (state: WorkerViewState) => void, onOutput: (jobId: string, entry: LogEntry) => void): () => void {
    let closed = false;
    let socket: WebSocket | undefined;
    let attempt = 0;
    const connect = () => {
      const url = new URL('/local/ws', location.href);
      url.hash = '';
      url.searchParams.set('key', localKey());
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      socket = new WebSocket(url);
      socket.onopen = () => {
        attempt = 0;
      };
      socket.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as LocalServerMessage;
        if (m.type === 'state') onState(m.state);
        else onOutput(m.jobId, m.entry);
      };
      socket.onclose = () => {
        if (!closed) setTimeout(connect, backoffMs(attempt++, 5000, 250));
      };
    };
    connect();
    return () => {
      closed = true;
      socket?.close();
    };
  }

  private async command(path: string): Promise<void> {
    const res = await fetch(path, { method: 'POST', headers: { [LOCAL_HEADER]: '1', [LOCAL_KEY_HEADER]: localKey() } });
    if (!res.ok) throw await readError(res);
  }

  pause(): Promise<void> {
    return this.command('/local/pause');
  }

  resume(): Promise<void> {
    return this.command('/local/resume');
  }
}
