/**
 * The desktop app's main process: one instance per PC, the mode chosen at first launch (or by flags
 * for an unattended install), the coordinator or the worker running in this process, the window, the
 * tray, the menu and the IPC handlers. Its pieces: launch.ts (before ready), mode-control.ts (the mode
 * running, its tray), ipc-handlers.ts, app-menu.ts, window.ts.
 */
import { app, BrowserWindow, ipcMain, powerMonitor, safeStorage, shell } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { textLogger } from '../core/logger.ts';
import { setAppMenu } from './app-menu.ts';
import { setOpenAtLogin } from './autostart.ts';
import { IpcManager, trustedPage } from './ipc.ts';
import { handleIpc } from './ipc-handlers.ts';
import { launch, rememberLaunchFlags } from './launch.ts';
import { ModeControl } from './mode-control.ts';
import { setupPageUrl } from './modes.ts';
import { powerMonitorIdleSource } from './power-monitor-idle.ts';
import { SettingsManager } from './settings.ts';
import { createMainWindow } from './window.ts';

const here = fileURLToPath(new URL('.', import.meta.url)); // dist/electron/main/
const rendererDir = join(here, '../../renderer');
const preloadPath = join(here, '../preload/index.cjs');
// Packaged: icons ship as extra resources; in development they are in the repo's resources/.
const iconDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(here, '../../../resources');
const logger = textLogger();

let window: BrowserWindow | undefined;
let quitting = false;

function showWindow(): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** The window, showing only our pages (`trusted`); closing it leaves a worker running in the tray. */
function openWindow(modes: ModeControl, trusted: (url: string) => boolean, show: boolean): BrowserWindow {
  const win = createMainWindow(
    {
      create: (o) => new BrowserWindow(o),
      preload: preloadPath,
      icon: join(iconDir, 'icon.png'),
      trusted,
      openExternal: (url) => void shell.openExternal(url),
    },
    { show, title: 'CMD Executor' },
  );
  win.on('close', (event) => {
    // A worker keeps running in the tray when its window is closed.
    if (!quitting && modes.running?.agent) {
      event.preventDefault();
      window?.hide();
    }
  });
  return win;
}

async function main(): Promise<void> {
  const flags = launch(logger);
  if (!flags) return;
  app.on('second-instance', showWindow);
  // Windows shows notifications only for the app id the installer's shortcut carries (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.cmdexecutor.app');
  await app.whenReady();
  const idleSource = powerMonitorIdleSource(powerMonitor);

  const settings = new SettingsManager(new ElectronStore({ name: 'settings' }), safeStorage, join(app.getPath('userData'), 'coordinator'));
  rememberLaunchFlags(settings, flags);
  const autostart = {
    platform: process.platform,
    setLoginItemSettings: (s: Parameters<typeof app.setLoginItemSettings>[0]) => app.setLoginItemSettings(s),
    command: app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()],
  };
  setOpenAtLogin(settings.load().openAtLogin, autostart);

  const modes = new ModeControl({ logger, rendererDir, iconDir, idleSource, settings, window: () => window, showWindow });
  const trusted = trustedPage(rendererDir, () => (modes.running?.coordinator ? new URL(modes.running.pageUrl).origin : undefined));
  window = openWindow(modes, trusted, !flags.hidden);
  handleIpc(new IpcManager(ipcMain, trusted), settings, modes);
  setAppMenu(settings, autostart, () => void modes.changeMode(null));

  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    if (!modes.running) return;
    event.preventDefault();
    void modes.running.stop().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => {
    if (!modes.running?.agent) app.quit();
  });

  const current = settings.load();
  if (current.mode) await modes.start(current);
  else await window.loadURL(setupPageUrl(rendererDir));
}

main().catch((error: Error) => {
  logger.error('the app could not start', { error: error.stack ?? error.message });
  app.exit(1);
});
