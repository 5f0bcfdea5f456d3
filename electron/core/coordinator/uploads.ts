/**
 * Project zips on disk: streamed in by multer under a generated name (never whole in memory), checked
 * to be a zip, and only then given their final name. Names are generated here, so a client-chosen name
 * never becomes a path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { UPLOAD_NAME_PATTERN, uploadUrl } from '../../../shared/uploads.ts';
import { garbageBudget } from '../runner/memory.ts';
import { HttpError } from './http-error.ts';

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
}

export function uploadExists(uploadsDir: string, name: string): boolean {
  return UPLOAD_NAME_PATTERN.test(name) && existsSync(join(uploadsDir, name));
}

/** Half-written uploads of a previous run (the coordinator was killed mid-upload) are deleted at start. */
export function removeStaleParts(uploadsDir: string): number {
  let removed = 0;
  for (const name of readdirSync(uploadsDir)) {
    if (name.endsWith(PART_SUFFIX)) {
      rmSync(join(uploadsDir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

function describeSize(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function tooLarge(maxBytes: number, size?: number): HttpError {
  const limit = `the coordinator accepts up to ${Math.round(maxBytes / 1024 ** 2)} MB (--max-upload-mb)`;
  return new HttpError(413, size ? `Upload is ${describeSize(size)}; ${limit}.` : `Upload is larger than ${limit}.`, { Connection: 'close' });
}

function multerErrorToHttp(error: unknown, maxBytes: number): unknown {
  if (!(error instanceof multer.MulterError)) {
    const message = (error as Error)?.message ?? String(error);
    if (/Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(message)) {
      return new HttpError(400, `The upload was cut off or is not valid multipart/form-data (${message}); send it again.`);
    }
    return error;
  }
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return tooLarge(maxBytes);
    case 'LIMIT_UNEXPECTED_FILE':
      return new HttpError(400, `Unexpected file field "${error.field}"; send one zip as the "file" field.`);
    case 'LIMIT_FIELD_VALUE':
      return new HttpError(413, `Form field "${error.field}" is too long; commands may be at most 64 KB.`);
    default:
      return new HttpError(400, `The upload was refused: ${error.message}.`);
  }
}

/** multer's disk storage, with 1 MB writes instead of 16 KB ones (2x the upload speed, measured). */
class LargeWriteStorage implements multer.StorageEngine {
  readonly #path: string;
  /** The zip's SHA-256, hashed on the way to the disk (no second read). */
  readonly hash = createHash('sha256');
  constructor(path: string) {
    this.#path = path;
  }
  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const out = createWriteStream(this.#path, { highWaterMark: 1024 * 1024 });
    const noteRead = garbageBudget(32 * 1024 * 1024); // each socket read is a fresh buffer: keep a 1 GB upload's garbage bounded
    file.stream.on('data', (chunk: Buffer) => {
      noteRead(chunk.length);
      this.hash.update(chunk);
    });
    pipeline(file.stream, out).then(
      () => cb(null, { path: this.#path, size: out.bytesWritten }),
      (error) => cb(error),
    );
  }
  _removeFile(_req: Request, _file: Express.Multer.File, cb: (error: Error | null) => void): void {
    rm(this.#path, { force: true }).then(() => cb(null), cb);
  }
}

/**
 * Receives the multipart body of POST /api/execute: one zip in "file", the rest as text fields.
 * Returns the zip under its final name (or undefined when no file was sent). A refused upload leaves no file.
 */
export async function receiveUpload(req: Request, res: Response, uploadsDir: string, maxBytes: number): Promise<StoredUpload | undefined> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + MAX_FIELD_BYTES * 4) throw tooLarge(maxBytes, declared);
  const name = `upload-${Date.now()}-${randomBytes(8).toString('hex')}.zip`;
  const partPath = join(uploadsDir, name + PART_SUFFIX);
  const storage = new LargeWriteStorage(partPath);
  const middleware = multer({
    storage,
    limits: { fileSize: maxBytes, files: 1, fields: 16, fieldSize: MAX_FIELD_BYTES, parts: 20, headerPairs: 200 },
  }).single('file');
  try {
    await new Promise<void>((resolve, reject) =>
      middleware(req, res, (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('The upload failed.', { cause: error })) : resolve(),
      ),
    );
    if (!req.file) return undefined;
    await assertZip(partPath);
    const finalPath = join(uploadsDir, name);
    const sha256 = storage.hash.digest('hex');
    await rename(partPath, finalPath);
    return { name, path: finalPath, fileUrl: uploadUrl(name), originalName: req.file.originalname, size: req.file.size, sha256 };
  } catch (error) {
    await rm(partPath, { force: true });
    throw multerErrorToHttp(error, maxBytes);
  }
}

/** A zip starts with a local file header, or is an empty archive (end of central directory only). */
async function assertZip(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    const magic = head.readUInt32LE(0);
    if (bytesRead < 4 || (magic !== 0x04034b50 && magic !== 0x06054b50)) {
      throw new HttpError(400, 'The uploaded file is not a zip archive; upload the project as a .zip file.');
    }
  } finally {
    await handle.close();
  }
}
