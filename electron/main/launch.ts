/**
 * Before the app is ready: a token on the command line moves into the environment (and the app starts
 * again without it), the launch flags are read once, and one instance runs per PC. Then the flags of
 * an unattended install become the saved settings.
 */
import { app } from 'electron';
import type { Logger } from '../core/logger.ts';
import { secretFreeArgv } from '../core/secret-argv.ts';
import { parseLaunchFlags, type LaunchFlags } from './flags.ts';
import type { SettingsManager } from './settings.ts';

/** The flags, or undefined when this process goes no further (it started again, its flags were wrong, or another instance runs). */
export function launch(logger: Logger): LaunchFlags | undefined {
  // A token on the command line (--join LINE, --join-token) moves into the environment, and the app starts again without it in its argv.
  const moved = secretFreeArgv(process.argv.slice(1));
  if (moved) {
    Object.assign(process.env, moved.env);
    // In an AppImage the running binary sits in a mount that goes with this process: start the AppImage itself.
    app.relaunch({ args: moved.argv, ...(process.env.APPIMAGE ? { execPath: process.env.APPIMAGE } : {}) });
    app.exit(0);
    return undefined;
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
    return undefined;
  }
  // One instance per PC: a second launch focuses the first and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  return flags;
}

/** The mode and settings given as flags (an unattended install) are saved, as if chosen on the setup page. */
export function rememberLaunchFlags(settings: SettingsManager, flags: LaunchFlags): void {
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
}
