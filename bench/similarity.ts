/**
 * The similarity scenario: 100 students' zips of 2,000 lines of synthetic C each (the teacher's starter
 * file in every one, excluded), with copies planted in them, compared through the worker thread as the
 * coordinator would (zips read and compared in the thread, from the build in dist/). Measures the time
 * to the answer and the event loop's longest pause meanwhile, and checks that the planted copies are
 * the top pairs.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProgram, render, seeded, type Program, type Style } from '../tests/helpers/synthetic-code.ts';
import { writeZip } from '../tests/helpers/zip.ts';
import type * as ThreadSource from '../electron/core/coordinator/grading/similarity-thread.ts';
import { round, summarize, tempDir } from './lib.ts';

type ThreadModule = typeof ThreadSource;

const STUDENTS = 100;
const LINES = 2000;
const BUILT = new URL('../dist/electron/core/coordinator/grading/similarity-thread.js', import.meta.url);

const plain = (names: number): Style => ({ names, indent: '    ', allman: false, comments: 0.1 });
const disguised = (names: number): Style => ({ names: names * 7919, indent: '\t', allman: true, comments: 0.3 });

function shuffled<T>(list: T[], seed: number): T[] {
  const next = seeded(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Every student's main.c. Planted: 11 is 10 renamed and reformatted; 21 took the first half of 20's
 * functions; 31 is 30 renamed with its functions reordered; 41 and 42 are both disguised copies of 40.
 */
function classTexts(): { texts: string[]; planted: string[] } {
  const programs: Program[] = Array.from({ length: STUDENTS }, (_, i) => generateProgram(1000 + i, LINES));
  const texts = programs.map((program, i) => render(program, plain(i + 1)));
  texts[11] = render(programs[10]!, disguised(11));
  const half = Math.floor(programs[20]!.functions.length / 2);
  texts[21] = render({ functions: [...programs[20]!.functions.slice(0, half), ...programs[21]!.functions.slice(half)] }, plain(22));
  texts[31] = render({ functions: shuffled(programs[30]!.functions, 31) }, disguised(31));
  texts[41] = render(programs[40]!, disguised(41));
  texts[42] = render(programs[40]!, { ...disguised(42), allman: false, indent: '  ' });
  const planted = ['10-11', '20-21', '30-31', '40-41', '40-42', '41-42'].map((pair) => pair.replace(/\d+/g, (n) => `student-${n.padStart(3, '0')}`));
  return { texts, planted };
}

/** The class as zips on disk, with the starter and a README in each. */
async function writeClass(dir: string, texts: string[], starter: string): Promise<{ id: string; zipPath: string }[]> {
  return Promise.all(
    texts.map(async (text, i) => {
      const id = `student-${String(i).padStart(3, '0')}`;
      const zipPath = await writeZip(join(dir, `${id}.zip`), [
        { name: `${id}/main.c`, content: text },
        { name: `${id}/starter.c`, content: starter },
        { name: `${id}/README.md`, content: `# ${id}\n` },
      ]);
      return { id, zipPath };
    }),
  );
}

/** The longest pause of this thread's event loop while `work` runs. */
async function withPauses<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; longestPauseMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    longest = Math.max(longest, performance.now() - last - 5);
    last = performance.now();
  }, 5);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { value, ms, longestPauseMs: longest };
}

export async function benchSimilarity(runs: number, log: (msg: string) => void): Promise<Record<string, unknown>> {
  if (!existsSync(BUILT)) throw new Error(`${fileURLToPath(BUILT)} is missing: run npm run build first`);
  const { compareZipsOffThread } = (await import(BUILT.href)) as ThreadModule;
  const { texts, planted } = classTexts();
  const starter = render(generateProgram(7, 120), plain(7));
  const dir = tempDir('cmdx-bench-similarity-');
  const zips = await writeClass(dir, texts, starter);
  const lines = texts.reduce((sum, text) => sum + text.split('\n').length, 0);
  const seconds: number[] = [];
  const pauses: number[] = [];
  let top: string[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const { value, ms, longestPauseMs } = await withPauses(() => compareZipsOffThread(zips, { exclude: [{ path: 'starter.c', text: starter }] }));
      seconds.push(ms / 1000);
      pauses.push(longestPauseMs);
      top = value.pairs.slice(0, planted.length).map((p) => `${p.a}-${p.b}`);
      const ratios = value.pairs.slice(0, planted.length + 2).map((p) => `${p.a.slice(8)}-${p.b.slice(8)} ${p.ratio}`);
      log(`similarity run ${run + 1}: ${round(ms / 1000)} s, longest event-loop pause ${round(longestPauseMs)} ms; ratios ${ratios.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    seconds: summarize(seconds),
    event_loop_longest_pause_ms: summarize(pauses),
    submissions: STUDENTS,
    total_lines: lines,
    planted_are_top_pairs: [...top].sort().join() === [...planted].sort().join(),
    top_pairs: top,
  };
}
