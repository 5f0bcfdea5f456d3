/**
 * A student's zip read straight into a submission, without extracting it: only source files are
 * inflated (by extension, outside vendor folders), each and all of them bounded before a byte is read,
 * and yauzl checks every entry's real size against its declared one and refuses absolute, `..` and
 * backslash names, as the runner's bundle.ts relies on. Nothing is written to disk.
 */
import yauzl from 'yauzl';
import { isComparedPath } from './similarity-languages.ts';
import type { SkippedInput, Submission, SubmissionFile } from './similarity-prepare.ts';

export interface SubmissionZip {
  id: string;
  zipPath: string;
}

export interface ZipReadLimits {
  /** Entries in the zip's directory (files, folders and links). */
  maxEntries: number;
  /** A larger source file is skipped without being inflated. */
  maxFileBytes: number;
  /** More source than this and the submission is skipped. */
  maxSubmissionBytes: number;
}

export const ZIP_READ_DEFAULTS: ZipReadLimits = { maxEntries: 20_000, maxFileBytes: 256 * 1024, maxSubmissionBytes: 4 * 1024 * 1024 };

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}

export function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('unreadable'));
      zip.on('error', () => undefined); // an error between reads surfaces at the next read; it must not go unhandled
      resolve(zip);
    });
  });
}

/** The entries of a zip one by one; a broken directory rejects the iteration. */
export async function* entriesOf(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const settle = (value: yauzl.Entry | null, error?: Error) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        if (error) reject(error);
        else resolve(value);
      };
      const onEntry = (e: yauzl.Entry) => settle(e);
      const onEnd = () => settle(null);
      const onError = (e: Error) => settle(null, e);
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

/** An entry's bytes, never more than `max` of them whatever the zip claims. */
export function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const parts: Buffer[] = [];
      let size = 0;
      stream.on('data', (part: Buffer) => {
        size += part.length;
        if (size > max) stream.destroy(new Error(`${entry.fileName} holds more than it declares`));
        else parts.push(part);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(parts)));
    });
  });
}

/** Text from a source file's bytes: UTF-8, or UTF-16 when it starts with its byte order mark; undefined for binary bytes. */
export function decodeSource(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.includes(0)) return undefined;
  return new TextDecoder('utf-8').decode(bytes);
}

/** Whether an entry is a source file to read (not a folder, a link or a file of another kind). */
export function isSourceEntry(entry: yauzl.Entry): boolean {
  if (entry.fileName.endsWith('/')) return false;
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return false;
  return isComparedPath(entry.fileName);
}

/** The source files of one zip; files and the whole submission that are left out are said in `skipped`. */
async function readSources(zip: yauzl.ZipFile, id: string, limits: ZipReadLimits, skipped: SkippedInput[]): Promise<SubmissionFile[] | undefined> {
  if (zip.entryCount > limits.maxEntries) {
    skipped.push({ id, reason: `the zip has ${zip.entryCount} entries; at most ${limits.maxEntries} are read` });
    return undefined;
  }
  const files: SubmissionFile[] = [];
  let total = 0;
  for await (const entry of entriesOf(zip)) {
    if (!isSourceEntry(entry)) continue;
    const path = entry.fileName;
    if (entry.uncompressedSize > limits.maxFileBytes) {
      skipped.push({ id, path, reason: `larger than ${kb(limits.maxFileBytes)} (${kb(entry.uncompressedSize)}): generated or data, not compared` });
      continue;
    }
    total += entry.uncompressedSize;
    if (total > limits.maxSubmissionBytes) {
      skipped.push({ id, reason: `more than ${kb(limits.maxSubmissionBytes)} of source code; not compared` });
      return undefined;
    }
    const text = decodeSource(await readEntry(zip, entry, limits.maxFileBytes));
    if (text === undefined) skipped.push({ id, path, reason: 'binary content under a source file name' });
    else files.push({ path, text });
  }
  return files;
}

/** One student's zip as a submission (undefined, and why in `skipped`, when it cannot be read or is too big). */
export async function readSubmissionZip(
  source: SubmissionZip,
  limits: Partial<ZipReadLimits> = {},
): Promise<{ submission: Submission | undefined; skipped: SkippedInput[] }> {
  const bounds = { ...ZIP_READ_DEFAULTS };
  for (const name of ['maxEntries', 'maxFileBytes', 'maxSubmissionBytes'] as const) bounds[name] = limits[name] ?? bounds[name];
  const skipped: SkippedInput[] = [];
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(source.zipPath);
    const files = await readSources(zip, source.id, bounds, skipped);
    return { submission: files ? { id: source.id, files } : undefined, skipped };
  } catch (error) {
    skipped.push({ id: source.id, reason: `the zip could not be read: ${(error as Error).message}` });
    return { submission: undefined, skipped };
  } finally {
    zip?.close();
  }
}

/** Several students' zips, two at a time (reading is mostly waiting for the disk and inflating). */
export async function readSubmissionZips(
  sources: readonly SubmissionZip[],
  limits: Partial<ZipReadLimits> = {},
): Promise<{ submissions: Submission[]; skipped: SkippedInput[] }> {
  const results: Awaited<ReturnType<typeof readSubmissionZip>>[] = [];
  let next = 0;
  const reader = async () => {
    while (next < sources.length) {
      const at = next++;
      results[at] = await readSubmissionZip(sources[at]!, limits);
    }
  };
  await Promise.all([reader(), reader()]);
  return {
    submissions: results.flatMap((r) => (r.submission ? [r.submission] : [])),
    skipped: results.flatMap((r) => r.skipped),
  };
}
