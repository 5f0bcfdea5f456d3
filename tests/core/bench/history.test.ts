/** bench/history.jsonl's comparison: each figure's change, a regression past 20 % marked the right way round, another machine said. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, compare, comparisonText, historyLine, readHistory, type HistoryLine } from '../../../bench/history.ts';

const machine = { cpu_model: 'Test CPU', cpus: 2, node: 'v24.0.0', seconds: 100, commit: 'abc1234' };
const line = (figures: [string, number, string][], date: string, m = machine): HistoryLine =>
  historyLine(
    figures.map(([name, median, unit]) => ({ name, median, unit })),
    { ...m, finished_at: date },
  );

describe('bench history', () => {
  it('marks a time 20 % longer and a rate 20 % lower as regressions, and not the other way round', () => {
    const before = line(
      [
        ['pickup p50', 10, 'ms'],
        ['throughput', 1000, 'jobs/s'],
        ['RSS', 100, 'MB'],
        ['download', 300, 'MB/s'],
      ],
      '2026-12-01T00:00:00Z',
    );
    const after = line(
      [
        ['pickup p50', 12.5, 'ms'],
        ['throughput', 1300, 'jobs/s'],
        ['RSS', 110, 'MB'],
        ['download', 200, 'MB/s'],
      ],
      '2026-12-02T00:00:00Z',
    );
    const changes = Object.fromEntries(compare(before, after).map((c) => [c.name, c]));
    assert.equal(changes['pickup p50']!.regression, true);
    assert.equal(Math.round(changes['pickup p50']!.change * 100), 25);
    assert.equal(changes.throughput!.regression, false, 'more jobs/s is better');
    assert.equal(changes.RSS!.regression, false, '10 % is within the limit');
    assert.equal(changes.download!.regression, true, 'fewer MB/s is worse');
    const text = comparisonText(before, after);
    assert.match(text, /\| pickup p50 \| 10 ms \| 12.5 ms \| \+25 % \| \*\*REGRESSION\*\* \|/);
    assert.match(text, /2 figure\(s\) more than 20 % worse/);
    assert.match(text, /on the same machine/);
  });

  it('says when the runs were on different machines, and appends one line per run', () => {
    const before = line([['pickup p50', 10, 'ms']], '2026-12-01T00:00:00Z', { ...machine, cpu_model: 'Other CPU' });
    const after = line([['pickup p50', 9, 'ms']], '2026-12-02T00:00:00Z');
    assert.match(comparisonText(before, after), /on ANOTHER machine \(2 × Other CPU\)/);
    const file = join(mkdtempSync(join(tmpdir(), 'cmdx-history-')), 'history.jsonl');
    appendHistory(before, file);
    appendHistory(after, file);
    assert.deepEqual(
      readHistory(file).map((l) => l.date),
      ['2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'],
    );
  });
});
