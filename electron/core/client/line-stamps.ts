/**
 * `cmdx logs --timestamps`: `[HH:MM:SS.mmm] ` before each line of a job's output, the time the worker
 * read the chunk the line starts in (as the dashboard's log shows it, shared/clock-stamp.ts). Like the
 * dashboard, a line redrawn after a lone `\r` (a progress bar) gets a stamp again.
 */
import { clockStamp } from '../../../shared/clock-stamp.ts';

const BREAKS = /\r\n|\n|\r/g;

export class LineStamps {
  /** Before what comes next: a stamp (at the start, after a line end or a lone `\r`), or none (inside a line). */
  #due: 'line' | 'cr' | 'none' = 'line';
  readonly #mark: (stamp: string) => string;

  /** `mark` paints the stamp (dim on a terminal). */
  constructor(mark: (stamp: string) => string = (stamp) => stamp) {
    this.#mark = mark;
  }

  /** The text with a stamp at the start of each of its lines, empty ones too; chunks must come in order. */
  push(text: string, time: number): string {
    const stamp = `${this.#mark(clockStamp(time))} `;
    let out = '';
    let last = 0;
    BREAKS.lastIndex = 0;
    for (let m = BREAKS.exec(text); m; m = BREAKS.exec(text)) {
      const before = text.slice(last, m.index);
      // `\r` at the end of one chunk and `\n` at the start of the next: one line end, its line already stamped.
      if (before === '' && this.#due === 'cr' && m[0] === '\n') this.#due = 'none';
      out += this.#stamp(stamp) + before + m[0];
      last = BREAKS.lastIndex;
      this.#due = m[0] === '\r' ? 'cr' : 'line';
    }
    const rest = text.slice(last);
    return rest === '' ? out : out + this.#stamp(stamp) + rest;
  }

  #stamp(stamp: string): string {
    if (this.#due === 'none') return '';
    this.#due = 'none';
    return stamp;
  }
}
