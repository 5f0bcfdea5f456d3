/** The app window, with Electron's safe defaults kept: isolated, sandboxed, no Node, no popups, no navigation away. */
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions } from 'electron';

export interface WindowDeps {
  create(options: BrowserWindowConstructorOptions): BrowserWindowType;
  preload: string;
  icon: string;
  /** Whether a URL is one of our pages (navigation anywhere else is refused). */
  trusted: (url: string) => boolean;
  openExternal?: (url: string) => void;
}

export function createMainWindow(deps: WindowDeps, options: { show: boolean; title: string }): BrowserWindowType {
  const win = deps.create({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: options.show,
    title: options.title,
    icon: deps.icon,
    webPreferences: {
      preload: deps.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) deps.openExternal?.(url); // links open in the real browser
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!deps.trusted(url)) event.preventDefault();
  });
  return win;
}
