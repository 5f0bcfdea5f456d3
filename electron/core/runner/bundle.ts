/**
 * Safe extraction of a project zip that came over the network. Before anything is written the whole
 * central directory is checked: entry count and total size within limits, no absolute or `..` names,
 * no symlink pointing outside the folder and no entry written through a symlink. extract-zip then
 * writes it, with a hook that refuses anything the check did not approve. A failed extraction leaves
 * nothing behind.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import extractZip from 'extract-zip';
import yauzl from 'yauzl';

export interface ExtractLimits {
  /** Total uncompressed bytes allowed. */
  maxBytes: number;
  /** Entries allowed (files, folders and links). */
  maxEntries: number;
}

export const DEFAULT_MAX_ENTRIES = 100_000;

/** A zip refused for a reason the user can act on; its message becomes the job's errorMessage. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET = 4096;

interface ZipPlan {
  entries: number;
  totalBytes: number;
  /** name -> declared uncompressed sizes, for every entry the check approved. */
  approved: Map<string, Set<number>>;
}

function isSymlink(entry: yauzl.Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Names are compared case-insensitively: on Windows and macOS `F` and `f` are the same file. */
function key(name: string): string {
  return name.replace(/\/+$/, '').toLowerCase();
}

function checkName(name: string): void {
  if (name.includes('\0')) throw new BundleError(`The zip has an entry with a NUL character in its name; refusing to extract it.`);
  if (name.includes('\\')) throw new BundleError(`The zip has an entry with a backslash in its name (${JSON.stringify(name)}); refusing to extract it.`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name))
    throw new BundleError(`The zip has an entry with an absolute path (${JSON.stringify(name)}); refusing to extract it.`);
  if (name.split('/').includes('..'))
    throw new BundleError(`The zip has an entry that climbs out of its folder (${JSON.stringify(name)}); refusing to extract it.`);
  // "a/./b", "a//b" and "a/." name one place in several ways; extractors trip over them (found by fuzzing).
  if (
    name
      .replace(/\/$/, '')
      .split('/')
      .some((part) => part === '.' || part === '')
  ) {
    throw new BundleError(`The zip has an entry with an empty or "." part in its name (${JSON.stringify(name)}); refusing to extract it.`);
  }
}

/** yauzl refuses bad names itself; its terse messages are turned into ours. */
function explainYauzlError(error: Error): Error {
  const m = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/s.exec(error.message);
  if (m) {
    try {
      checkName(m[2]!);
    } catch (explained) {
      return explained as Error;
    }
  }
  if (/end of central directory record signature not found/.test(error.message)) {
    return new BundleError('The file is not a zip archive (no central directory found); upload a .zip file.');
  }
  if (/too many bytes in the stream|too few bytes|compressed\/uncompressed size mismatch|stored size mismatch/.test(error.message)) {
    return new BundleError(`The zip is corrupt: an entry holds a different amount of data than it declares (${error.message}).`);
  }
  return new BundleError(`The zip could not be read: ${error.message}.`);
}

function readLinkTarget(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_LINK_TARGET) {
    return Promise.reject(new BundleError(`The zip has a symlink (${entry.fileName}) with a ${entry.uncompressedSize}-byte target; refusing to extract it.`));
  }
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(error ?? new Error('no stream'));
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('error', reject);
      stream.on('end', () => resolvePromise(Buffer.concat(parts).toString('utf8')));
    });
  });
}

/** Reads the central directory and decides, before any write, whether the zip may be extracted. */
export function planExtraction(zipPath: string, limits: ExtractLimits): Promise<ZipPlan> {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError || !zip) return reject(explainYauzlError(openError ?? new Error('unreadable')));
      if (zip.entryCount > limits.maxEntries) {
        zip.close();
        return reject(new BundleError(`The zip has ${zip.entryCount} entries; this worker extracts at most ${limits.maxEntries}.`));
      }
      const plan: ZipPlan = { entries: 0, totalBytes: 0, approved: new Map() };
      const links = new Set<string>();
      const names: string[] = [];
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(error instanceof BundleError ? error : explainYauzlError(error));
      };
      zip.on('error', fail);
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = entry.fileName;
          checkName(name);
          if (name.startsWith('__MACOSX/')) return; // extract-zip skips these
          plan.entries++;
          plan.totalBytes += entry.uncompressedSize;
          if (plan.totalBytes > limits.maxBytes) {
            throw new BundleError(
              `The zip unpacks to more than ${mb(limits.maxBytes)} (at least ${mb(plan.totalBytes)}); this worker's limit is --max-extract-mb ${Math.round(limits.maxBytes / (1024 * 1024))}.`,
            );
          }
          if (isSymlink(entry)) {
            const target = await readLinkTarget(zip, entry);
            if (linkEscapes(name, target)) {
              throw new BundleError(`The zip has a symlink ${name} -> ${target} that points outside the job folder; refusing to extract it.`);
            }
            links.add(key(name));
          }
          names.push(name);
          plan.approved.set(name, (plan.approved.get(name) ?? new Set<number>()).add(entry.uncompressedSize));
        })().then(() => failed || zip.readEntry(), fail);
      });
      zip.on('end', () => {
        if (failed) return;
        const error = symlinkWriteThrough(names, links);
        if (error) return fail(error);
        resolvePromise(plan);
      });
      zip.readEntry();
    });
  });
}

