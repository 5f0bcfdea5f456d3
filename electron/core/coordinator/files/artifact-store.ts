/**
 * Result files a worker brought back: one zip per job under <data-dir>/artifacts, checked on the way
 * in (a zip, bounded in bytes and files, no entry that could climb out of a folder), listed for the
 * job, with a junit.xml's counts read out. Served whole, one file at a time, or per run in one zip.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, matchesGlob, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { ArtifactFile } from '../../../../shared/api.ts';
import { removeStaleParts } from './uploads.ts';
import { LIMITS } from '../../../../shared/api.ts';
import { Refused } from '../refused.ts';
import { readReportsOffThread } from './junit-thread.ts';
import type { MergedReport, ReportFile } from '../grading/test-report.ts';

/** A job's result files as received: their listing, and the test reports among them read and merged. */
export interface ReceivedArtifacts {
  files: ArtifactFile[];
  report: MergedReport | null;
  /** Report files that held no report, and why. */
  unread: { fileName: string; reason: string }[];
}

/** A junit.xml larger than this is listed but not parsed (parsing blocks the event loop), and so are all past this total. */
const JUNIT_MAX_BYTES = 2 * 1024 * 1024;
const JUNIT_TOTAL_BYTES = 8 * 1024 * 1024;
/** The listing rides with the job: each name and all names together are bounded. */
export const ARTIFACT_PATH_MAX = 1024;
export const ARTIFACT_LISTING_MAX = 1024 * 1024;

export interface ArtifactLimits {
  /** All jobs' artifacts together. */
  maxTotalBytes: number;
  /** Free space the disk keeps: an upload that would leave less is refused. */
  minFreeBytes: number;
}

export class ArtifactStore {
  readonly dir: string;
  readonly #limits: ArtifactLimits;
  /** Jobs whose artifacts are being received (one upload at a time per job), with the bytes each may still bring. */
  readonly #receiving = new Map<string, number>();

  constructor(dataDir: string, limits: ArtifactLimits = { maxTotalBytes: Number.MAX_SAFE_INTEGER, minFreeBytes: 0 }, shared = false) {
    this.dir = join(dataDir, 'artifacts');
    this.#limits = limits;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Parts a killed coordinator left: nobody is sending them any more. In a folder shared by a campus another
    // coordinator may be receiving one now, so only parts untouched for an hour are left over.
    removeStaleParts(this.dir, shared ? 3600_000 : 0);
  }

  /**
   * Why an upload of `bytes` (as declared; the most it may be) for `jobId` cannot be taken now, as an
   * refusal to send: another upload for the job is on its way (409), or the artifacts quota or the
   * disk's free-space floor would be passed (507, saying what to free).
   */
  refusal(jobId: string, bytes: number): Refused | undefined {
    if (this.#receiving.has(jobId))
      return new Refused('upload_in_progress', `Artifacts of job ${jobId} are being received already; send them again once that upload is answered.`);
    // Uploads on their way count at what they declared: many at once must not pass the limits together.
    const used = this.totalBytes() + this.#reservedBytes();
    if (used + bytes > this.#limits.maxTotalBytes) {
      return new Refused(
        'artifacts_quota',
        `The coordinator keeps at most ${mb(this.#limits.maxTotalBytes)} of artifacts (--max-artifacts-total-mb) and holds ${mb(used)}; these are not kept. Delete old jobs or runs, or raise the limit, for the next jobs' artifacts.`,
      );
    }
    const free = freeBytes(this.dir);
    if (free !== undefined && free - bytes < this.#limits.minFreeBytes) {
      return new Refused(
        'disk_full',
        `The coordinator's disk has ${mb(free)} free and keeps at least ${mb(this.#limits.minFreeBytes)} (--min-free-mb); these are not kept. Free space on the disk of ${this.dir} for the next jobs' artifacts.`,
      );
    }
    return undefined;
  }

  #reservedBytes(): number {
    let total = 0;
    for (const bytes of this.#receiving.values()) total += bytes;
    return total;
  }

  /** Bytes of every job's artifacts kept on disk (parts being received are held by their reservation instead). */
  totalBytes(): number {
    let total = 0;
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.part')) continue;
      try {
        total += statSync(join(this.dir, name)).size;
      } catch {
        // removed meanwhile
      }
    }
    return total;
  }

  path(jobId: string): string {
    return join(this.dir, `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`);
  }

  has(jobId: string): boolean {
    return existsSync(this.path(jobId));
  }

