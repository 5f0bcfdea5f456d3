/** A multipart/form-data body of text fields and one file streamed from disk, with its exact length known up front. */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface FilePart {
  /** The form field, e.g. `file`. */
  field: string;
  /** The name the coordinator shows (it keeps it for display only). */
  filename: string;
  path: string;
  size: number;
}

export interface MultipartBody {
  contentType: string;
  length: number;
  /** The bytes, the file read as they are sent; `onFileBytes` hears how much of the file went so far. */
  stream(onFileBytes?: (sent: number) => void): Readable;
}

/** A header value may not break its line or its quotes. */
function quoted(text: string): string {
  return text.replace(/[\r\n]/g, ' ').replace(/"/g, '%22');
}

export function multipartBody(fields: [name: string, value: string][], file: FilePart | undefined): MultipartBody {
  const boundary = `----cmdx${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`).join('') +
      (file
        ? `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\nContent-Type: application/zip\r\n\r\n`
        : ''),
  );
  const tail = Buffer.from(`${file ? '\r\n' : ''}--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + (file?.size ?? 0) + tail.length,
    stream(onFileBytes) {
      return Readable.from(
        (async function* () {
          yield head;
          if (file) {
            let sent = 0;
            for await (const chunk of createReadStream(file.path, { highWaterMark: 256 * 1024 })) {
              sent += (chunk as Buffer).length;
              yield chunk as Buffer;
              onFileBytes?.(sent);
            }
            if (sent !== file.size) throw new Error(`${file.path} changed while it was being sent (${sent} bytes instead of ${file.size}).`);
          }
          yield tail;
        })(),
      );
    },
  };
}
