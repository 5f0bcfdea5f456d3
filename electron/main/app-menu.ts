/** The app's menu bar: change mode, open at login, quit; and the standard edit and view menus. */
import { Menu } from 'electron';
import { setOpenAtLogin, type AutostartDeps } from './autostart.ts';
import type { SettingsManager } from './settings.ts';

export function setAppMenu(settings: SettingsManager, autostart: AutostartDeps, changeMode: () => void): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'CMD Executor',
        submenu: [
          { label: 'Change mode…', click: changeMode },
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
}
