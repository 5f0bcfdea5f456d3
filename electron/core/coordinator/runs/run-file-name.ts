/**
 * What a run's downloads are called: "<name> <date>.csv" for a named run (the date it was created, in
 * the coordinator's time zone), its id otherwise. Safe on every file system the admin may save to.
 */
import type { RunRecord } from '../state/repositories/runs.ts';

// Windows refuses these in names; separators would make a path; controls and bidi marks make names lie.
// eslint-disable-next-line no-control-regex -- the point is to drop control characters
const UNSAFE = /[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Names Windows keeps for devices, whatever the extension.
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** The file name (without directory) for one of a run's downloads, e.g. "Lab 3 - sorting 2026-12-06.csv". */
export function runFileName(run: Pick<RunRecord, 'runId' | 'name' | 'createdAt'>, extension: string, suffix = ''): string {
  const safeName = (run.name ?? '')
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!safeName || DEVICE.test(safeName)) return `${run.runId}${suffix}.${extension}`;
  return `${safeName} ${localDate(run.createdAt)}${suffix}.${extension}`;
}

/** `Content-Disposition` for it: a plain ASCII name as it is; any other with an ASCII `filename` for old readers and the exact UTF-8 one (RFC 6266, RFC 5987). */
export function attachmentHeader(fileName: string): string {
  if (/^[\x20-\x7e]+$/.test(fileName) && !/["\\%]/.test(fileName)) return `attachment; filename="${fileName}"`;
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
