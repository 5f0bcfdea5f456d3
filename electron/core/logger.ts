/** Structured logging: one JSON line per event on the CLI, a readable line in the app. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** JSON lines to a writable (stderr by default, so stdout stays free for what a script reads). */
export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line), base: LogFields = {}): Logger {
  const log =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }) + '\n');
    };
  return { debug: () => {}, info: log('info'), warn: log('warn'), error: log('error') };
}

/** Readable lines for the desktop app's console. */
export function textLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}${extra ? ' ' + extra : ''}\n`);
    };
  return { debug: () => {}, info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
