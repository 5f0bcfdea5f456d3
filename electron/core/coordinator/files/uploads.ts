/**
 * Project zips on disk: streamed in by multer under a generated name (never whole in memory), checked
 * to be a zip, and only then given their final name. Names are generated here, so a client-chosen name
 * never becomes a path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { UPLOAD_NAME_PATTERN, uploadUrl } from '../../../../shared/uploads.ts';
import { garbageBudget } from '../../runner/memory.ts';
import { Refused } from '../refused.ts';

const PART_SUFFIX = '.part';

/** Form fields beside the file: commands (64 KiB) and a few options. */
const MAX_FIELD_BYTES = 64 * 1024 + 1024;

export interface StoredUpload {
  name: string;
  path: string;
  fileUrl: string;
  originalName: string;
  size: number;
  /** SHA-256 of the zip's bytes (hex), computed as it streamed in. */
  sha256: string;
  /** The multipart part it came in: "file", or one of the extra zip parts asked for (a grading run's "tests" and "base"). */
  field: string;
}

export function uploadExists(uploadsDir: string, name: string): boolean {
  return UPLOAD_NAME_PATTERN.test(name) && existsSync(join(uploadsDir, name));
}

/** Half-written uploads of a previous run (the coordinator was killed mid-upload) are deleted at start. */
export function removeStaleParts(uploadsDir: string, untouchedForMs = 0): number {
  let removed = 0;
  const before = Date.now() - untouchedForMs;
  for (const name of readdirSync(uploadsDir)) {
    if (name.endsWith(PART_SUFFIX) && (untouchedForMs === 0 || modifiedAt(join(uploadsDir, name)) < before)) {
      rmSync(join(uploadsDir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity; // gone meanwhile: nothing to remove
  }
}

function describeSize(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function tooLarge(maxBytes: number, size?: number): Refused {
  const limit = `the coordinator accepts up to ${Math.round(maxBytes / 1024 ** 2)} MB (--max-upload-mb)`;
  return new Refused('too_large', size ? `Upload is ${describeSize(size)}; ${limit}.` : `Upload is larger than ${limit}.`, { Connection: 'close' });
}

function multerErrorToHttp(error: unknown, maxBytes: number, maxFiles: number): unknown {
  if (!(error instanceof multer.MulterError)) {
    const message = (error as Error)?.message ?? String(error);
    if (/Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(message)) {
      return new Refused('invalid_request', `The upload was cut off or is not valid multipart/form-data (${message}); send it again.`);
    }
    return error;
  }
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return tooLarge(maxBytes);
    case 'LIMIT_UNEXPECTED_FILE':
    case 'LIMIT_FILE_COUNT':
      if (maxFiles > 1 && (error.code === 'LIMIT_FILE_COUNT' || error.field === 'file'))
        return new Refused('invalid_request', `Too many zips: a run takes at most ${maxFiles}; split the projects over several runs.`);
      return new Refused(
        'invalid_request',
        `Unexpected file field "${error.field ?? ''}"; send ${maxFiles > 1 ? 'the zips as "file" fields' : 'one zip as the "file" field'}.`,
      );
    case 'LIMIT_FIELD_VALUE':
      return new Refused('too_large', `Form field "${error.field}" is too long; a text field (commands, a students CSV) may be at most 64 KB.`);
    default:
      return new Refused('invalid_request', `The upload was refused: ${error.message}.`);
  }
}

/** One file being received: its part file on disk and its SHA-256, hashed on the way in. */
interface Incoming {
  name: string;
  partPath: string;
  hash: ReturnType<typeof createHash>;
  size: number;
}

/** multer's disk storage, with 1 MB writes instead of 16 KB ones (2x the upload speed, measured), a generated name per file and a cap on all files together. */
class LargeWriteStorage implements multer.StorageEngine {
  readonly #dir: string;
  readonly #maxTotal: number;
  readonly files: Incoming[] = [];
  #total = 0;
  constructor(dir: string, maxTotal: number) {
    this.#dir = dir;
    this.#maxTotal = maxTotal;
  }
  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const name = `upload-${Date.now()}-${randomBytes(8).toString('hex')}.zip`;
    const incoming: Incoming = { name, partPath: join(this.#dir, name + PART_SUFFIX), hash: createHash('sha256'), size: 0 };
    this.files.push(incoming);
    const out = createWriteStream(incoming.partPath, { highWaterMark: 1024 * 1024 });
    const noteRead = garbageBudget(32 * 1024 * 1024); // each socket read is a fresh buffer: keep a 1 GB upload's garbage bounded
    file.stream.on('data', (chunk: Buffer) => {
      noteRead(chunk.length);
      incoming.hash.update(chunk);
      this.#total += chunk.length;
      if (this.#total > this.#maxTotal) file.stream.destroy(new multer.MulterError('LIMIT_FILE_SIZE', file.fieldname));
    });
    pipeline(file.stream, out).then(
      () => {
        incoming.size = out.bytesWritten;
        cb(null, { path: incoming.partPath, size: out.bytesWritten });
      },
      (error) => cb(error),
    );
  }
  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(() => cb(null), cb);
  }
}

/**
 * Receives the multipart body of POST /api/execute: one zip in "file", the rest as text fields.
 * Returns the zip under its final name (or undefined when no file was sent). A refused upload leaves no file.
 */
export async function receiveUpload(req: Request, res: Response, uploadsDir: string, maxBytes: number): Promise<StoredUpload | undefined> {
  return (await receiveUploads(req, res, uploadsDir, maxBytes, 1))[0];
}

/**
 * Receives up to `maxFiles` zips as "file" parts, and one zip in each of `extraParts` (at most
 * `maxBytes` all together), and text fields. Every zip is checked and given its final name; if any is
 * refused, none is kept.
 */
export async function receiveUploads(
  req: Request,
  res: Response,
  uploadsDir: string,
  maxBytes: number,
  maxFiles: number,
  extraParts: readonly string[] = [],
): Promise<StoredUpload[]> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + MAX_FIELD_BYTES * 4 + maxFiles * 1024) throw tooLarge(maxBytes, declared);
  const storage = new LargeWriteStorage(uploadsDir, maxBytes);
  const middleware = multer({
    storage,
    limits: {
      fileSize: maxBytes,
      files: maxFiles + extraParts.length,
      fields: 20,
      fieldSize: MAX_FIELD_BYTES,
      parts: maxFiles + extraParts.length + 24,
      headerPairs: 200 + (maxFiles + extraParts.length) * 4,
    },
  }).fields([{ name: 'file', maxCount: maxFiles }, ...extraParts.map((name) => ({ name, maxCount: 1 }))]);
  const stored: StoredUpload[] = [];
  try {
    await new Promise<void>((resolve, reject) =>
      middleware(req, res, (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('The upload failed.', { cause: error })) : resolve(),
      ),
    );
    const received = Object.values((req.files as Record<string, Express.Multer.File[]> | undefined) ?? {}).flat();
    for (const file of received) {
      const incoming = storage.files.find((f) => f.partPath === file.path)!;
      await assertZip(incoming.partPath, file.originalname);
      const finalPath = join(uploadsDir, incoming.name);
      await rename(incoming.partPath, finalPath);
      stored.push({
        name: incoming.name,
        path: finalPath,
        fileUrl: uploadUrl(incoming.name),
        originalName: file.originalname,
        size: incoming.size,
        sha256: incoming.hash.digest('hex'),
        field: file.fieldname,
      });
    }
    return stored;
  } catch (error) {
    for (const incoming of storage.files) await rm(incoming.partPath, { force: true });
    for (const upload of stored) await rm(upload.path, { force: true });
    throw multerErrorToHttp(error, maxBytes, maxFiles);
  }
}

/** A zip starts with a local file header, or is an empty archive (end of central directory only). */
async function assertZip(path: string, originalName: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    const magic = head.readUInt32LE(0);
    if (bytesRead < 4 || (magic !== 0x04034b50 && magic !== 0x06054b50)) {
      throw new Refused(
        'invalid_zip',
        `The uploaded file ${JSON.stringify(originalName.slice(0, 100))} is not a zip archive; upload the project as a .zip file.`,
      );
    }
  } finally {
    await handle.close();
  }
}

/** An empty zip (only the end-of-central-directory record) stored as an upload: a run without a zip runs in an empty folder. */
export async function storeEmptyZip(uploadsDir: string): Promise<StoredUpload> {
  const bytes = Buffer.alloc(22);
  bytes.writeUInt32LE(0x06054b50, 0);
  const name = `upload-${Date.now()}-${randomBytes(8).toString('hex')}.zip`;
  const path = join(uploadsDir, name);
  await writeFile(path, bytes, { mode: 0o600 });
  return {
    name,
    path,
    fileUrl: uploadUrl(name),
    originalName: '(no zip)',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    field: 'file',
  };
}
