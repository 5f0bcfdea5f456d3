/** Small fakes for the tray's unit tests: a Tray that records what it is told, and an agent state to patch. */
import type { TrayDeps } from '../../electron/main/tray.ts';
import type { AgentState } from '../../shared/worker-view.ts';

export function agentState(patch: Partial<AgentState>): AgentState {
  return {
    status: 'idle',
    workerId: 'w',
    server: 'http://c',
    connected: true,
    paused: false,
    currentJob: null,
    recentJobs: [],
    lastError: null,
    waiting: null,
    policy: 'jobs at any time; low priority',
    suspended: false,
    ...patch,
  };
}

/** `calls` lists what the tray was told ("create …", "image …", "tip …", "menu"); `menu()` is the last menu's template. */
export function fakeTray() {
  const calls: string[] = [];
  let menu: any[] = [];
  const deps: TrayDeps = {
    createTray: (image: any) => {
      calls.push(`create ${image.path}`);
      return {
        setImage: (i: any) => calls.push(`image ${i.path}`),
        setToolTip: (t: string) => calls.push(`tip ${t}`),
        setContextMenu: (m: any) => {
          menu = m.template;
          calls.push('menu');
        },
        destroy: () => calls.push('destroy'),
      } as any;
    },
    buildMenu: (template: any) => ({ template }) as any,
    imageFromPath: (path: string) => ({ path }) as any,
    iconDir: '/icons',
    platform: 'linux',
  };
  const tooltips = () => calls.filter((c) => c.startsWith('tip ')).map((c) => c.slice(4));
  const item = (label: string) => menu.find((m) => m.label === label);
  return { calls, deps, menu: () => menu, tooltips, item, labels: () => menu.filter((m) => m.label).map((m) => m.label as string) };
}
