/**
 * A small fake of the Electron main-process API, for booting the built main bundle under plain Node.
 * It reports what the app does as JSON lines on stdout ({"fake": ...}) and takes commands as JSON
 * lines on stdin: {"click": "Pause"} clicks a tray menu item, {"invoke": channel, "arg", "url"}
 * calls an IPC handler as a page at `url` would, {"idle": 3600} sets the seconds since the last
 * keyboard or mouse input that powerMonitor reports (FAKE_ELECTRON_IDLE_SECONDS at start, else 0),
 * {"quit": true} quits.
 */
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

function report(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ fake: true, ...event }) + '\n');
}

type MenuItem = { label?: string; click?: (item: MenuItem) => void; type?: string; checked?: boolean; enabled?: boolean; submenu?: MenuItem[] };

class FakeApp extends EventEmitter {
  isPackaged = false;
  #ready = Promise.resolve();
  whenReady() {
    return this.#ready;
  }
  requestSingleInstanceLock() {
    return process.env.FAKE_ELECTRON_SECOND_INSTANCE !== '1';
  }
  getPath(name: string) {
    return `${process.env.FAKE_ELECTRON_USER_DATA}/${name === 'userData' ? '' : name}`.replace(/\/$/, '');
  }
  getVersion() {
    return '0.0.0-fake';
  }
  getAppPath() {
    return process.cwd();
  }
  setLoginItemSettings(settings: unknown) {
    report({ kind: 'login-item', settings });
  }
  setAppUserModelId(id: string) {
    report({ kind: 'app-user-model-id', id });
  }
  quit() {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  }
  exit(code = 0) {
    report({ kind: 'exit', code });
    process.exit(code);
  }
  /** As Electron does: the app starts again with `args` and this environment (here in this same process, so that a test keeps its pipes). */
  relaunch(options: { args?: string[] } = {}) {
    report({ kind: 'relaunch', args: options.args });
    if (options.args) process.execve!(process.execPath, [process.execPath, ...process.execArgv, ...options.args], process.env);
  }
}

export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  openHandler: ((details: { url: string }) => unknown) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    this.openHandler = handler;
  }
  send(channel: string, payload: unknown) {
    report({ kind: 'send', channel, status: (payload as { status?: string })?.status });
  }
  isDestroyed() {
    return false;
  }
}

export class BrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  #visible: boolean;
  constructor(options: { show?: boolean; webPreferences?: Record<string, unknown> }) {
    super();
    this.#visible = options.show !== false;
    report({ kind: 'window', show: this.#visible, webPreferences: options.webPreferences });
    windows.push(this);
  }
  loadURL(url: string) {
    report({ kind: 'load', url });
    return Promise.resolve();
  }
  show() {
    this.#visible = true;
    report({ kind: 'show' });
  }
  hide() {
    this.#visible = false;
    report({ kind: 'hide' });
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return false;
  }
  isVisible() {
    return this.#visible;
  }
}
const windows: BrowserWindow[] = [];

let trayMenu: MenuItem[] = [];
export class Tray {
  constructor(image: { path: string }) {
    report({ kind: 'tray-create', image: basename(image.path) });
  }
  setImage(image: { path: string }) {
    report({ kind: 'tray-image', image: basename(image.path) });
  }
  setToolTip(text: string) {
    report({ kind: 'tray-tooltip', text });
  }
  setContextMenu(menu: { template: MenuItem[] }) {
    trayMenu = menu.template;
    report({ kind: 'tray-menu', labels: trayMenu.filter((m) => m.label).map((m) => m.label) });
  }
  destroy() {
    report({ kind: 'tray-destroy' });
  }
}

export const Menu = {
  buildFromTemplate: (template: MenuItem[]) => ({ template }),
  setApplicationMenu: (menu: { template: MenuItem[] }) =>
    report({ kind: 'app-menu', labels: menu.template.map((m) => m.label ?? m.type ?? (m as { role?: string }).role) }),
};

export const nativeImage = { createFromPath: (path: string) => ({ path }) };

let idleSeconds = Number(process.env.FAKE_ELECTRON_IDLE_SECONDS ?? 0);
export const powerMonitor = { getSystemIdleTime: () => idleSeconds };

export class Notification extends EventEmitter {
  static isSupported() {
    return process.env.FAKE_ELECTRON_NO_NOTIFICATIONS !== '1';
  }
  readonly #options: { title?: string; body?: string; silent?: boolean };
  constructor(options: { title?: string; body?: string; silent?: boolean }) {
    super();
    this.#options = options;
  }
  show() {
    report({ kind: 'notification', ...this.#options });
  }
}

type Handler = (event: { senderFrame: { url: string } }, arg: unknown) => unknown;
const handlers = new Map<string, Handler>();
export const ipcMain = {
  handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
  removeHandler: (channel: string) => void handlers.delete(channel),
  on: () => {},
};

export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
  decryptString: (data: Buffer) => Buffer.from(data.toString().slice(4), 'base64').toString(),
};

export const shell = { openExternal: (url: string) => Promise.resolve(report({ kind: 'open-external', url })), openPath: () => Promise.resolve('') };
export const contextBridge = { exposeInMainWorld: () => {} };
export const ipcRenderer = { invoke: () => Promise.resolve(undefined), on: () => {}, off: () => {} };

async function handleCommand(line: string): Promise<void> {
  let command: { click?: string; invoke?: string; arg?: unknown; url?: string; idle?: number; quit?: boolean };
  try {
    command = JSON.parse(line);
  } catch {
    return;
  }
  if (command.click) {
    // As on a real menu, a greyed-out line (the state, the policy) cannot be clicked.
    const item = trayMenu.find((m) => m.enabled !== false && m.label?.startsWith(command.click!));
    report({ kind: 'clicked', label: item?.label ?? null });
    item?.click?.(item);
  } else if (command.invoke) {
    const handler = handlers.get(command.invoke);
    try {
      if (!handler) throw new Error(`no handler for ${command.invoke}`);
      const result = await handler({ senderFrame: { url: command.url ?? '' } }, command.arg);
      report({ kind: 'invoke-result', channel: command.invoke, result: result ?? null });
    } catch (error) {
      report({ kind: 'invoke-error', channel: command.invoke, error: (error as Error).message });
    }
  } else if (command.idle !== undefined) {
    idleSeconds = command.idle;
    report({ kind: 'idle', seconds: idleSeconds });
  } else if (command.quit) {
    app.quit();
  }
}

// The test drives the fake app through lines of JSON on stdin.
createInterface({ input: process.stdin }).on('line', (line) => void handleCommand(line));

export default { app, BrowserWindow, Tray, Menu, nativeImage, powerMonitor, Notification, ipcMain, safeStorage, shell, contextBridge, ipcRenderer };
