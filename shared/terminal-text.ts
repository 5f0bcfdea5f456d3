/**
 * Job-chosen text on the admin's terminal: a job's output may colour itself, and nothing more. SGR
 * (`ESC [ … m`), `\n`, `\r` and `\t` pass; every other escape or control sequence is dropped whole:
 * OSC (clipboard, window title, hyperlinks), CSI that moves the cursor or erases, DCS/APC/PM/SOS
 * strings, C1 controls and their 8-bit forms (U+009B CSI, U+009D OSC), and lone C0 controls (BEL, BS).
 * A stream filter, so a sequence split across two chunks is still recognised.
 */

/** Longest CSI parameter run kept in memory; a longer one is not a colour and is dropped. */
const MAX_CSI = 64;

type State = 'ground' | 'esc' | 'escIntermediate' | 'csi' | 'string' | 'stringEsc';

// Anything that is not plain text: C0 except \t \n \r, ESC, DEL and C1.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

export class TerminalFilter {
  #state: State = 'ground';
  #csi = '';
  /** Whether a string sequence (OSC, DCS, ...) may also end at BEL (OSC does; DCS, APC, PM, SOS end at ST only). */
  #belEnds = false;
  readonly #keepColour: boolean;

  /** `keepColour` false: SGR is dropped too (for tables and single-line fields). */
  constructor(keepColour = true) {
    this.#keepColour = keepColour;
  }

  /** The safe part of `text`; an unfinished sequence at its end is held until the next call. */
  push(text: string): string {
    if (this.#state === 'ground' && !CONTROL.test(text)) return text; // the common case: plain text
    let out = '';
    let runStart = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.#state === 'ground') {
        if (!isControl(code)) continue;
        out += text.slice(runStart, i);
        runStart = i + 1;
        this.#control(code);
        continue;
      }
      runStart = i + 1;
      out += this.#inSequence(code);
    }
    if (this.#state === 'ground') out += text.slice(runStart);
    return out;
  }

  /** At the end of the stream: an unfinished sequence is dropped. */
  end(): string {
    this.#state = 'ground';
    this.#csi = '';
    return '';
  }

  #control(code: number): void {
    if (code === 0x1b) this.#state = 'esc';
    else if (code === 0x9b) this.#startCsi();
    else if (code === 0x9d) this.#startString(true);
    else if (code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) this.#startString(false);
    // every other control character (BEL, BS, VT, FF, DEL, C1) is dropped
  }

  #startCsi(): void {
    this.#state = 'csi';
    this.#csi = '';
  }

  #startString(belEnds: boolean): void {
    this.#state = 'string';
    this.#belEnds = belEnds;
  }

  /** One character inside a sequence; returns what of the sequence may be shown (a finished SGR). */
  #inSequence(code: number): string {
    switch (this.#state) {
      case 'esc':
        if (code === 0x5b)
          this.#startCsi(); // ESC [
        else if (code === 0x5d)
          this.#startString(true); // ESC ]
        else if (code === 0x50 || code === 0x58 || code === 0x5e || code === 0x5f)
          this.#startString(false); // ESC P X ^ _
        else if (code === 0x1b) this.#state = 'esc';
        else if (code >= 0x20 && code <= 0x2f) this.#state = 'escIntermediate';
        else this.#state = 'ground'; // ESC + one final character (ESC 7, ESC c, ...): dropped
        return '';
      case 'escIntermediate':
        if (code < 0x20 || code > 0x2f) this.#state = 'ground';
        return '';
      case 'csi': {
        if (code >= 0x40 && code <= 0x7e) {
          const params = this.#csi;
          this.#state = 'ground';
          this.#csi = '';
          return this.#keepColour && code === 0x6d && /^[0-9;:]*$/.test(params) ? `\x1b[${params}m` : '';
        }
        if (code === 0x1b) {
          this.#state = 'esc';
          return '';
        }
        if (code < 0x20 || code > 0x7e) {
          this.#state = 'ground'; // not a CSI after all: dropped
          return '';
        }
        this.#csi = this.#csi.length < MAX_CSI ? this.#csi + String.fromCharCode(code) : this.#csi + 'x';
        return '';
      }
      case 'string':
        if (code === 0x9c || (this.#belEnds && code === 0x07)) this.#state = 'ground';
        else if (code === 0x1b) this.#state = 'stringEsc';
        return '';
      case 'stringEsc':
        this.#state = code === 0x5c ? 'ground' : code === 0x1b ? 'stringEsc' : 'string'; // ST is ESC \
        return '';
      default:
        return '';
    }
  }
}

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
}

/** `text` safe for a terminal, colours kept (one whole piece of text, not a stream). */
export function terminalSafe(text: string): string {
  const filter = new TerminalFilter(true);
  return filter.push(text) + filter.end();
}

// Bidirectional overrides and isolates reorder what a table shows (a name that reads backwards).
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** One line of plain text for a table cell or a one-line field: every sequence and control gone, line breaks and tabs as spaces. */
export function plainText(text: string): string {
  const filter = new TerminalFilter(false);
  return (filter.push(text) + filter.end()).replace(/[\t\n\r]/g, ' ').replace(BIDI, '');
}
