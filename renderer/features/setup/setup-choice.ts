/** The setup form's fields as typed, filled in from the app's settings, and the choice they make (or the sentence saying what is wrong). */
import { parseTagList } from '../../../shared/api.ts';
import type { AppSettings, InvokeChannels } from '../../../shared/ipc.ts';
import { formatJoinLine, parseJoinLine } from '../../../shared/join-line.ts';

export type SetupMode = 'coordinator' | 'worker';

export interface CoordinatorForm {
  port: string;
  dataDir: string;
  alsoWorker: boolean;
}

export interface WorkerForm {
  /** A join line (cmdx://…), or a plain-HTTP address. */
  server: string;
  joinToken: string;
  /** Comma-separated. */
  tags: string;
}

export type ModeChoice = InvokeChannels['app:choose-mode'][0];

export const EMPTY_COORDINATOR: CoordinatorForm = { port: '3000', dataDir: '', alsoWorker: false };
export const EMPTY_WORKER: WorkerForm = { server: '', joinToken: '', tags: '' };

export function coordinatorFormOf(s: AppSettings): CoordinatorForm {
  return { port: String(s.coordinator.port), dataDir: s.coordinator.dataDir, alsoWorker: s.coordinator.alsoRunWorker };
}

/** The worker's settings as the form shows them: a pinned coordinator as its join line (without the token). */
export function workerFormOf(s: AppSettings): WorkerForm {
  const server =
    s.worker.server && s.worker.fingerprint
      ? formatJoinLine(new URL(s.worker.server).hostname, Number(new URL(s.worker.server).port), s.worker.fingerprint, null)
      : s.worker.server;
  return { server, joinToken: s.worker.joinToken, tags: (s.worker.tags ?? []).join(', ') };
}

/** What the worker form holds, as the settings the app keeps: a join line, or an address and a token. */
function workerChoice(text: string, joinToken: string): { server: string; fingerprint: string; joinToken: string } | { error: string } {
  const value = text.trim();
  if (value.startsWith('cmdx://')) {
    const line = parseJoinLine(value);
    return 'error' in line ? line : { server: line.server, fingerprint: line.fingerprint ?? '', joinToken: line.joinToken ?? joinToken.trim() };
  }
  if (/^http:\/\/.+/.test(value)) return { server: value, fingerprint: '', joinToken: joinToken.trim() };
  return { error: 'Paste the join line from the coordinator\'s "Add a worker" dialog (it starts with cmdx://), or pick a coordinator found on this network.' };
}

/** The choice to send for `mode` (only that mode's fields are checked), or the sentence saying what is wrong. */
export function readChoice(mode: SetupMode, coordinator: CoordinatorForm, worker: WorkerForm): ModeChoice | { error: string } {
  if (mode === 'worker') {
    const settings = workerChoice(worker.server, worker.joinToken);
    if ('error' in settings) return { error: settings.error };
    try {
      return { mode, worker: { ...settings, tags: parseTagList(worker.tags) } };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  const port = Number(coordinator.port);
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) return { error: 'The port must be a number from 1 to 65535.' };
  return { mode, coordinator: { port, dataDir: coordinator.dataDir.trim(), alsoRunWorker: coordinator.alsoWorker } };
}
