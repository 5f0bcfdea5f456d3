/**
 * A grading run's hidden tests: the teacher's zip, laid over the student's project just before the
 * commands run, so the student's zip never holds them and they win over the student's files of the
 * same name. Nothing of the student's is followed: a link or a file where a hidden folder goes, and
 * anything where a hidden file goes, is removed first. Nobody else writes the folder meanwhile: it is
 * handed to the job account only afterwards.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssignedJobDto } from '../../../shared/api.ts';
import { BundleError, DEFAULT_MAX_ENTRIES, extractBundle, type ExtractLimits } from '../runner/bundle.ts';
import { JobStop } from './stop-cause.ts';
import { fetchZip, type ZipFetchContext } from './zip-fetch.ts';

export type HiddenTests = NonNullable<AssignedJobDto['tests']>;

export interface OverlaySummary {
  /** Files (and links) laid over the project. */
  files: number;
  /** Of the paths written (files, links and folders), how many held something of the project's before. */
  replaced: number;
}

/**
 * Downloads (or takes from the cache) the job's hidden tests and lays them over `runDir`, inside
 * `jobDir` (the worker's, before the hand-over). Returns the note for the job's log.
 */
export async function addHiddenTests(tests: HiddenTests, job: { jobId: string; jobDir: string; runDir: string }, ctx: ZipFetchContext): Promise<string> {
  const zipPath = join(job.jobDir, 'hidden-tests.zip');
  try {
    await fetchZip({ ...tests, what: 'hidden tests zip' }, zipPath, job.jobId, ctx);
    const limits = { maxBytes: ctx.maxExtractBytes, maxEntries: DEFAULT_MAX_ENTRIES };
    const summary = await overlayHiddenTests(zipPath, job.runDir, join(job.jobDir, 'hidden-tests'), limits);
    ctx.logger.info('hidden tests unpacked', { jobId: job.jobId, ...summary });
    return overlayNote(summary);
  } finally {
    // Gone before the hand-over, like the project's zip: a hard link to the cache must never be chowned.
    await rm(zipPath, { force: true });
  }
}

/** What the job's log says about the overlay: counts only, never a hidden file's name or contents. */
export function overlayNote(summary: OverlaySummary): string {
  const files = `${summary.files} file${summary.files === 1 ? '' : 's'} unpacked over the project`;
  return `hidden tests: ${files}${summary.replaced > 0 ? ` (${summary.replaced} replaced the project's own)` : ''}`;
}

/**
 * Extracts the tests zip into `scratchDir` (which must not exist yet; removed again at the end) under
 * `limits`, then lays every entry over `runDir`. A refused zip is a `zip_refused` stop and leaves
 * `runDir` as it was.
 */
export async function overlayHiddenTests(zipPath: string, runDir: string, scratchDir: string, limits: ExtractLimits): Promise<OverlaySummary> {
  try {
    // Into the folder itself, never its single top folder: the tests' layout is relative to the project's root.
    await extractBundle(zipPath, scratchDir, limits);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    throw new JobStop('zip_refused', `The hidden tests zip was refused: ${error.message}`, { cause: error });
  }
  try {
    const summary: OverlaySummary = { files: 0, replaced: 0 };
    await writable(runDir, await lstat(runDir));
    await layOver(scratchDir, runDir, summary);
    return summary;
  } catch (error) {
    throw new Error(`Could not unpack the hidden tests over the project: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** Copies the contents of `from` (the worker's own extraction) into `into`, a real folder of the project. */
async function layOver(from: string, into: string, summary: OverlaySummary): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const dest = join(into, entry.name);
    const existing = await lstatOrUndefined(dest);
    if (entry.isDirectory()) {
      if (existing?.isDirectory()) await writable(dest, existing);
      else await replaceWith(dest, existing, () => mkdir(dest, { mode: 0o755 }));
      await layOver(source, dest, summary);
      continue;
    }
    if (existing) summary.replaced++;
    summary.files++;
    // Its target was checked at extraction to stay inside the tests' root, which is the project's root here.
    if (entry.isSymbolicLink()) await replaceWith(dest, existing, async () => symlink(await readlink(source), dest));
    // EXCL: never opens whatever might stand at `dest`; the mode comes from the extracted file (the zip's).
    else await replaceWith(dest, existing, () => copyFile(source, dest, constants.COPYFILE_EXCL));
  }
}

/** Removes what stands at `dest` (a link itself, never what it points to), then writes. */
async function replaceWith(dest: string, existing: Stats | undefined, write: () => Promise<unknown>): Promise<void> {
  if (existing) await rm(dest, { recursive: true, force: true });
  await write();
}

/** A project folder we write into must let us (a zip may mark one read-only); `stats` says it is a real folder. */
async function writable(dir: string, stats: Stats): Promise<void> {
  if (!stats.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (process.platform !== 'win32' && (stats.mode & 0o700) !== 0o700) await chmod(dir, (stats.mode & 0o777) | 0o700);
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
