/**
 * The worker's tray icon: one Tray, created once and kept referenced (or it is garbage-collected and
 * vanishes); its image switches between idle, busy, waiting, paused and disconnected, its tooltip
 * and menu say the state and the lab's policy in words (tray-words.ts), and its menu is rebuilt
 * after every change because Linux needs that. Pause/Resume is always in the menu.
 */
import type { Menu as MenuType, MenuItemConstructorOptions, NativeImage, Tray as TrayType } from 'electron';
import { join } from 'node:path';
import type { AgentState } from '../../shared/worker-view.ts';
import { trayStateOf, trayWords, type TrayState } from './tray-words.ts';

/** The Electron pieces the tray uses, passed in so tests can use fakes. */
export interface TrayDeps {
  createTray(image: NativeImage): TrayType;
  buildMenu(template: MenuItemConstructorOptions[]): MenuType;
  imageFromPath(path: string): NativeImage;
  iconDir: string;
  platform: NodeJS.Platform;
  now?: () => number;
}

export interface TrayActions {
  open(): void;
  pause(): void;
  resume(): void;
  quit(): void;
}

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
    const words = trayWords(agent, this.#deps.now?.() ?? Date.now());
    const shown = JSON.stringify([words, agent.paused]);
    if (shown === this.#shown) return; // heartbeats change nothing the tray shows
    this.#shown = shown;
    if (words.icon !== this.#state) this.#tray.setImage(this.image(words.icon));
    this.#state = words.icon;
    this.#tray.setToolTip(words.tooltip);
    this.#tray.setContextMenu(
      this.#deps.buildMenu([
        { label: words.line, enabled: false },
        { label: words.policy, enabled: false },
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
