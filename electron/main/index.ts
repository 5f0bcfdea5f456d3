/**
 * The desktop app's main process: one instance per PC, the mode chosen at first launch (or by flags
 * for an unattended install), the coordinator or the worker running in this process, the window, the
 * tray, the menu and the IPC handlers.
 */
import { app, BrowserWindow, ipcMain, Menu, nativeImage, Notification, powerMonitor, safeStorage, shell, Tray } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { textLogger } from '../core/logger.ts';
import type { AppMode, AppSettings } from '../../shared/ipc.ts';
import type { WorkerViewState } from '../../shared/worker-view.ts';
import { viewState } from '../core/worker/local-ui.ts';
import { setOpenAtLogin } from './autostart.ts';
import { secretFreeArgv } from '../core/secret-argv.ts';
import { parseLaunchFlags } from './flags.ts';
import { IpcManager, trustedPage } from './ipc.ts';
import { watchJobNotices, type NoticeText } from './job-notice.ts';
import { setupPageUrl, startCoordinatorMode, startWorkerMode, type RunningMode } from './modes.ts';
import { powerMonitorIdleSource } from './power-monitor-idle.ts';
import { SettingsManager } from './settings.ts';
import { TrayController } from './tray.ts';
import { createMainWindow } from './window.ts';

const here = fileURLToPath(new URL('.', import.meta.url)); // dist/electron/main/
const rendererDir = join(here, '../../renderer');
const preloadPath = join(here, '../preload/index.cjs');
// Packaged: icons ship as extra resources; in development they are in the repo's resources/.
const iconDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(here, '../../../resources');
const logger = textLogger();

let window: BrowserWindow | undefined;
let tray: TrayController | undefined;
let running: RunningMode | undefined;
let quitting = false;
// Kept referenced while shown: a garbage-collected notification loses its click handler.
let notice: Notification | undefined;

function showWindow(): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function showNotice(text: NoticeText): void {
  notice = new Notification({ ...text, silent: true });
  notice.on('click', showWindow);
  notice.show();
}

