/** The shells a job may ask for; a worker that lacks the one asked for fails the job with `spawn_failed`. */
import { z } from 'zod';

export const SHELLS = ['cmd', 'powershell', 'pwsh', 'sh'] as const;
export type ShellName = (typeof SHELLS)[number];
export const shellSchema = z.enum(SHELLS);

/** The shell a job gets when it names none: cmd on Windows, sh elsewhere (`platform`: a NodeJS.Platform, or an OS as a worker reports it). */
export function defaultShell(platform: string): ShellName {
  return platform === 'win32' ? 'cmd' : 'sh';
}
