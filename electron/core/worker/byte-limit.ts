/** A stream's size bound while it arrives (a download refused mid-way, never buffered whole). */
import { Transform } from 'node:stream';

/** Passes at most `maxBytes` through; one more is an error saying `message`. */
export function byteLimit(maxBytes: number, message: string): Transform {
  let seen = 0;
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? new Error(message) : null, chunk);
    },
  });
}
