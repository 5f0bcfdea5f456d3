/** Builds real zip files for tests, including hostile ones (symlinks, traversal names, lying sizes). */
import { writeFileSync } from 'node:fs';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { finishZip } from '../../electron/core/runner/zip-writer.ts';

export type ZipItem = { name: string; content: string | Buffer; mode?: number } | { name: string; symlinkTo: string } | { name: string; dir: true };

export function buildZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    if ('symlinkTo' in item) {
      zip.addBuffer(Buffer.from(item.symlinkTo), item.name, { mode: 0o120777, compress: false });
    } else if ('dir' in item) {
      zip.addEmptyDirectory(item.name);
    } else {
      zip.addBuffer(Buffer.isBuffer(item.content) ? item.content : Buffer.from(item.content), item.name, { mode: item.mode ?? 0o100644 });
    }
  }
  return finishZip(zip);
}

export async function writeZip(path: string, items: ZipItem[]): Promise<string> {
  writeFileSync(path, await buildZip(items));
  return path;
}

/**
 * yazl validates names, so traversal and absolute names are patched into the bytes afterwards:
 * build with a same-length placeholder, then replace it in local and central headers.
 */
export async function buildZipWithRawName(placeholder: string, rawName: string, content = 'x'): Promise<Buffer> {
  if (placeholder.length !== rawName.length) throw new Error('placeholder and raw name must have the same length');
  const buf = await buildZip([{ name: placeholder, content }]);
  const from = Buffer.from(placeholder);
  const to = Buffer.from(rawName);
  let at = buf.indexOf(from);
  while (at !== -1) {
    to.copy(buf, at);
    at = buf.indexOf(from, at + 1);
  }
  return buf;
}

/** A multipart body as fetch sends it. */
export function uploadForm(zip: Buffer | undefined, fields: Record<string, string>, filename = 'project.zip'): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (zip) form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), filename);
  return form;
}

/** A zip's files by name (folders left out). */
export function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error);
      const out = new Map<string, Buffer>();
      file.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (p: Buffer) => parts.push(p));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(parts));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(out));
      file.on('error', reject);
      file.readEntry();
    });
  });
}
