/** What the log viewer writes to its terminal for a run of chunks: stream colours, split escapes, timestamps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogEntry, OutputStream } from '../../shared/api.ts';
import { foregroundEffect, LogFormatter } from '../../renderer/components/log-view/log-format.ts';
import { clockStamp } from '../../shared/clock-stamp.ts';

const E = '\x1b';
let seq = 0;
const chunk = (stream: OutputStream, data: string, time = Date.UTC(2026, 0, 1, 9, 5, 7)): LogEntry => ({ seq: seq++, stream, time, data });
const write = (formatter: LogFormatter, ...chunks: LogEntry[]) => chunks.map((c) => formatter.format(c)).join('');

describe('log formatter', () => {
  it('writes stderr red by default and stdout in the default colour again after it', () => {
    const out = write(new LogFormatter(false), chunk('stdout', 'a\n'), chunk('stderr', 'b\n'), chunk('stdout', 'c\n'));
    assert.equal(out, `${E}[0ma\n${E}[0m${E}[31mb\n${E}[0mc\n`);
  });

  it('keeps stderr red after its own resets, but lets its explicit colours win', () => {
    const out = write(new LogFormatter(false), chunk('stderr', `${E}[1mbold${E}[0m plain ${E}[m again ${E}[32mgreen${E}[39m back`));
    assert.equal(out, `${E}[0m${E}[31m${E}[1mbold${E}[0;31m plain ${E}[0;31m again ${E}[32mgreen${E}[39;31m back`);
  });

  it("restores each stream's own colour when the streams interleave", () => {
    const out = write(new LogFormatter(false), chunk('stdout', `${E}[32mgreen `), chunk('stderr', 'err '), chunk('stdout', 'still green'));
    assert.equal(out, `${E}[0m${E}[32mgreen ${E}[0m${E}[31merr ${E}[0m${E}[32mstill green`);
  });

  it('holds back an escape sequence cut between two chunks of a stream until it is whole', () => {
    const formatter = new LogFormatter(false);
    const first = formatter.format(chunk('stderr', `x${E}[`));
    const second = formatter.format(chunk('stderr', '0my'));
    assert.equal(first, `${E}[0m${E}[31mx`);
    assert.equal(second, `${E}[0;31my`, 'the reset, once whole, is rewritten to keep stderr red');
  });

  it('tells what an SGR sequence does to the foreground, skipping colour arguments', () => {
    assert.equal(foregroundEffect(''), 'default');
    assert.equal(foregroundEffect('1'), 'none');
    assert.equal(foregroundEffect('38;5;0'), 'explicit', 'the 0 is a palette index, not a reset');
    assert.equal(foregroundEffect('48;2;0;0;0'), 'none');
    assert.equal(foregroundEffect('0;33'), 'explicit');
    assert.equal(foregroundEffect('33;0'), 'default');
    assert.equal(foregroundEffect('38:5:196'), 'explicit');
  });

  it('stamps the start of each line with the time of the chunk it starts in, also after a \\r redraw', () => {
    const stamp = `${E}[0;90m${clockStamp(Date.UTC(2026, 0, 1, 9, 5, 7))}${E}[0m `;
    const out = write(new LogFormatter(true), chunk('stdout', 'one\ntw'), chunk('stdout', 'o\n10%\r100%\r\n'));
    assert.equal(out, `${E}[0m${stamp}one\n${stamp}tw` + `o\n${stamp}10%\r${stamp}100%\r\n`);
  });

  it('stamps local time to the millisecond, so lines within one second keep their order', () => {
    assert.equal(clockStamp(new Date(2026, 0, 1, 9, 5, 7, 42).getTime()), '[09:05:07.042]');
    assert.equal(clockStamp(new Date(2026, 0, 1, 23, 59, 59, 999).getTime()), '[23:59:59.999]');
    assert.match(clockStamp(Date.now()), /^\[\d\d:\d\d:\d\d\.\d{3}\]$/);
  });
});