/** A symlink target stays inside when it only climbs real folders (leading `..`) and lands inside. */
function linkEscapes(name: string, target: string): boolean {
  if (isAbsolute(target) || /^[a-zA-Z]:/.test(target) || target.includes('\\') || target.includes('\0')) return true;
  const segments = target.split('/');
  let climb = 0;
  while (segments[climb] === '..') climb++;
  // `x/..` would be resolved by the OS through x, which may itself be a link: lexical checks cannot vouch for it.
  if (segments.slice(climb).includes('..')) return true;
  const where = posix.normalize(posix.join(posix.dirname(name), target));
  return where === '..' || where.startsWith('../') || where.startsWith('/');
}

/**
 * Nothing may be written under a symlink's path, nor a second entry at it: that is how extractors
 * write outside. Nor may a file sit where another entry needs a folder (extract-zip hangs on that).
 */
function symlinkWriteThrough(names: string[], links: Set<string>): BundleError | undefined {
  const seen = new Map<string, number>();
  const folders = new Set<string>();
  for (const name of names) {
    const parts = key(name).split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    if (name.endsWith('/')) folders.add(key(name));
  }
  for (const name of names) {
    const parts = key(name).split('/');
    seen.set(key(name), (seen.get(key(name)) ?? 0) + 1);
    if (!name.endsWith('/') && folders.has(key(name))) return new BundleError(`The zip has both a file and a folder named ${name}; refusing to extract it.`);
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (links.has(prefix)) return new BundleError(`The zip writes ${name} through the symlink ${prefix}; refusing to extract it.`);
    }
  }
  for (const link of links) {
    if ((seen.get(link) ?? 0) > 1) return new BundleError(`The zip has a symlink ${link} and another entry with the same name; refusing to extract it.`);
  }
  return undefined;
}

export interface ExtractedBundle {
  /** The folder the commands run in: the single top folder of the zip if it has one, else `dir`. */
  runDir: string;
  entries: number;
  totalBytes: number;
}

/**
 * Extracts `zipPath` into `dir`, which must not exist yet. On any failure `dir` is removed again and a
 * BundleError says why.
 */
export async function extractBundle(zipPath: string, dir: string, limits: ExtractLimits): Promise<ExtractedBundle> {
  const target = resolve(dir);
  const plan = await planExtraction(zipPath, limits);
  await mkdir(target, { recursive: false });
  // Defence in depth: an extraction that stops making progress is abandoned, never waited on forever.
  const stallMs = 60_000 + plan.totalBytes / (10 * 1024);
  let stallTimer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      extractZip(resolve(zipPath), {
        dir: target,
        onEntry: (entry) => {
          if (!plan.approved.get(entry.fileName)?.has(entry.uncompressedSize)) {
            throw new BundleError(`The zip changed while it was being extracted (${entry.fileName}); refusing to go on.`);
          }
        },
      }),
      new Promise<never>((_, reject) => {
        stallTimer = setTimeout(
          () => reject(new BundleError(`Extracting the zip took longer than ${Math.round(stallMs / 1000)} s; the archive is probably malformed.`)),
          stallMs,
        );
      }),
    ]);
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error instanceof BundleError ? error : explainYauzlError(error as Error);
  } finally {
    clearTimeout(stallTimer);
  }
  return { runDir: await singleTopFolder(target), entries: plan.entries, totalBytes: plan.totalBytes };
}

/** "Download ZIP" archives hold one top folder; the project's commands expect to run inside it. */
async function singleTopFolder(dir: string): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.name !== '__MACOSX');
  if (entries.length === 1 && entries[0]!.isDirectory()) {
    const inner = join(dir, entries[0]!.name);
    if ((await stat(inner)).isDirectory()) return inner;
  }
  return dir;
}
