/**
 * The worker's tray icon: one Tray, created once and kept referenced (or it is garbage-collected and
 * vanishes); its image switches between idle, busy, paused and disconnected, its tooltip says the
 * state and the current job, and its menu is rebuilt after every change because Linux needs that.
 */
import type { Menu as MenuType, MenuItemConstructorOptions, NativeImage, Tray as TrayType } from 'electron';
import { join } from 'node:path';
import type { AgentState } from '../../shared/worker-view.ts';

export type TrayState = 'idle' | 'busy' | 'paused' | 'disconnected';

/** The Electron pieces the tray uses, passed in so tests can use fakes. */
export interface TrayDeps {
  createTray(image: NativeImage): TrayType;
  buildMenu(template: MenuItemConstructorOptions[]): MenuType;
  imageFromPath(path: string): NativeImage;
  iconDir: string;
  platform: NodeJS.Platform;
}

export interface TrayActions {
  open(): void;
  pause(): void;
  resume(): void;
  quit(): void;
}

export function trayStateOf(state: Pick<AgentState, 'status' | 'connected' | 'paused' | 'currentJob'>): TrayState {
  if (state.currentJob) return 'busy';
  if (!state.connected || state.status === 'disconnected' || state.status === 'starting' || state.status === 'stopped') return 'disconnected';
  if (state.paused) return 'paused';
  return 'idle';
}

const LABELS: Record<TrayState, string> = { idle: 'Idle', busy: 'Busy', paused: 'Paused', disconnected: 'Not connected' };

export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  // macOS recolours black "Template" images for light and dark menu bars.
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

export class TrayController {
  readonly #deps: TrayDeps;
  readonly #actions: TrayActions;
  readonly #tray: TrayType;
  #state: TrayState | undefined;
  #shown = '';

  constructor(deps: TrayDeps, actions: TrayActions, initial: AgentState) {
    this.#deps = deps;
    this.#actions = actions;
    this.#tray = deps.createTray(this.image(trayStateOf(initial)));
    this.update(initial);
  }

  get state(): TrayState | undefined {
    return this.#state;
  }

  private image(state: TrayState): NativeImage {
    return this.#deps.imageFromPath(join(this.#deps.iconDir, trayIconFile(state, this.#deps.platform)));
  }

  update(agent: AgentState): void {
    const state = trayStateOf(agent);
    const job = agent.currentJob ? ` · ${agent.currentJob.filename} (${agent.currentJob.jobId})` : '';
    const shown = `${state}|${job}|${agent.paused}`;
    if (shown === this.#shown) return; // heartbeats change nothing the tray shows
    this.#shown = shown;
    if (state !== this.#state) this.#tray.setImage(this.image(state));
    this.#state = state;
    this.#tray.setToolTip(`CMD Executor worker: ${LABELS[state]}${job}`);
    this.#tray.setContextMenu(
      this.#deps.buildMenu([
        { label: `${LABELS[state]}${job}`, enabled: false },
        { type: 'separator' },
        { label: 'Open', click: () => this.#actions.open() },
        agent.paused
          ? { label: 'Resume taking jobs', click: () => this.#actions.resume() }
          : { label: 'Pause taking jobs', click: () => this.#actions.pause() },
        { type: 'separator' },
        { label: 'Quit', click: () => this.#actions.quit() },
      ]),
    );
  }

  destroy(): void {
    this.#tray.destroy();
  }
}