async function main(): Promise<void> {
  // A token on the command line (--join LINE, --join-token) moves into the environment, and the app starts again without it in its argv.
  const moved = secretFreeArgv(process.argv.slice(1));
  if (moved) {
    Object.assign(process.env, moved.env);
    // In an AppImage the running binary sits in a mount that goes with this process: start the AppImage itself.
    app.relaunch({ args: moved.argv, ...(process.env.APPIMAGE ? { execPath: process.env.APPIMAGE } : {}) });
    app.exit(0);
    return;
  }
  let flags;
  try {
    flags = parseLaunchFlags(process.argv.slice(1), process.env);
    // Read once, then out of the environment children inherit (jobs also get an allow-listed one).
    delete process.env.CMDX_JOIN;
    delete process.env.CMDX_JOIN_TOKEN;
  } catch (error) {
    logger.error((error as Error).message);
    app.exit(2);
    return;
  }
  // One instance per PC: a second launch focuses the first and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', showWindow);
  // Windows shows notifications only for the app id the installer's shortcut carries (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.cmdexecutor.app');
  await app.whenReady();
  const idleSource = powerMonitorIdleSource(powerMonitor);

  const settings = new SettingsManager(new ElectronStore({ name: 'settings' }), safeStorage, join(app.getPath('userData'), 'coordinator'));
  if (flags.mode) {
    settings.save({
      mode: flags.mode,
      coordinator: {
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
        ...(flags.noAnnounce ? { announce: false } : {}),
      },
      worker: {
        ...(flags.server ? { server: flags.server } : {}),
        ...(flags.fingerprint ? { fingerprint: flags.fingerprint } : {}),
        ...(flags.joinToken ? { joinToken: flags.joinToken } : {}),
      },
    });
  }
  if (flags.openAtLogin !== undefined) settings.save({ openAtLogin: flags.openAtLogin });
  const autostart = {
    platform: process.platform,
    setLoginItemSettings: (s: Parameters<typeof app.setLoginItemSettings>[0]) => app.setLoginItemSettings(s),
    command: app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()],
  };
  setOpenAtLogin(settings.load().openAtLogin, autostart);

  const trusted = trustedPage(rendererDir, () => (running?.coordinator ? new URL(running.pageUrl).origin : undefined));
  window = createMainWindow(
    {
      create: (o) => new BrowserWindow(o),
      preload: preloadPath,
      icon: join(iconDir, 'icon.png'),
      trusted,
      openExternal: (url) => void shell.openExternal(url),
    },
    { show: !flags.hidden, title: 'CMD Executor' },
  );
  window.on('close', (event) => {
    // A worker keeps running in the tray when its window is closed.
    if (!quitting && running?.agent) {
      event.preventDefault();
      window?.hide();
    }
  });

  const ipc = new IpcManager(ipcMain, trusted);
  const send = (state: WorkerViewState) => IpcManager.send(window?.webContents, 'worker:state', state);
  ipc.handle('app:get-settings', () => settings.load());
  // Multicast DNS is loaded only when the setup page asks for it.
  ipc.handle('app:discover', async () => (await import('../core/discovery.ts')).discover(3000));
  ipc.handle('app:choose-mode', async (choice) => {
    const saved = settings.save({ mode: choice.mode, coordinator: choice.coordinator, worker: choice.worker });
    await start(saved);
    return saved;
  });
  ipc.handle('app:coordinator-info', () => (running?.coordinator ? { url: running.pageUrl, adminToken: running.coordinator.tokens.adminToken || null } : null));
  ipc.handle('worker:get-state', () => (running?.agent ? viewState(running.agent) : null));
  ipc.handle('worker:pause', () => running?.agent?.pause());
  ipc.handle('worker:resume', () => running?.agent?.resume());

  async function start(current: AppSettings): Promise<void> {
    await running?.stop();
    tray?.destroy();
    tray = undefined;
    const options = { logger, rendererDir, workerDir: join(app.getPath('userData'), 'worker'), idleSource };
    try {
      running =
        current.mode === 'coordinator'
          ? await startCoordinatorMode(current.coordinator, options)
          : startWorkerMode(current.worker, { ...options, onJoined: () => void settings.save({ worker: { joinToken: '' } }) });
    } catch (error) {
      logger.error('could not start', { mode: current.mode, error: (error as Error).message });
      running = undefined;
      await window?.loadURL(setupPageUrl(rendererDir) + `?error=${encodeURIComponent((error as Error).message)}`);
      return;
    }
    const agent = running.agent;
    if (agent) {
      tray = new TrayController(
        {
          createTray: (image) => new Tray(image),
          buildMenu: (t) => Menu.buildFromTemplate(t),
          imageFromPath: (p) => nativeImage.createFromPath(p),
          iconDir,
          platform: process.platform,
        },
        { open: showWindow, pause: () => agent.pause(), resume: () => agent.resume(), quit: () => app.quit() },
        agent.state,
      );
      agent.on('state', (state) => {
        tray?.update(state);
        send({ ...state, output: agent.currentOutput });
      });
      agent.on('output', (jobId, entry) => IpcManager.send(window?.webContents, 'worker:output', { jobId, entry }));
      watchJobNotices(agent, { idle: idleSource, supported: () => Notification.isSupported(), show: showNotice });
    }
    logger.info('mode started', { mode: current.mode, page: running.pageUrl });
    await window?.loadURL(running.pageUrl);
  }

  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'CMD Executor',
        submenu: [
          { label: 'Change mode…', click: () => void changeMode(null) },
          {
            label: 'Open at login',
            type: 'checkbox',
            checked: settings.load().openAtLogin,
            click: (item) => {
              settings.save({ openAtLogin: item.checked });
              setOpenAtLogin(item.checked, autostart);
            },
          },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
    ]),
  );

  async function changeMode(mode: AppMode | null): Promise<void> {
    settings.save({ mode });
    await running?.stop();
    running = undefined;
    tray?.destroy();
    tray = undefined;
    await window?.loadURL(setupPageUrl(rendererDir));
    showWindow();
  }

  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    if (!running) return;
    event.preventDefault();
    void running.stop().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => {
    if (!running?.agent) app.quit();
  });

  const current = settings.load();
  if (current.mode) await start(current);
  else await window.loadURL(setupPageUrl(rendererDir));
}

main().catch((error: Error) => {
  logger.error('the app could not start', { error: error.stack ?? error.message });
  app.exit(1);
});
