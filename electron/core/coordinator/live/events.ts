/** Live-update bus: the store announces committed changes; the scheduler and the WebSocket listen. */
import { EventEmitter } from 'node:events';
import type { LogEntry } from '../../../../shared/api.ts';

export interface CoordinatorEventMap {
  /** A job was created or changed state. */
  job: [jobId: string];
  /** A worker registered, changed state or heartbeated after being offline. */
  worker: [workerId: string];
  /** New log chunks of a running job, in the order stored. */
  output: [jobId: string, entries: LogEntry[]];
  /** Jobs that ended (completed, failed or cancelled), once each, after their transaction committed. */
  'jobs-ended': [jobIds: string[]];
  /** Workers the sweep or a lost connection marked offline, once each, after their transaction committed. */
  'workers-offline': [workerIds: string[]];
  /** A job became pending (new or requeued): waiting workers should be offered work. */
  'work-available': [];
}

export class CoordinatorEvents extends EventEmitter<CoordinatorEventMap> {
  constructor() {
    super();
    // Every dashboard socket adds listeners; the default cap of 10 would warn at 11 browsers.
    this.setMaxListeners(0);
  }
}
