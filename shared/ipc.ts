/**
 * The one registry of IPC channels between the Electron main process and the preload bridge, and the
 * narrow API the preload exposes to the page as `window.api`.
 */
import type { LogEntry } from './api.ts';
import type { WorkerViewState } from './worker-view.ts';

export type AppMode = 'coordinator' | 'worker';

export interface CoordinatorSettings {
  port: number;
  dataDir: string;
  alsoRunWorker: boolean;
  /** Announce the coordinator on the LAN (DNS-SD) so workers find it; on unless turned off. */
  announce: boolean;
}

export interface WorkerSettings {
  server: string;
  /** The coordinator certificate's SHA-256 to pin (64 hex); '' when not known yet (asking to join). */
  fingerprint: string;
  /** Kept only until the worker has joined; '' afterwards. */
  joinToken: string;
  /** Labels runs can target (`room-b`, `gpu`), sent when the worker registers; none: the coordinator keeps the tags the admin set. */
  tags: string[];
}

/** A coordinator that announced itself on the LAN. */
export interface FoundCoordinator {
  name: string;
  addresses: string[];
  port: number;
  fingerprint: string | null;
}

export interface AppSettings {
  mode: AppMode | null;
  coordinator: CoordinatorSettings;
  worker: WorkerSettings;
  openAtLogin: boolean;
}

/** Invoke channels (renderer -> main, answered): name -> [argument, result]. */
export interface InvokeChannels {
  'app:get-settings': [void, AppSettings];
  'app:choose-mode': [{ mode: AppMode; coordinator?: Partial<CoordinatorSettings>; worker?: Partial<WorkerSettings> }, AppSettings];
  'app:coordinator-info': [void, { url: string; adminToken: string | null } | null];
  'app:discover': [void, FoundCoordinator[]];
  'worker:get-state': [void, WorkerViewState | null];
  'worker:pause': [void, void];
  'worker:resume': [void, void];
}

/** Event channels (main -> renderer). */
export interface EventChannels {
  'worker:state': WorkerViewState;
  'worker:output': { jobId: string; entry: LogEntry };
}

export const INVOKE_CHANNELS = [
  'app:get-settings',
  'app:choose-mode',
  'app:coordinator-info',
  'app:discover',
  'worker:get-state',
  'worker:pause',
  'worker:resume',
] as const satisfies readonly (keyof InvokeChannels)[];
export const EVENT_CHANNELS = ['worker:state', 'worker:output'] as const satisfies readonly (keyof EventChannels)[];

/** What `window.api` offers the page (only in the desktop app; absent in a plain browser). */
export interface BridgeApi {
  getSettings(): Promise<AppSettings>;
  chooseMode(choice: InvokeChannels['app:choose-mode'][0]): Promise<AppSettings>;
  coordinatorInfo(): Promise<InvokeChannels['app:coordinator-info'][1]>;
  /** Coordinators announced on the LAN within 3 s. */
  discover(): Promise<FoundCoordinator[]>;
  worker: {
    getState(): Promise<WorkerViewState | null>;
    pause(): Promise<void>;
    resume(): Promise<void>;
    onState(listener: (state: WorkerViewState) => void): () => void;
    onOutput(listener: (event: EventChannels['worker:output']) => void): () => void;
  };
}
