/** The one file that touches `window.api` (the desktop app's preload bridge); absent in a browser. */
import type { BridgeApi } from '../../shared/ipc.ts';
import type { WorkerSource } from './worker-source.ts';

declare global {
  interface Window {
    api?: BridgeApi;
  }
}

export function bridge(): BridgeApi | undefined {
  return window.api;
}

/** The worker view's data from the app's own worker agent. */
export function bridgeWorkerSource(api: BridgeApi): WorkerSource {
  return {
    subscribe(onState, onOutput) {
      const offState = api.worker.onState(onState);
      const offOutput = api.worker.onOutput((e) => onOutput(e.jobId, e.entry));
      void api.worker.getState().then((s) => s && onState(s));
      return () => {
        offState();
        offOutput();
      };
    },
    pause: () => api.worker.pause(),
    resume: () => api.worker.resume(),
  };
}
