/**
 * One handler per channel from the registry in shared/ipc.ts; every message's sender is checked, and
 * messages from any page other than our own are dropped.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type EventChannels, type InvokeChannels } from '../../shared/ipc.ts';

export type Handler<C extends keyof InvokeChannels> = (arg: InvokeChannels[C][0]) => InvokeChannels[C][1] | Promise<InvokeChannels[C][1]>;

export class IpcManager {
  readonly #ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly #trusted: (url: string) => boolean;
  readonly #channels = new Set<string>();

  /** `trusted` decides from the sending frame's URL whether the page is ours. */
  constructor(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, trusted: (url: string) => boolean) {
    this.#ipcMain = ipcMain;
    this.#trusted = trusted;
  }

  handle<C extends keyof InvokeChannels>(channel: C, handler: Handler<C>): void {
    if (!(INVOKE_CHANNELS as readonly string[]).includes(channel)) throw new Error(`${channel} is not in the IPC registry (shared/ipc.ts)`);
    if (this.#channels.has(channel)) throw new Error(`${channel} already has a handler`);
    this.#channels.add(channel);
    this.#ipcMain.handle(channel, async (event: IpcMainInvokeEvent, arg: InvokeChannels[C][0]) => {
      const url = event.senderFrame?.url ?? '';
      if (!this.#trusted(url)) throw new Error(`Refused ${channel} from an untrusted page (${url.slice(0, 100)})`);
      return handler(arg);
    });
  }

  /** Sends an event to a window's page (only registry channels). */
  static send<C extends keyof EventChannels>(contents: Pick<WebContents, 'send' | 'isDestroyed'> | undefined, channel: C, payload: EventChannels[C]): void {
    if (!(EVENT_CHANNELS as readonly string[]).includes(channel)) throw new Error(`${channel} is not in the IPC registry`);
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  }

  dispose(): void {
    for (const channel of this.#channels) this.#ipcMain.removeHandler(channel);
    this.#channels.clear();
  }
}

/** Our pages: the built renderer from disk, or the embedded coordinator's own origin. */
export function trustedPage(rendererDir: string, coordinatorOrigin: () => string | undefined): (url: string) => boolean {
  const fileBase = pathToFileURL(rendererDir).href.replace(/\/?$/, '/');
  return (url) => {
    if (url.startsWith(fileBase)) return true;
    const origin = coordinatorOrigin();
    try {
      return origin !== undefined && new URL(url).origin === origin;
    } catch {
      return false;
    }
  };
}
