/** Where the worker view gets its data: the desktop app's own agent (bridge.ts), or the local status server of a headless worker (local-worker-source.ts). */
import type { LogEntry } from '../../shared/api.ts';
import type { WorkerViewState } from '../../shared/worker-view.ts';

export interface WorkerSource {
  subscribe(onState: (state: WorkerViewState) => void, onOutput: (jobId: string, entry: LogEntry) => void): () => void;
  pause(): Promise<void>;
  resume(): Promise<void>;
}