  /** Streams a worker's upload to disk (at most `maxBytes`), checks it and lists it; nothing is kept if it is refused. */
  /** `declared`: the most this upload may bring (its Content-Length, else `maxBytes`), held against the limits meanwhile. */
  /** `reportGlobs`: which files are test reports (a grading run's); absent, JUnit XML and TAP files by their names. */
  async receive(body: Readable, jobId: string, maxBytes: number, declared = maxBytes, reportGlobs?: readonly string[]): Promise<ReceivedArtifacts> {
    const refused = this.refusal(jobId, declared);
    if (refused) throw refused;
    this.#receiving.set(jobId, declared);
    const part = `${this.path(jobId)}.${process.pid}.${Date.now()}.part`;
    let received = 0;
    try {
      body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes)
          body.destroy(
            new Refused('too_large', `The artifacts are larger than the coordinator accepts (${Math.round(maxBytes / 1024 ** 2)} MB, --max-upload-mb).`),
          );
      });
      await pipeline(body, createWriteStream(part, { mode: 0o600 }));
      const listed = await inspect(part, (name) => (reportGlobs ? reportGlobs.some((glob) => matchesGlob(name, glob)) : isReport(name)));
      await rename(part, this.path(jobId));
      // Read off the event loop: a report may be megabytes of XML.
      const read = listed.reports.length ? await readReportsOffThread(listed.reports) : { report: null, unread: [] };
      return { files: listed.files, report: read.report, unread: read.unread };
    } catch (error) {
      await rm(part, { force: true });
      if (error instanceof Refused) throw error;
      throw new Refused('invalid_zip', `The artifacts upload is not a readable zip (${(error as Error).message}); the worker will send it again.`);
    } finally {
      this.#receiving.delete(jobId);
    }
  }

  /** One file of a job's artifacts, as a stream; undefined when there is no such file. */
  async openFile(jobId: string, path: string): Promise<{ stream: Readable; size: number } | undefined> {
    if (!this.has(jobId)) return undefined;
    const zip = await openZip(this.path(jobId));
    return new Promise((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== path) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve({ stream, size: entry.uncompressedSize })));
      });
      zip.on('end', () => resolve(undefined));
      zip.on('error', reject);
      zip.readEntry();
    });
  }

  /** One zip of several jobs' artifacts, each under its own folder; returns the stream to send. */
  runZip(parts: { jobId: string; folder: string }[]): Readable {
    const out = new yazl.ZipFile();
    void (async () => {
      for (const part of parts) {
        if (!this.has(part.jobId)) continue;
        const zip = await openZip(this.path(part.jobId));
        await new Promise<void>((resolve, reject) => {
          zip.on('entry', (entry: yauzl.Entry) => {
            if (entry.fileName.endsWith('/')) return zip.readEntry();
            zip.openReadStream(entry, (error, stream) => {
              if (error) return reject(error);
              out.addReadStream(stream, `${part.folder}/${entry.fileName}`, { mode: 0o100644 });
              stream.on('end', () => zip.readEntry());
            });
          });
          zip.on('end', resolve);
          zip.on('error', reject);
          zip.readEntry();
        });
      }
      out.end();
    })().catch((error: Error) => out.outputStream.emit('error', error));
    return out.outputStream as unknown as Readable;
  }

  /** Artifacts of jobs that are gone, or older than `cutoff` (ms), leave with the zips they came from. */
  removeOlderThan(cutoff: number, keep: (jobId: string) => boolean): number {
    let removed = 0;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      const jobId = name.replace(/\.zip$/, '');
      if (statSync(path).mtimeMs < cutoff && !keep(jobId)) {
        rmSync(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
}

/** Lists the zip's files (refusing names that could escape a folder) and takes out the test reports among them. */
async function inspect(path: string, isReportFile: (name: string) => boolean): Promise<{ files: ArtifactFile[]; reports: ReportFile[] }> {
  const zip = await openZip(path);
  const files: ArtifactFile[] = [];
  const reports: ReportFile[] = [];
  let listed = 0;
  let junitBytes = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.startsWith('/') || name.split('/').includes('..') || name.includes('\\')) {
        return reject(new Error(`the entry ${JSON.stringify(name.slice(0, 100))} could leave its folder`));
      }
      if (name.endsWith('/')) return zip.readEntry();
      listed += name.length;
      if (name.length > ARTIFACT_PATH_MAX || listed > ARTIFACT_LISTING_MAX) {
        return reject(new Error(`file names too long (at most ${ARTIFACT_PATH_MAX} characters each and ${ARTIFACT_LISTING_MAX} in all)`));
      }
      files.push({ path: name, size: entry.uncompressedSize });
      if (files.length > LIMITS.maxArtifactFiles) return reject(new Error(`more than ${LIMITS.maxArtifactFiles} files`));
      if (!isReportFile(name) || entry.uncompressedSize > JUNIT_MAX_BYTES || junitBytes + entry.uncompressedSize > JUNIT_TOTAL_BYTES) return zip.readEntry();
      junitBytes += entry.uncompressedSize;
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const parts: Buffer[] = [];
        stream.on('data', (part: Buffer) => parts.push(part));
        stream.on('error', reject);
        stream.on('end', () => {
          reports.push({ fileName: name, text: Buffer.concat(parts).toString('utf8') });
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return { files, reports };
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** Bytes free for us on the disk holding `dir` (statfs), or undefined where it cannot be read. */
function freeBytes(dir: string): number | undefined {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}

/** junit.xml, TEST-*.xml (Maven/Gradle), *.junit.xml and TAP (*.tap), in any folder. */
function isReport(name: string): boolean {
  const base = posix.basename(name).toLowerCase();
  return base === 'junit.xml' || /^test-.*\.xml$/.test(base) || base.endsWith('.junit.xml') || base.endsWith('.tap');
}
