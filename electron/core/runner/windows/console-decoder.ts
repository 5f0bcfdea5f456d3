/**
 * Output of a Windows job as it was written. Jobs run with the UTF-8 console code page, so most output
 * is UTF-8 already and passes through untouched; a program that still writes the legacy (OEM) code page
 * yields bytes that are not UTF-8, and those are decoded by that code page (iconv-lite) instead of
 * becoming U+FFFD. A UTF-8 sequence cut between two reads is held until its rest arrives.
 */
import iconv from 'iconv-lite';

export class ConsoleDecoder {
  readonly #codePage: string;
  #held: Buffer = Buffer.alloc(0);

  /** `oemCodePage`: GetOEMCP() of the PC (437 in the US, 850 in most of Western Europe). */
  constructor(oemCodePage: number) {
    this.#codePage = iconv.encodingExists(`cp${oemCodePage}`) ? `cp${oemCodePage}` : 'cp437';
  }

  /** The UTF-8 bytes for one read; a sequence cut at its end waits for the next read. */
  write(chunk: Buffer): Buffer {
    const bytes = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    const cut = incompleteTail(bytes);
    this.#held = Buffer.from(bytes.subarray(bytes.length - cut));
    return this.#convert(bytes.subarray(0, bytes.length - cut));
  }

  /** What is still held at the end of the output. */
  end(): Buffer {
    const rest = this.#held;
    this.#held = Buffer.alloc(0);
    return rest.length > 0 ? this.#convert(rest, true) : rest;
  }

  #convert(bytes: Buffer, final = false): Buffer {
    if (isUtf8(bytes) && !final) return bytes;
    const pieces: Buffer[] = [];
    let start = 0;
    let index = 0;
    while (index < bytes.length) {
      const length = sequenceLength(bytes, index);
      if (length > 0) {
        index += length;
        continue;
      }
      // A byte no UTF-8 sequence starts here: a run of such bytes is legacy code page text.
      if (index > start) pieces.push(bytes.subarray(start, index));
      let end = index + 1;
      while (end < bytes.length && sequenceLength(bytes, end) === 0) end++;
      pieces.push(Buffer.from(iconv.decode(bytes.subarray(index, end), this.#codePage), 'utf8'));
      start = index = end;
    }
    if (start < bytes.length) pieces.push(bytes.subarray(start));
    return Buffer.concat(pieces);
  }
}

function isUtf8(bytes: Buffer): boolean {
  for (let index = 0; index < bytes.length;) {
    const length = sequenceLength(bytes, index);
    if (length === 0) return false;
    index += length;
  }
  return true;
}

/** The length of the valid UTF-8 sequence at `index`, or 0 when none starts there. */
function sequenceLength(bytes: Buffer, index: number): number {
  const first = bytes[index]!;
  if (first < 0x80) return 1;
  const length = first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xf0 && first <= 0xf4 ? 4 : 0;
  if (length === 0 || index + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[index + k]! & 0xc0) !== 0x80) return 0;
  // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF are not UTF-8.
  const second = bytes[index + 1]!;
  if (first === 0xe0 && second < 0xa0) return 0;
  if (first === 0xed && second > 0x9f) return 0;
  if (first === 0xf0 && second < 0x90) return 0;
  if (first === 0xf4 && second > 0x8f) return 0;
  return length;
}

/** How many bytes at the end start a UTF-8 sequence that the next read may complete (0 to 3). */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
