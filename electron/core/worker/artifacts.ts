/**
 * Result files of a job: the files under the folder its commands ran in that match its patterns,
 * zipped into the outbox (so a restarted worker still sends them). Symbolic links are never
 * followed and hard links are refused, so nothing outside the job folder can be brought back; size and count are capped, and
 * what was skipped is said in a sentence for the job's log.
 */
import { closeSync, constants as fsConstants, createReadStream, createWriteStream, fstatSync, lstatSync, openSync, readdirSync, renameSync } from 'node:fs';
import { matchesGlob, relative, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { LIMITS } from '../../../shared/api.ts';

/** The coordinator's bounds on a listing (artifact-store.ts): each name, and all names together. */
const MAX_PATH_CHARS = 1024;
const MAX_LISTING_CHARS = 1024 * 1024;

export interface CollectedArtifacts {
  /** `dev` and `ino` as walked: the file zipped must be this very file (see zipArtifacts). */
  files: { path: string; size: number; dev: number; ino: number }[];
  /** One line per file (or kind of file) left out, for the job's log. */
  notes: string[];
}

export interface CollectLimits {
  maxBytes: number;
  maxFiles?: number;
}

/** Walks `root` (without following links) and keeps the regular files that match a pattern, within the limits. */
export function collectArtifacts(root: string, patterns: string[], limits: CollectLimits): CollectedArtifacts {
  const maxFiles = limits.maxFiles ?? LIMITS.maxArtifactFiles;
  const files: CollectedArtifacts['files'] = [];
  const notes: string[] = [];
  let bytes = 0;
  let nameChars = 0;
  let overSize = 0;
  let overCount = 0;
  let overNames = 0;
  const matches = (rel: string) => patterns.some((p) => matchesGlob(rel, p) || matchesGlob(rel, `${p}/**`));
  const walk = (dir: string, depth: number) => {
    if (depth > 64) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const abs = join(dir, name);
      const rel = relative(root, abs).split(sep).join('/');
      const stat = lstatSync(abs, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isSymbolicLink()) {
        if (matches(rel)) notes.push(`${rel}: a symbolic link, not followed (artifacts are files inside the job folder)`);
        continue;
      }
      if (stat.isDirectory()) {
        walk(abs, depth + 1);
        continue;
      }
      if (!stat.isFile() || !matches(rel)) continue;
      // A hard link could name a file from outside the job folder that the job could not read itself.
      if (stat.nlink > 1) {
        notes.push(`${rel}: a hard link, not brought back (artifacts are files the job wrote)`);
        continue;
      }
      if (files.length >= maxFiles) {
        overCount++;
        continue;
      }
      // The coordinator keeps the listing with the job: names are bounded like the bytes.
      if (rel.length > MAX_PATH_CHARS || nameChars + rel.length > MAX_LISTING_CHARS) {
        overNames++;
        continue;
      }
      if (bytes + stat.size > limits.maxBytes) {
        overSize++;
        continue;
      }
      nameChars += rel.length;
      bytes += stat.size;
      files.push({ path: rel, size: stat.size, dev: stat.dev, ino: stat.ino });
    }
  };
  walk(root, 0);
  if (overSize)
    notes.push(`${overSize} matching file(s) left out: the artifacts would pass ${Math.round(limits.maxBytes / 1024 ** 2)} MB (--max-artifacts-mb)`);
  if (overCount) notes.push(`${overCount} matching file(s) left out: at most ${maxFiles} files are brought back`);
  if (overNames)
    notes.push(
      `${overNames} matching file(s) left out: names longer than ${MAX_PATH_CHARS} characters, or past ${MAX_LISTING_CHARS} characters of names in all`,
    );
  if (files.length === 0 && notes.length === 0) notes.push(`no file matched ${patterns.join(', ')}`);
  return { files, notes };
}

/**
 * Zips the collected files into `zipPath`, each read through a descriptor opened without following a
 * link and checked to be the very file that was walked (same device and inode, one link): a job
 * process that swapped a file or a folder for a link since cannot get anything else read. Returns
 * the files refused at this step.
 */
export async function zipArtifacts(root: string, files: CollectedArtifacts['files'], zipPath: string): Promise<string[]> {
  const refused: string[] = [];
  const zip = new yazl.ZipFile();
  for (const file of files) {
    let fd: number;
    try {
      fd = openSync(join(root, ...file.path.split('/')), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch {
      refused.push(`${file.path}: changed into a link or removed after the job ended, not brought back`);
      continue;
    }
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.nlink > 1 || stat.dev !== file.dev || stat.ino !== file.ino) {
      closeSync(fd);
      refused.push(`${file.path}: replaced after the job ended, not brought back`);
      continue;
    }
    zip.addReadStream(createReadStream('', { fd, start: 0, end: Math.max(0, file.size - 1) }), file.path, { mode: 0o100644 });
  }
  zip.end();
  // Whole or not at all: the zip gets its name only once written, so a worker killed meanwhile never sends half of one.
  await pipeline(zip.outputStream, createWriteStream(`${zipPath}.part`, { mode: 0o600, flush: true }));
  renameSync(`${zipPath}.part`, zipPath);
  return refused;
}
