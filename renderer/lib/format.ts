/** Small display helpers shared by the views. */

export function ago(ms: number | null | undefined, now: number): string {
  if (!ms) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

export function duration(from: number | null | undefined, to: number | null | undefined, now: number): string {
  if (!from) return '—';
  return spanOf((to ?? now) - from);
}

/** "4.2 s", "3 min 5 s", "1 h 2 min": a length of time in ms. */
export function spanOf(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.max(0, ms / 1000);
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60) ? `${Math.floor(s / 60)} min ` : ''}${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** "10:42": hours and minutes, for "paused at 10:42". */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * A moment people can place without a calendar: "today 10:22 (in 3 h)", "tomorrow 10:22 (in 24 h)",
 * "Mon 8 Dec 10:22 (in 3 days)", "today 09:10 (5 min ago)".
 */
export function when(at: number, now: number): string {
  const day = (ms: number) => new Date(ms).setHours(0, 0, 0, 0);
  const days = Math.round((day(at) - day(now)) / 86_400_000);
  const date =
    days === 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days === -1
          ? 'yesterday'
          : new Date(at).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
  const span = spanOf(Math.abs(at - now))
    .replace(/ \d+ s$/, '')
    .replace(/^(\d+)\.\d s$/, '$1 s');
  const ahead = Math.abs(at - now) >= 2 * 86_400_000 ? `${Math.round(Math.abs(at - now) / 86_400_000)} days` : span;
  return `${date} ${clock(at)} (${at >= now ? `in ${ahead}` : `${ahead} ago`})`;
}

export function time(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleTimeString() : '—';
}

/** The first non-blank line, with " …" when more follow (commands sent as a form field arrive with CRLF line ends). */
export function firstLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  return lines.length > 1 ? `${lines[0]} …` : (lines[0] ?? '');
}

/** `1.2 GB`, `340 KB`: a file's size in binary units, one decimal below 10. */
export function fileSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${units[unit]}`;
}
