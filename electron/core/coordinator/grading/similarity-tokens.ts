/**
 * The tokens the similarity check compares, for any common source language. Whitespace and comments
 * go; every identifier becomes one kind, every number another and every string or character literal a
 * third, so renamed variables, changed messages and reformatting leave the stream as it was; keywords
 * and operators stay as themselves and carry the structure. Each token keeps its line (1-based) so a
 * match can be shown as lines of the file.
 */
import { languageOrDefault, type Language } from './similarity-languages.ts';
import { fnv1a } from './winnowing.ts';

export const IDENTIFIER = '<id>';
export const NUMBER = '<num>';
export const STRING = '<str>';

export interface TokenStream {
  /** The code (a 32-bit hash) of each normalised token. */
  codes: Uint32Array;
  /** The line (1-based) each token starts on. */
  lines: Uint32Array;
}

export interface TokenizeOptions {
  /** Keep a Python string that opens its own line (a docstring) as a string token; dropped by default. */
  keepDocstrings?: boolean;
}

type Emit = (token: string, line: number) => void;

const OPERATORS = new Set(
  ('>>>= >>> >>= <<= === !== **= ... ->* <=> //= &&= ||= ??= == != <= >= && || ++ -- += -= *= /= %= &= |= ^= << >> ' + '-> => :: ** // ?? ?. := ..').split(' '),
);
// A word glued to a quote that only prefixes the string: r"", b'', f"", u8"", L'' and their mixes.
const STRING_PREFIX = /^(?:[rbfuRBFU]{1,2}|L|u8|u8R|LR)$/;

const LF = 10;
const BACKSLASH = 92;
const codeCache = new Map<string, number>();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || (c >= 0x80 && c !== 0xa0 && c !== 0xfeff);
}

function isWordChar(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

function isSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0xfeff;
}

function isQuote(c: number, language: Language): boolean {
  return c === 34 || c === 39 || (c === 96 && language.backtick);
}

class Scanner {
  private i = 0;
  private line = 0;
  private lastTokenLine = -1;
  private readonly text: string;
  private readonly language: Language;
  private readonly emit: Emit;
  private readonly keepDocstrings: boolean;

  constructor(text: string, language: Language, emit: Emit, keepDocstrings: boolean) {
    this.text = text;
    this.language = language;
    this.emit = emit;
    this.keepDocstrings = keepDocstrings;
  }

  run(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === LF) {
        this.line++;
        this.i++;
      } else if (isSpace(c)) this.i++;
      else if (this.comment()) continue;
      else if (isQuote(c, this.language)) this.string(this.i);
      else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(this.i + 1)))) this.number();
      else if (isWordStart(c)) this.word();
      else this.operator();
    }
  }

  private token(token: string): void {
    this.emit(token, this.line + 1);
    this.lastTokenLine = this.line;
  }

  /** Moves to `end`, counting the lines passed. */
  private skipTo(end: number): void {
    for (let j = this.i; j < end; j++) if (this.text.charCodeAt(j) === LF) this.line++;
    this.i = end;
  }

  private comment(): boolean {
    const { text, i, language } = this;
    for (const [open, close] of language.blockComments) {
      if (!text.startsWith(open, i)) continue;
      const found = text.indexOf(close, i + open.length);
      this.skipTo(found < 0 ? text.length : found + close.length);
      return true;
    }
    for (const marker of language.lineComments) {
      if (!text.startsWith(marker, i)) continue;
      if (marker === '#' && language.hashAtWordStart && i > 0 && !isSpace(text.charCodeAt(i - 1)) && text[i - 1] !== ';') continue;
      const end = text.indexOf('\n', i);
      this.i = end < 0 ? text.length : end;
      return true;
    }
    return false;
  }

  /** A string or character literal from `start` (its prefix, if any) to its closing quote at the latest. */
  private string(start: number): void {
    const text = this.text;
    const quote = text[this.i]!;
    const triple = this.language.tripleQuoted && quote !== '`' && text.startsWith(quote.repeat(3), this.i);
    const multiline = triple || quote === '`';
    const firstOnLine = this.lastTokenLine !== this.line;
    const startLine = this.line;
    let j = this.i + (triple ? 3 : 1);
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j += 2;
      else if (triple ? text.startsWith(quote.repeat(3), j) : text[j] === quote) {
        j += triple ? 3 : 1;
        break;
      } else if (c === LF && !multiline)
        break; // an unterminated literal ends with its line
      else j++;
    }
    this.i = start;
    this.skipTo(Math.min(j, text.length));
    if (triple && firstOnLine && !this.keepDocstrings) return;
    this.emit(STRING, startLine + 1);
    this.lastTokenLine = this.line;
  }

  private number(): void {
    const text = this.text;
    let j = this.i + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      const exponentSign = (c === 43 || c === 45) && /[eEpP]/.test(text[j - 1]!) && !/^0[xX]/.test(text.slice(this.i, j));
      if (isWordChar(c) || c === 46 || exponentSign) j++;
      else break;
    }
    this.i = j;
    this.token(NUMBER);
  }

  private word(): void {
    const text = this.text;
    let j = this.i + 1;
    while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    const word = text.slice(this.i, j);
    if (j < text.length && isQuote(text.charCodeAt(j), this.language) && STRING_PREFIX.test(word)) {
      const start = this.i;
      this.i = j;
      this.string(start);
      return;
    }
    this.i = j;
    this.token(this.language.keywords.has(word) ? word : IDENTIFIER);
  }

  private operator(): void {
    for (const length of [4, 3, 2]) {
      const candidate = this.text.slice(this.i, this.i + length);
      if (candidate.length === length && OPERATORS.has(candidate)) {
        this.i += length;
        this.token(candidate);
        return;
      }
    }
    const c = this.text.codePointAt(this.i)!;
    const char = String.fromCodePoint(c);
    this.i += char.length;
    this.token(char);
  }
}

/** The normalised tokens of a file with their lines: what the check compares, in a readable form. */
export function normalisedTokens(path: string, text: string, options: TokenizeOptions = {}): { token: string; line: number }[] {
  const out: { token: string; line: number }[] = [];
  new Scanner(text, languageOrDefault(path), (token, line) => out.push({ token, line }), options.keepDocstrings ?? false).run();
  return out;
}

/** The code of a token: the same in every thread and every run, so fingerprints compare across files. */
export function tokenCode(token: string): number {
  let code = codeCache.get(token);
  if (code === undefined) {
    code = fnv1a(token);
    if (codeCache.size < 10_000) codeCache.set(token, code);
  }
  return code;
}

/** The token stream of a file (rules by its extension, C-like for an unknown one). */
export function tokenize(path: string, text: string, options: TokenizeOptions = {}): TokenStream {
  const codes: number[] = [];
  const lines: number[] = [];
  const emit: Emit = (token, line) => {
    codes.push(tokenCode(token));
    lines.push(line);
  };
  new Scanner(text, languageOrDefault(path), emit, options.keepDocstrings ?? false).run();
  return { codes: Uint32Array.from(codes), lines: Uint32Array.from(lines) };
}
