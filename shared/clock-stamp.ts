/** The time of a log line as the log view and `cmdx logs --timestamps` show it. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `[14:03:09.042]` in local time: with milliseconds, so that the order of lines within a second shows too. */
export function clockStamp(time: number): string {
  const d = new Date(time);
  return `[${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}]`;
}
