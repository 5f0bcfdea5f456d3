/** `cmdx logs --timestamps`: a stamp before each line, from the time of the chunk the line starts in. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineStamps } from '../../../electron/core/client/line-stamps.ts';
import { clockStamp } from '../../../shared/clock-stamp.ts';

const T1 = Date.UTC(2026, 0, 1, 9, 5, 7, 42);
const T2 = T1 + 1250;
const s1 = `${clockStamp(T1)} `;
const s2 = `${clockStamp(T2)} `;

describe('line stamps', () => {
  it('stamps each line, empty ones too, with the time of the chunk its start came in', () => {
    const stamps = new LineStamps();
    assert.equal(stamps.push('one\n\ntw', T1), `${s1}one\n${s1}\n${s1}tw`);
    assert.equal(stamps.push('o\nthree\n', T2), `o\n${s2}three\n`);
  });

  it('stamps a progress line again after a lone \\r, but not a \\r\\n split between two chunks', () => {
    const stamps = new LineStamps();
    assert.equal(stamps.push('10%\r50%\r', T1), `${s1}10%\r${s1}50%\r`);
    assert.equal(stamps.push('\nnext\r\n', T2), `\n${s2}next\r\n`);
    assert.equal(stamps.push('a\r', T1), `${s1}a\r`);
    assert.equal(stamps.push('100%\n', T2), `${s2}100%\n`);
  });

  it('paints the stamp, not the line', () => {
    const stamps = new LineStamps((stamp) => `<${stamp}>`);
    assert.equal(stamps.push('x\n', T1), `<${clockStamp(T1)}> x\n`);
  });
});
