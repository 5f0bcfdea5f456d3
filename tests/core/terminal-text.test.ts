/** Job-chosen text on the admin's terminal keeps its colours and nothing else, however it is cut into chunks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { plainText, TerminalFilter, terminalSafe } from '../../shared/terminal-text.ts';

// Anything but a colour (ESC [ digits ; : m) or \t \n \r.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const UNSAFE = /\x1b(?!\[[0-9;:]*m)|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/;

describe('terminal-safe text', () => {
  it('keeps colours, line breaks and tabs', () => {
    assert.equal(terminalSafe('\x1b[1;32mok\x1b[0m\tnext\r\nline'), '\x1b[1;32mok\x1b[0m\tnext\r\nline');
    assert.equal(terminalSafe('héllo wörld ✓'), 'héllo wörld ✓');
  });

  it('drops OSC 52 (clipboard), OSC 0 (title), OSC 8 (hyperlink), cursor moves, erases, DCS, BEL, BS and 8-bit CSI/OSC', () => {
    assert.equal(terminalSafe('a\x1b]52;c;Y3VybCB8IHNo\x07b'), 'ab');
    assert.equal(terminalSafe('a\x1b]0;title\x1b\\b'), 'ab');
    assert.equal(terminalSafe('\x1b]8;;https://evil/\x1b\\https://github.com/login\x1b]8;;\x1b\\'), 'https://github.com/login');
    assert.equal(terminalSafe('3 failed\x1b[1A\x1b[2K\x1b[Hpassed'), '3 failedpassed');
    assert.equal(terminalSafe('x\x1bPq#0;1\x1b\\y\x1b_apc\x1b\\z'), 'xyz');
    assert.equal(terminalSafe('b\x07e\x08l\x7fl'), 'bell');
    assert.equal(terminalSafe('a\u009b2Jb\u009d0;t\u0007c\u009bm'), 'abc\x1b[m'); // an 8-bit colour reset stays a (7-bit) colour
    assert.equal(terminalSafe('\x1b7\x1b8\x1bc\x1b(0ok'), 'ok'); // save/restore cursor, reset, charset
    assert.equal(terminalSafe('\x1b[?1049h\x1b[38;5;1mred'), '\x1b[38;5;1mred'); // the alternate screen goes, the colour stays
  });

  it('recognises a sequence cut between two chunks', () => {
    const filter = new TerminalFilter();
    assert.equal(filter.push('ok\x1b]5') + filter.push('2;c;abc') + filter.push('\x07done\x1b[3') + filter.push('1mred') + filter.end(), 'okdone\x1b[31mred');
  });

  it('never lets a control through, and chunking never changes the result (generated input)', () => {
    const pieces = fc.constantFrom(
      '\x1b',
      '[',
      ']',
      '\\',
      '\x07',
      'm',
      ';',
      '1',
      'A',
      'P',
      '\u009b',
      '\u009c',
      '\u009d',
      '\n',
      '\r',
      '\t',
      'x',
      '\x00',
      '\x7f',
      'é',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 5 }), (chars, cuts) => {
        const text = chars.join('');
        const whole = terminalSafe(text);
        assert.doesNotMatch(whole, UNSAFE);
        const filter = new TerminalFilter();
        let chunked = '';
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          chunked += filter.push(text.slice(from, Math.max(from, cut)));
          from = Math.max(from, cut);
        }
        chunked += filter.push(text.slice(from)) + filter.end();
        assert.equal(chunked, whole);
        assert.doesNotMatch(plainText(text), /[\x00-\x1f\x7f-\x9f]/); // eslint-disable-line no-control-regex
      }),
      { numRuns: 2000 },
    );
  });

  it('plain text for a table cell: no colour, no line break, no bidi override', () => {
    assert.equal(plainText('pc\x1b[31m07\x1b[0m\nevil\u202egnp.exe'), 'pc07 evilgnp.exe');
  });
});
