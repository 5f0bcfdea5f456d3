/** The join line: one coordinator (the old form, unchanged) or a campus of several, IPv6 in brackets, bad entries refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJoinLine, parseJoinLine, MAX_JOIN_ADDRESSES } from '../../shared/join-line.ts';

const FP = 'ab'.repeat(32);

describe('the join line', () => {
  it('reads the old single-address line as before, with servers holding that one', () => {
    const line = formatJoinLine('192.168.1.10', 3000, FP, 'cmdx_j_token');
    assert.equal(line, `cmdx://192.168.1.10:3000/?fp=${FP}&token=cmdx_j_token`);
    assert.deepEqual(parseJoinLine(line), {
      server: 'https://192.168.1.10:3000',
      servers: ['https://192.168.1.10:3000'],
      fingerprint: FP,
      joinToken: 'cmdx_j_token',
    });
    assert.deepEqual(parseJoinLine(`  cmdx://pc-1.lab:3000?plain=1  `), {
      server: 'http://pc-1.lab:3000',
      servers: ['http://pc-1.lab:3000'],
      fingerprint: null,
      joinToken: null,
    });
  });

  it('lists several coordinators, this one first, without repeating it', () => {
    const line = formatJoinLine('10.0.0.5', 3000, FP, null, ['10.0.0.6:3000', '10.0.0.5:3000', '[fd00::7]:3443']);
    assert.equal(line, `cmdx://10.0.0.5:3000,10.0.0.6:3000,[fd00::7]:3443/?fp=${FP}`);
    const parsed = parseJoinLine(line);
    assert.ok(!('error' in parsed));
    assert.deepEqual(parsed.servers, ['https://10.0.0.5:3000', 'https://10.0.0.6:3000', 'https://[fd00::7]:3443']);
    assert.equal(parsed.server, parsed.servers[0]);
  });

  it('writes and reads IPv6 hosts in brackets, normalised as URLs write them', () => {
    const line = formatJoinLine('fd00::5', 3000, FP, null, ['[FD00:0::6]:3000']);
    const parsed = parseJoinLine(line);
    assert.ok(!('error' in parsed));
    assert.deepEqual(parsed.servers, ['https://[fd00::5]:3000', 'https://[fd00::6]:3000']);
    for (const server of parsed.servers) assert.equal(new URL(server).origin, server);
  });

  it('refuses a bad entry by name, a missing port, a port out of range, too many addresses, and a line without a fingerprint', () => {
    const bad = (text: string) => {
      const parsed = parseJoinLine(text);
      assert.ok('error' in parsed, text);
      return parsed.error;
    };
    assert.match(bad(`cmdx://10.0.0.5:3000,nonsense/?fp=${FP}`), /"nonsense" in the join line is not a host:port/);
    assert.match(bad(`cmdx://10.0.0.5:3000,,10.0.0.6:3000/?fp=${FP}`), /"" in the join line/);
    assert.match(bad(`cmdx://10.0.0.5:3000,10.0.0.6:70000/?fp=${FP}`), /not a host:port/);
    assert.match(bad(`cmdx://10.0.0.5:3000,fd00::6:3000/?fp=${FP}`), /not a host:port/);
    assert.match(bad(`cmdx://10.0.0.5:3000,us@er:3000/?fp=${FP}`), /not a host:port/);
    assert.match(bad(`cmdx://10.0.0.5/?fp=${FP}`), /not a join line/);
    assert.match(bad(`https://10.0.0.5:3000/?fp=${FP}`), /not a join line/);
    const many = Array.from({ length: MAX_JOIN_ADDRESSES + 1 }, (_, i) => `10.0.0.${i + 1}:3000`).join(',');
    assert.match(bad(`cmdx://${many}/?fp=${FP}`), /at most 16/);
    assert.match(bad('cmdx://10.0.0.5:3000,10.0.0.6:3000/?fp=123'), /no valid certificate fingerprint/);
    assert.match(bad(`cmdx://${'a'.repeat(9000)}:1/?fp=${FP}`), /not a join line/);
  });
});
