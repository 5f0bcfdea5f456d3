/**
 * bench/history.jsonl: one line per full run (date, commit, machine, each figure's median), and the comparison of a
 * run with the one before it: each figure's change, with a regression of more than 20 % marked.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HISTORY_FILE = fileURLToPath(new URL('./history.jsonl', import.meta.url));
/** A change past this, the wrong way, is a regression. */
export const REGRESSION = 0.2;

export interface Figure {
  name: string;
  median: number;
  unit: string;
}

export interface HistoryLine {
  date: string;
  commit: string;
  machine: { cpu_model: string | undefined; cpus: number; node: string };
  seconds: number;
  figures: Record<string, { median: number; unit: string }>;
}

/** Higher is better for rates (jobs/s, MB/s, "yes"); lower for times, sizes, shares and ratios. */
function higherIsBetter(unit: string): boolean {
  return unit === 'jobs/s' || unit === 'MB/s';
}

export function readHistory(file = HISTORY_FILE): HistoryLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as HistoryLine);
}

export function appendHistory(line: HistoryLine, file = HISTORY_FILE): void {
  appendFileSync(file, JSON.stringify(line) + '\n');
}

export function historyLine(
  figures: Figure[],
  meta: { finished_at: string; commit: string; cpu_model?: string; cpus: number; node: string; seconds: number },
): HistoryLine {
  return {
    date: meta.finished_at,
    commit: meta.commit,
    machine: { cpu_model: meta.cpu_model, cpus: meta.cpus, node: meta.node },
    seconds: meta.seconds,
    figures: Object.fromEntries(figures.map((f) => [f.name, { median: f.median, unit: f.unit }])),
  };
}

export interface Change {
  name: string;
  before: number;
  after: number;
  unit: string;
  /** after / before - 1, signed. */
  change: number;
  regression: boolean;
}

export function compare(before: HistoryLine, after: HistoryLine): Change[] {
  const changes: Change[] = [];
  for (const [name, now] of Object.entries(after.figures)) {
    const was = before.figures[name];
    if (!was || was.median === 0) continue;
    const change = now.median / was.median - 1;
    const worse = higherIsBetter(now.unit) ? change < -REGRESSION : change > REGRESSION;
    changes.push({ name, before: was.median, after: now.median, unit: now.unit, change, regression: worse });
  }
  return changes;
}

/** The comparison as a table; regressions marked, and a note when the two runs were not on the same machine. */
export function comparisonText(before: HistoryLine, after: HistoryLine): string {
  const rows = compare(before, after).map(
    (c) =>
      `| ${c.name} | ${c.before} ${c.unit} | ${c.after} ${c.unit} | ${c.change >= 0 ? '+' : ''}${Math.round(c.change * 1000) / 10} % | ${c.regression ? '**REGRESSION**' : ''} |`,
  );
  const sameMachine = before.machine.cpu_model === after.machine.cpu_model && before.machine.cpus === after.machine.cpus;
  const regressions = compare(before, after).filter((c) => c.regression).length;
  return [
    `Against the run of ${before.date.slice(0, 10)} (${before.commit}) ${sameMachine ? 'on the same machine' : `on ANOTHER machine (${before.machine.cpus} × ${before.machine.cpu_model}): the changes say little`}:`,
    '',
    '| figure | before | now | change | |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    regressions ? `${regressions} figure(s) more than ${REGRESSION * 100} % worse.` : `No figure more than ${REGRESSION * 100} % worse.`,
  ].join('\n');
}
