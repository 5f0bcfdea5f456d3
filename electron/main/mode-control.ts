/**
 * The mode running in this process: started from the saved settings (the window shows its page; a
 * worker also gets its tray, its state and output sent to the page, and job notices), stopped to change
 * mode or to quit. A coordinator shows desktop notices for its runs finished, jobs failed and workers offline.
 */
import { app, Menu, nativeImage, Notification, Tray, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { AppMode, AppSettings } from '../../shared/ipc.ts';
import type { Logger } from '../core/logger.ts';
import type { WorkerAgent } from '../core/worker/agent.ts';
import type { IdleSource } from '../core/worker/idle-source.ts';
import { IpcManager } from './ipc.ts';
import { watchJobNotices, type NoticeText } from './job-notice.ts';
import { watchCoordinatorNotices } from './coordinator-notice.ts';
import { setupPageUrl, startCoordinatorMode, startWorkerMode, type RunningMode } from './modes.ts';
import type { SettingsManager } from './settings.ts';
import { TrayController } from './tray.ts';

export interface ModeControlDeps {
  logger: Logger;
  rendererDir: string;
  iconDir: string;
  idleSource: IdleSource;
  settings: SettingsManager;
  window: () => BrowserWindow | undefined;
  showWindow: () => void;
}

export class ModeControl {
  readonly #d: ModeControlDeps;
  #running: RunningMode | undefined;
  #tray: TrayController | undefined;
  // Kept referenced while shown: a garbage-collected notification loses its click handler.
  #notice: Notification | undefined;
  /** Stops the coordinator's notices (runs finished, workers offline) when its mode stops. */
  #unwatch: (() => void) | undefined;

  constructor(deps: ModeControlDeps) {
    this.#d = deps;
  }

  /** What runs now (undefined: the setup page, or a mode that could not start). */
  get running(): RunningMode | undefined {
    return this.#running;
  }

  /** Stops what runs and starts the mode of `current`; a mode that cannot start sends the window to the setup page with the error. */
  async start(current: AppSettings): Promise<void> {
    const { logger, rendererDir, idleSource, settings } = this.#d;
    this.#unwatch?.();
    await this.#running?.stop();
    this.#tray?.destroy();
    this.#tray = undefined;
    const options = { logger, rendererDir, workerDir: join(app.getPath('userData'), 'worker'), idleSource };
    try {
      this.#running =
        current.mode === 'coordinator'
          ? await startCoordinatorMode(current.coordinator, options)
          : startWorkerMode(current.worker, { ...options, onJoined: () => void settings.save({ worker: { joinToken: '' } }) });
    } catch (error) {
      logger.error('could not start', { mode: current.mode, error: (error as Error).message });
      this.#running = undefined;
      await this.#d.window()?.loadURL(setupPageUrl(rendererDir) + `?error=${encodeURIComponent((error as Error).message)}`);
      return;
    }
    if (this.#running.agent) this.#watchWorker(this.#running.agent);
    const notifier = this.#running.coordinator?.context.notifier;
    if (notifier) this.#unwatch = watchCoordinatorNotices(notifier, { supported: () => Notification.isSupported(), show: (text) => this.#showNotice(text) });
    logger.info('mode started', { mode: current.mode, page: this.#running.pageUrl });
    await this.#d.window()?.loadURL(this.#running.pageUrl);
  }

  /** Stops what runs and shows the setup page (`mode` is saved: null asks again at the next launch too). */
  async changeMode(mode: AppMode | null): Promise<void> {
    this.#d.settings.save({ mode });
    this.#unwatch?.();
    await this.#running?.stop();
    this.#running = undefined;
    this.#tray?.destroy();
    this.#tray = undefined;
    await this.#d.window()?.loadURL(setupPageUrl(this.#d.rendererDir));
    this.#d.showWindow();
  }

  /** A worker's tray, its state and output to the page, and a notice when a job starts. */
  #watchWorker(agent: WorkerAgent): void {
    const { iconDir, idleSource, showWindow } = this.#d;
    this.#tray = new TrayController(
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
      this.#tray?.update(state);
      IpcManager.send(this.#d.window()?.webContents, 'worker:state', { ...state, output: agent.currentOutput });
    });
    agent.on('output', (jobId, entry) => IpcManager.send(this.#d.window()?.webContents, 'worker:output', { jobId, entry }));
    watchJobNotices(agent, { idle: idleSource, supported: () => Notification.isSupported(), show: (text) => this.#showNotice(text) });
  }

  #showNotice(text: NoticeText): void {
    this.#notice = new Notification({ ...text, silent: true });
    this.#notice.on('click', this.#d.showWindow);
    this.#notice.show();
  }
}
