/** What the client prints, fitted to where it goes: colours and progress only on a terminal, aligned tables. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeCodes,
  cutToWidth,
  formatBytes,
  formatDuration,
  paint,
  progressBar,
  progressLine,
  redStderr,
  table,
} from '../../../electron/core/client/render.ts';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string | Uint8Array) => (written.push(String(text)), true) };
}

describe('terminal output', () => {
  it('colours only a terminal, and never when NO_COLOR is set', () => {
    assert.equal(escapeCodes(stream(true), {}), true);
    assert.equal(escapeCodes(stream(false), {}), false);
    assert.equal(escapeCodes(stream(true), { NO_COLOR: '1' }), false);
    assert.equal(escapeCodes(stream(true), { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(paint(false).red('x'), 'x');
    assert.equal(paint(true).red('x'), '\x1b[31mx\x1b[39m');
  });

  it("paints a job's stderr red, again after each of its own resets", () => {
    assert.equal(redStderr('a\x1b[0mb\x1b[mc'), '\x1b[31ma\x1b[0m\x1b[31mb\x1b[m\x1b[31mc\x1b[39m');
  });

  it('draws a progress bar on a terminal, in place, and nothing in a pipe or with NO_COLOR', () => {
    let now = 0;
    const tty = stream(true);
    const bar = progressBar(tty, {}, 1000, 'Uploading', () => now);
    bar.update(100);
    bar.update(200); // within 100 ms of the last draw: skipped
    now = 150;
    bar.update(500);
    bar.finish();
    assert.deepEqual(tty.written, [
      `\rUploading ${progressLine(100, 1000)}\x1b[K`,
      `\rUploading ${progressLine(500, 1000)}\x1b[K`,
      `\rUploading ${progressLine(1000, 1000)}\x1b[K`,
      '\n',
    ]);
    const pipe = stream(false);
    const none = progressBar(pipe, {}, 1000, 'Uploading');
    none.update(500);
    none.finish();
    assert.deepEqual(pipe.written, []);
    const plain = stream(true);
    progressBar(plain, { NO_COLOR: '1' }, 1000, 'Uploading').finish();
    assert.deepEqual(plain.written, [], 'NO_COLOR asks for plain output');
  });

  it('writes sizes, durations and the bar in words people read', () => {
    assert.equal(progressLine(512 * 1024, 2 * 1024 * 1024, 10), '[###.......]  25%  512 KB of 2.0 MB');
    assert.deepEqual([formatBytes(12), formatBytes(1536), formatBytes(5 * 1024 ** 3)], ['12 B', '1.5 KB', '5.00 GB']);
    assert.deepEqual([formatDuration(850), formatDuration(12_400), formatDuration(185_999)], ['850 ms', '12.4 s', '3 min 05 s']);
  });

  it('aligns table columns whatever colour codes the cells carry, and cuts lines to a width', () => {
    const p = paint(true);
    assert.equal(
      table([
        ['A', 'STATE', 'X'],
        ['long-name', p.green('ok'), 'y'],
      ]),
      `A          STATE  X\nlong-name  ${p.green('ok')}     y\n`,
    );
    assert.equal(cutToWidth(`ab${p.red('cdef')}gh`, 4), `ab${p.red('cd')}`);
  });
});
