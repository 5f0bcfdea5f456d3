/**
 * The preload bridge: a narrow, typed `window.api` built from the channel registry in shared/ipc.ts.
 * Named functions only; the page never sees ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeApi, EventChannels, InvokeChannels } from '../../shared/ipc.ts';

function invoke<C extends keyof InvokeChannels>(channel: C, arg?: InvokeChannels[C][0]): Promise<InvokeChannels[C][1]> {
  return ipcRenderer.invoke(channel, arg) as Promise<InvokeChannels[C][1]>;
}

function listen<C extends keyof EventChannels>(channel: C, listener: (payload: EventChannels[C]) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: EventChannels[C]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.off(channel, wrapped);
}

const api: BridgeApi = {
  getSettings: () => invoke('app:get-settings'),
  chooseMode: (choice) => invoke('app:choose-mode', choice),
  coordinatorInfo: () => invoke('app:coordinator-info'),
  discover: () => invoke('app:discover'),
  worker: {
    getState: () => invoke('worker:get-state'),
    pause: () => invoke('worker:pause'),
    resume: () => invoke('worker:resume'),
    onState: (listener) => listen('worker:state', listener),
    onOutput: (listener) => listen('worker:output', listener),
  },
};

contextBridge.exposeInMainWorld('api', api);
