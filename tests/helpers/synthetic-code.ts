/**
 * Synthetic student programs for the similarity check's tests and benchmark: C-like code from a seeded
 * grammar (functions of declarations, assignments, branches, loops, calls, prints), so unrelated
 * programs differ as independent students' work does, and a program can be rendered again with other
 * names, another brace style, other indentation and other comments, as a disguised copy would be.
 */

/** A deterministic pseudo-random generator (mulberry32): the same seed, the same programs. */
export function seeded(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token of a line: literal text, or a name the rendering chooses (the same number, the same name). */
type Part = string | { name: number };

interface Line {
  depth: number;
  parts: Part[];
  /** The line opens a block: ` {` at its end, or `{` on the next line in Allman style. */
  opens?: boolean;
}

export interface Program {
  functions: Line[][];
}

export interface Style {
  /** Seed of the names given to the program's variables and functions. */
  names: number;
  indent: string;
  allman: boolean;
  /** Chance of a comment line before a statement. */
  comments: number;
}

const TYPES = ['int', 'long', 'double', 'float', 'char', 'unsigned'];
const OPS = ['+', '-', '*', '/', '%', '<<', '&', '|', '^'];
const COMPARE = ['<', '>', '<=', '>=', '==', '!='];
const LIBRARY = ['printf', 'abs', 'sqrt', 'strlen', 'memset', 'qsort', 'rand', 'putchar', 'atoi'];
const SYLLABLES =
  'ab ac al an ar ba be bi co cu da de di el en fa fi ge go ha in is ka ke la le li lo ma me mi mo na ne no or pa pe po ra re ri ro sa se si ta te ti to um un va ve'.split(
    ' ',
  );
const WORDS = 'total count value index result buffer temp sum item data left right next prev size limit step score level node key'.split(' ');

class Generator {
  readonly lines: Line[] = [];
  private readonly next: () => number;
  private readonly scope: number[] = [];
  private names: number;
  private readonly functions: number[];

  constructor(next: () => number, firstName: number, functions: number[]) {
    this.next = next;
    this.names = firstName;
    this.functions = functions;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }

  private variable(): Part {
    return { name: this.scope.length > 0 && this.next() < 0.85 ? this.pick(this.scope) : this.fresh() };
  }

  private fresh(): number {
    const name = this.names++;
    this.scope.push(name);
    return name;
  }

  private expression(depth: number): Part[] {
    const r = this.next();
    if (depth <= 0 || r < 0.3) return this.next() < 0.6 ? [this.variable()] : [String(Math.floor(this.next() * 1000))];
    if (r < 0.7) return [...this.expression(depth - 1), this.pick(OPS), ...this.expression(depth - 1)];
    if (r < 0.8) return ['(', ...this.expression(depth - 1), ')'];
    if (r < 0.9) return [this.variable(), '[', ...this.expression(depth - 1), ']'];
    return [{ name: this.pick(this.functions) }, '(', ...this.expression(depth - 1), ',', ...this.expression(depth - 1), ')'];
  }

  private condition(): Part[] {
    return [...this.expression(2), this.pick(COMPARE), ...this.expression(1)];
  }

  private emit(depth: number, parts: Part[], opens = false): void {
    this.lines.push({ depth, parts, opens });
  }

  statement(depth: number): void {
    const r = this.next();
    const nest = depth < 4;
    if (r < 0.22) this.emit(depth, [this.pick(TYPES), { name: this.fresh() }, '=', ...this.expression(3), ';']);
    else if (r < 0.45) this.emit(depth, [this.variable(), this.pick(['=', '+=', '-=', '*=']), ...this.expression(3), ';']);
    else if (r < 0.55) this.emit(depth, [this.pick(LIBRARY), '(', `"%d ${this.pick(WORDS)}\\n"`, ',', ...this.expression(2), ')', ';']);
    else if (r < 0.62) this.emit(depth, [{ name: this.pick(this.functions) }, '(', ...this.expression(1), ')', ';']);
    else if (r < 0.75 && nest) this.block(depth, ['if', '(', ...this.condition(), ')'], this.next() < 0.4);
    else if (r < 0.86 && nest) {
      const i = this.fresh();
      this.block(depth, ['for', '(', 'int', { name: i }, '=', '0', ';', { name: i }, '<', ...this.expression(1), ';', { name: i }, '++', ')']);
    } else if (r < 0.92 && nest) this.block(depth, ['while', '(', ...this.condition(), ')']);
    else this.emit(depth, ['return', ...this.expression(2), ';']);
  }

  private block(depth: number, head: Part[], withElse = false): void {
    this.emit(depth, head, true);
    const count = 1 + Math.floor(this.next() * 4);
    for (let i = 0; i < count; i++) this.statement(depth + 1);
    if (!withElse) return this.emit(depth, ['}']);
    this.emit(depth, ['}', 'else'], true);
    this.statement(depth + 1);
    this.emit(depth, ['}']);
  }

  function(name: number, lines: number): void {
    const params = 1 + Math.floor(this.next() * 3);
    const head: Part[] = [this.pick(TYPES), { name }, '('];
    for (let p = 0; p < params; p++) head.push(...(p > 0 ? [','] : []), this.pick(TYPES), { name: this.fresh() });
    this.emit(0, [...head, ')'], true);
    const start = this.lines.length;
    while (this.lines.length - start < lines) this.statement(1);
    this.emit(1, ['return', '0', ';']);
    this.emit(0, ['}']);
  }
}

/** A program of about `lines` lines (before comments and Allman braces) in functions of 15 to 60 statements. */
export function generateProgram(seed: number, lines: number): Program {
  const next = seeded(seed);
  const functionNames = Array.from({ length: Math.max(1, Math.round(lines / 45)) }, (_, i) => i);
  const functions: Line[][] = [];
  let total = 0;
  for (let f = 0; total < lines; f++) {
    const generator = new Generator(next, functionNames.length + f * 10_000, functionNames);
    generator.function(
      functionNames[f % functionNames.length]! + Math.floor(f / functionNames.length) * 1_000_000,
      Math.min(15 + Math.floor(next() * 45), lines - total),
    );
    functions.push(generator.lines);
    total += generator.lines.length + 1;
  }
  return { functions };
}

/** A name for each name number, chosen by the style's seed: two programs rendered with other seeds share no names. */
function namer(seed: number): (name: number) => string {
  const chosen = new Map<number, string>();
  const next = seeded(seed);
  return (name) => {
    let text = chosen.get(name);
    if (!text) {
      const syllables = 2 + Math.floor(next() * 2);
      text = Array.from({ length: syllables }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('') + String(chosen.size);
      chosen.set(name, text);
    }
    return text;
  };
}

/** The program's source text in a style. */
export function render(program: Program, style: Style): string {
  const name = namer(style.names);
  const next = seeded(style.names ^ 0x5bd1e995);
  const out: string[] = ['#include <stdio.h>', '#include <stdlib.h>', ''];
  for (const lines of program.functions) {
    for (const line of lines) {
      const pad = style.indent.repeat(line.depth);
      if (style.comments > 0 && next() < style.comments) out.push(`${pad}// ${SYLLABLES[Math.floor(next() * SYLLABLES.length)]} step ${out.length}`);
      const text = line.parts.map((part) => (typeof part === 'string' ? part : name(part.name))).join(' ');
      if (!line.opens) out.push(pad + text);
      else if (style.allman) out.push(pad + text, `${pad}{`);
      else out.push(`${pad}${text} {`);
    }
    out.push('');
  }
  return out.join('\n');
}
