/** What our pages may ask the main process: the settings, coordinators on the LAN, the mode, the coordinator's address, the worker's state, pause and resume. */
import { viewState } from '../core/worker/local-ui.ts';
import type { IpcManager } from './ipc.ts';
import type { ModeControl } from './mode-control.ts';
import type { SettingsManager } from './settings.ts';

export function handleIpc(ipc: IpcManager, settings: SettingsManager, modes: ModeControl): void {
  ipc.handle('app:get-settings', () => settings.load());
  // Multicast DNS is loaded only when the setup page asks for it.
  ipc.handle('app:discover', async () => (await import('../core/discovery.ts')).discover(3000));
  ipc.handle('app:choose-mode', async (choice) => {
    const saved = settings.save({ mode: choice.mode, coordinator: choice.coordinator, worker: choice.worker });
    await modes.start(saved);
    return saved;
  });
  ipc.handle('app:coordinator-info', () => {
    const running = modes.running;
    return running?.coordinator ? { url: running.pageUrl, adminToken: running.coordinator.tokens.adminToken || null } : null;
  });
  ipc.handle('worker:get-state', () => (modes.running?.agent ? viewState(modes.running.agent) : null));
  ipc.handle('worker:pause', () => modes.running?.agent?.pause());
  ipc.handle('worker:resume', () => modes.running?.agent?.resume());
}
