/** The client's command lines: words and repeated flags, --on, and where it connects with which token. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, NOT_CONFIGURED, parseServer, resolveConnection } from '../../../electron/core/client/connection.ts';
import { jobOrRun } from '../../../electron/core/client/session.ts';
import { parseOn } from '../../../electron/core/client/target.ts';
import { ARTIFACTS_OPTIONS, LOGS_OPTIONS, SUBMIT_OPTIONS, WORKERS_OPTIONS } from '../../../electron/core/options/client-options.ts';
import { parseCommandLine, UsageError } from '../../../electron/core/options/parse-options.ts';

const FP = 'ab'.repeat(32);

describe('client command lines', () => {
  it('reads repeated --run and --artifacts in order, a folder anywhere among the flags, and numbers within limits', () => {
    const { values, positionals } = parseCommandLine(
      SUBMIT_OPTIONS,
      ['--run', 'npm install', './app', '--run', 'npm test', '--artifacts', 'junit.xml', '--artifacts', 'coverage/**', '-f', '--timeout', '60'],
      { min: 0, max: 1, what: 'folder or zip' },
      {},
    );
    assert.deepEqual(values.run, ['npm install', 'npm test']);
    assert.deepEqual(values.artifacts, ['junit.xml', 'coverage/**']);
    assert.deepEqual(positionals, ['./app']);
    assert.equal(values.follow, true);
    assert.equal(values.wait, false);
    assert.equal(values.timeout, 60);
    assert.equal(values.attempts, undefined);
    assert.throws(() => parseCommandLine(SUBMIT_OPTIONS, ['--run', 'x', '--attempts', '11'], { min: 0, max: 1, what: 'x' }, {}), {
      message: '--attempts must be a whole number from 1 to 10 (got "11").',
    });
  });

  it('gives repeated flags an empty list when absent, and -f / -o as short forms', () => {
    assert.deepEqual(parseCommandLine(SUBMIT_OPTIONS, [], { min: 0, max: 1, what: 'x' }, {}).values.run, []);
    assert.equal(parseCommandLine(LOGS_OPTIONS, ['job-1', '-f'], { min: 1, max: 1, what: 'a job id' }, {}).values.follow, true);
    assert.equal(parseCommandLine(ARTIFACTS_OPTIONS, ['job-1', '-o', 'out'], { min: 1, max: 1, what: 'a job id' }, {}).values.output, 'out');
  });

  it('counts the words: too few, too many, none allowed', () => {
    assert.throws(() => parseCommandLine(LOGS_OPTIONS, [], { min: 1, max: 1, what: 'a job id' }, {}), new UsageError('Give a job id.'));
    assert.throws(() => parseCommandLine(LOGS_OPTIONS, ['job-1', 'job-2'], { min: 1, max: 1, what: 'job id' }, {}), {
      message: 'Give one job id, not 2 ("job-1", "job-2").',
    });
    assert.throws(() => parseCommandLine(WORKERS_OPTIONS, ['extra'], { min: 0, max: 0, what: 'arguments' }, {}), {
      message: 'This command takes no arguments (got "extra").',
    });
    assert.throws(() => parseCommandLine(WORKERS_OPTIONS, ['--run', 'x'], { min: 0, max: 0, what: 'arguments' }, {}), {
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  });

  it('reads the connection from CMDX_SERVER, CMDX_TOKEN and CMDX_FINGERPRINT; a flag wins', () => {
    const env = { CMDX_SERVER: 'https://lab:3000', CMDX_TOKEN: 'from-env', CMDX_FINGERPRINT: FP };
    const fromEnv = parseCommandLine(WORKERS_OPTIONS, [], { min: 0, max: 0, what: 'x' }, env).values;
    assert.deepEqual([fromEnv.server, fromEnv.token, fromEnv.fingerprint], ['https://lab:3000', 'from-env', FP]);
    assert.equal(parseCommandLine(WORKERS_OPTIONS, ['--token', 'flag'], { min: 0, max: 0, what: 'x' }, env).values.token, 'flag');
  });

  it('tells job ids from run ids', () => {
    assert.equal(jobOrRun('job-1795600000000-k3x9'), 'job');
    assert.equal(jobOrRun('run-1795600000000-k3x9'), 'run');
    assert.throws(() => jobOrRun('1795600000000'), UsageError);
  });
});

describe('--on', () => {
  it('all, tags and workers', () => {
    assert.equal(parseOn('all'), null);
    assert.deepEqual(parseOn('tag:room-b'), { tags: ['room-b'] });
    assert.deepEqual(parseOn('tag:room-b, gpu'), { tags: ['room-b', 'gpu'] });
    assert.deepEqual(parseOn('worker:pc1,pc2,pc1'), { workers: ['pc1', 'pc2'] });
  });

  it('refuses anything else with a sentence that shows the forms', () => {
    assert.throws(() => parseOn('room-b'), { message: /^--on must be all, tag:NAME\[,NAME\] \(PCs with every tag\) or worker:ID\[,ID\] \(got "room-b"\)\.$/ });
    assert.throws(() => parseOn('tag:'), { message: '--on tag: needs a tag, e.g. --on tag:room-b.' });
    assert.throws(() => parseOn('tag:bad tag'), { message: /^--on tag:bad tag: "bad tag" is not a tag/ });
    assert.throws(() => parseOn('worker:../x'), { message: /"\.\.\/x" is not a worker id/ });
  });
});

describe('where the client connects', () => {
  const profile = { server: 'https://lab:3000', token: 'profile-token', fingerprint: FP };

  it('reads addresses, host:port (https) and join lines (with their fingerprint, never their join token)', () => {
    assert.deepEqual(parseServer('https://192.168.1.10:3000/#/jobs'), { server: 'https://192.168.1.10:3000' });
    assert.deepEqual(parseServer('lab-pc:3000'), { server: 'https://lab-pc:3000' });
    assert.deepEqual(parseServer(`cmdx://10.0.0.5:3000/?fp=${FP}&token=cmdx_j_x`), { server: 'https://10.0.0.5:3000', fingerprint: FP });
    assert.throws(() => parseServer('ftp://x'), UsageError);
    assert.throws(() => parseServer('cmdx://x:1/?fp=short'), { message: /no valid certificate fingerprint/ });
  });

  it('uses the flags (or their variables) first, then the profile', () => {
    assert.deepEqual(resolveConnection({}, profile), { server: 'https://lab:3000', token: 'profile-token', fingerprint: FP });
    assert.deepEqual(resolveConnection({ token: 'mine' }, profile), { server: 'https://lab:3000', token: 'mine', fingerprint: FP });
    assert.deepEqual(resolveConnection({ server: 'http://127.0.0.1:3000', token: 't' }, undefined), {
      server: 'http://127.0.0.1:3000',
      token: 't',
      fingerprint: null,
    });
  });

  it("never sends the profile's token or fingerprint to another server", () => {
    assert.deepEqual(resolveConnection({ server: 'https://elsewhere:3000' }, profile), { server: 'https://elsewhere:3000', fingerprint: null });
    assert.deepEqual(resolveConnection({ server: 'https://lab:3000' }, profile), { server: 'https://lab:3000', token: 'profile-token', fingerprint: FP });
  });

  it('says how to configure a coordinator when there is none', () => {
    assert.throws(() => resolveConnection({ token: 't' }, undefined), new UsageError(NOT_CONFIGURED));
    assert.match(NOT_CONFIGURED, /cmdx login https:\/\/HOST:PORT --fingerprint SHA256/);
  });

  it('refuses plain HTTP to another PC unless --insecure-http says so', () => {
    assert.throws(() => resolveConnection({ server: 'http://lab-pc:3000', token: 't' }, undefined), {
      message: /^http:\/\/lab-pc:3000 is plain HTTP to another PC: the token and the output would cross the network in clear\./,
    });
    assert.equal(resolveConnection({ server: 'http://lab-pc:3000', insecureHttp: true }, undefined).server, 'http://lab-pc:3000');
    for (const local of ['http://127.0.0.1:3000', 'http://127.8.9.1:1', 'http://localhost:3000', 'http://[::1]:3000']) assert.ok(isLoopback(local), local);
    assert.equal(isLoopback('http://127.0.0.1.example.com:3000'), false);
  });

  it('refuses a fingerprint that is not one', () => {
    assert.throws(() => resolveConnection({ server: 'https://lab:3000', fingerprint: 'abc' }, undefined), { message: /--fingerprint must be the SHA-256/ });
    assert.equal(resolveConnection({ server: 'https://lab:3000', fingerprint: FP.toUpperCase().match(/../g)!.join(':') }, undefined).fingerprint, FP);
  });
});
