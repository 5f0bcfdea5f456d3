import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isComparedPath, sourceLanguage } from '../../../../electron/core/coordinator/grading/similarity-languages.ts';
import { normalisedTokens, tokenize } from '../../../../electron/core/coordinator/grading/similarity-tokens.ts';
import { DEFAULT_K, DEFAULT_W, fingerprint, kgramHashes, winnow } from '../../../../electron/core/coordinator/grading/winnowing.ts';

const tokens = (path: string, text: string) => normalisedTokens(path, text).map((t) => t.token);
const withLines = (path: string, text: string) => normalisedTokens(path, text).map((t) => `${t.line}:${t.token}`);

describe('similarity tokens', () => {
  it('drops whitespace and C-family comments, keeps keywords and operators, turns names, numbers and strings into kinds', () => {
    const text = '/* header\n   comment */\nint total = count * 2; // double it\nreturn total >>= 0x1F, "a\\"b", \'c\', 1.5e-3;';
    assert.deepEqual(withLines('a.c', text), [
      ...['3:int', '3:<id>', '3:=', '3:<id>', '3:*', '3:<num>', '3:;'],
      ...['4:return', '4:<id>', '4:>>=', '4:<num>', '4:,', '4:<str>', '4:,', '4:<str>', '4:,', '4:<num>', '4:;'],
    ]);
  });

  it('gives renamed, reformatted and recommented code the same stream', () => {
    const a = 'for (int i = 0; i < n; i++) { sum += values[i]; } // add up';
    const b = '/* loop */\nfor(int k=0;k<size;k++)\n{\n    acc += arr[k];\n}\n';
    assert.deepEqual(tokens('a.java', a), tokens('b.java', b));
    assert.deepEqual([...tokenize('a.java', a).codes], [...tokenize('b.java', b).codes]);
  });

  it('reads # comments in Python, shell, Ruby and R, but not as a shell variable or inside a string', () => {
    assert.deepEqual(tokens('a.py', 'x = 1  # note\ny = "# kept"\n'), ['<id>', '=', '<num>', '<id>', '=', '<str>']);
    assert.deepEqual(tokens('a.sh', 'echo $# # count\n'), ['echo', '<id>', '#']);
    assert.deepEqual(tokens('a.rb', 'puts x # hi\n'), ['puts', '<id>']);
    assert.deepEqual(tokens('a.r', 'x <- 1 # hi\n'), ['<id>', '<', '-', '<num>']);
    assert.deepEqual(tokens('a.c', '#include <stdio.h>'), ['#', 'include', '<', '<id>', '.', '<id>', '>']);
  });

  it('drops Python docstrings unless asked to keep them, and counts their lines either way', () => {
    const text = 'def f(a):\n    """Doc\n    string."""\n    s = """not a docstring"""\n    return r"x" + f\'{a}\'\n';
    assert.deepEqual(withLines('m.py', text), [
      ...['1:def', '1:<id>', '1:(', '1:<id>', '1:)', '1::'],
      ...['4:<id>', '4:=', '4:<str>', '5:return', '5:<str>', '5:+', '5:<str>'],
    ]);
    assert.equal(tokens('m.py', text).length + 1, normalisedTokens('m.py', text, { keepDocstrings: true }).length);
  });

  it('keeps multi-line template literals whole and ends an unterminated string with its line', () => {
    assert.deepEqual(withLines('a.ts', 'const s = `a\n${b}\nc`;\nlet d = "open\nd;'), [
      ...['1:const', '1:<id>', '1:=', '1:<str>', '3:;'],
      ...['4:let', '4:<id>', '4:=', '4:<str>', '5:<id>', '5:;'],
    ]);
  });

  it('chooses source files by extension, outside vendor folders', () => {
    for (const path of ['src/Main.java', 'a/b.PY', 'x.cpp', 'run.sh', 'lib/m.ts']) assert.equal(isComparedPath(path), true, path);
    for (const path of ['README.md', 'data.csv', 'a/node_modules/x.js', '.git/hooks/pre-commit.sh', 'Makefile', 'img.png']) {
      assert.equal(isComparedPath(path), false, path);
    }
    assert.equal(sourceLanguage('x.unknown'), undefined);
  });
});

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stream = (next: () => number, length: number, alphabet = 40) => Array.from({ length }, () => Math.floor(next() * alphabet));

describe('winnowing', () => {
  it('rolls the k-gram hash to the value computed from scratch', () => {
    const codes = stream(random(1), 200, 1 << 30);
    const rolled = kgramHashes(codes, DEFAULT_K);
    assert.equal(rolled.length, 200 - DEFAULT_K + 1);
    for (const at of [0, 1, 50, 185]) assert.equal(rolled[at], kgramHashes(codes.slice(at, at + DEFAULT_K), DEFAULT_K)[0]);
  });

  it('finds every shared run of w + k - 1 tokens, wherever it sits in two unrelated streams', () => {
    const next = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const run = stream(next, DEFAULT_W + DEFAULT_K - 1);
      const a = [...stream(next, Math.floor(next() * 300)), ...run, ...stream(next, Math.floor(next() * 300))];
      const b = [...stream(next, Math.floor(next() * 300)), ...run, ...stream(next, Math.floor(next() * 300))];
      const inB = new Set(fingerprint(b).hashes);
      assert.ok(
        [...fingerprint(a).hashes].some((hash) => inB.has(hash)),
        `trial ${trial}`,
      );
    }
  });

  it('keeps about 2 / (w + 1) of the k-grams, with positions that increase', () => {
    const hashes = kgramHashes(stream(random(3), 20_000, 1 << 30));
    const prints = winnow(hashes);
    const density = prints.hashes.length / hashes.length;
    assert.ok(Math.abs(density - 2 / (DEFAULT_W + 1)) < 0.03, `density ${density}`);
    for (let i = 1; i < prints.positions.length; i++) assert.ok(prints.positions[i]! > prints.positions[i - 1]!);
    for (let i = 0; i < prints.positions.length; i++) assert.equal(prints.hashes[i], hashes[prints.positions[i]!]);
  });

  it('gives a run of equal hashes one fingerprint per window span, and short input one fingerprint', () => {
    assert.equal(winnow(new Uint32Array(30).fill(5), 6).hashes.length, 5);
    assert.deepEqual([...winnow(Uint32Array.from([9, 3, 7]), 6).positions], [1]);
    assert.equal(winnow(new Uint32Array(0)).hashes.length, 0);
    assert.equal(kgramHashes([1, 2, 3], DEFAULT_K).length, 0);
  });
});
