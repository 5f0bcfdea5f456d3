/**
 * Start at login. Windows and macOS use Electron's login items; on Linux Electron's login items do
 * nothing, so we write (or remove) a .desktop file in ~/.config/autostart.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AutostartDeps {
  platform: NodeJS.Platform;
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  /** The command that starts this app (process.execPath, plus the app path in development). */
  command: string[];
  configHome?: string;
}

export const DESKTOP_FILE = 'cmd-executor.desktop';

export function desktopEntry(command: string[]): string {
  const exec = [...command, '--hidden'].map((part) => (/[\s"'\\]/.test(part) ? `"${part.replace(/(["\\`$])/g, '\\$1')}"` : part)).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=CMD Executor',
    'Comment=Runs lab jobs in the background',
    `Exec=${exec}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

export function setOpenAtLogin(enabled: boolean, deps: AutostartDeps): void {
  if (deps.platform === 'linux') {
    const dir = join(deps.configHome ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart');
    const file = join(dir, DESKTOP_FILE);
    if (enabled) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, desktopEntry(deps.command));
    } else {
      rmSync(file, { force: true });
    }
    return;
  }
  deps.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: ['--hidden'] });
}
