/**
 * One source file of a student's zip as text, for the similarity check's side-by-side view: only a
 * path the check itself would compare (a source file by its extension, outside vendor folders, not a
 * link), read straight from the zip (nothing written to disk) and never more than the check reads.
 */
import { isComparedPath } from './similarity-languages.ts';
import { decodeSource, entriesOf, isSourceEntry, openZip, readEntry, ZIP_READ_DEFAULTS } from './similarity-zip.ts';

export const SUBMISSION_FILE_MAX_BYTES = ZIP_READ_DEFAULTS.maxFileBytes;
const MAX_PATH = 1000;

export type SubmissionFileOutcome =
  { ok: true; text: string } | { ok: false; why: 'bad_path' | 'not_source' | 'missing' | 'too_large' | 'binary' | 'unreadable'; message: string };

/** Why `path` cannot name a file of a zip (absolute, `..`, backslashes, empty parts), or null when it can. */
export function pathProblem(path: string): string | null {
  if (path.length === 0 || path.length > MAX_PATH) return `"path" must be 1 to ${MAX_PATH} characters long.`;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\\\x00-\x1f]/.test(path) || path.startsWith('/')) return '"path" must be a relative path inside the zip, with / between folders.';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return '"path" must not hold empty, "." or ".." parts.';
  return null;
}

/** The text of the entry named exactly `path` in the zip at `zipPath`. */
export async function readSubmissionFile(zipPath: string, path: string): Promise<SubmissionFileOutcome> {
  const problem = pathProblem(path);
  if (problem) return { ok: false, why: 'bad_path', message: problem };
  if (!isComparedPath(path)) return { ok: false, why: 'not_source', message: `${path} is not a source file the similarity check compares.` };
  let zip: Awaited<ReturnType<typeof openZip>> | undefined;
  try {
    zip = await openZip(zipPath);
    if (zip.entryCount > ZIP_READ_DEFAULTS.maxEntries) return { ok: false, why: 'unreadable', message: 'The zip has too many entries to read.' };
    for await (const entry of entriesOf(zip)) {
      if (entry.fileName !== path) continue;
      if (!isSourceEntry(entry)) return { ok: false, why: 'not_source', message: `${path} is not a source file (a folder or a link).` };
      if (entry.uncompressedSize > SUBMISSION_FILE_MAX_BYTES)
        return { ok: false, why: 'too_large', message: `${path} is larger than ${SUBMISSION_FILE_MAX_BYTES / 1024} KB; download the zip to read it.` };
      const text = decodeSource(await readEntry(zip, entry, SUBMISSION_FILE_MAX_BYTES));
      return text === undefined ? { ok: false, why: 'binary', message: `${path} holds binary bytes, not text.` } : { ok: true, text };
    }
    return { ok: false, why: 'missing', message: `The zip holds no file ${path}.` };
  } catch (error) {
    return { ok: false, why: 'unreadable', message: `The zip could not be read: ${(error as Error).message.slice(0, 200)}` };
  } finally {
    zip?.close();
  }
}
