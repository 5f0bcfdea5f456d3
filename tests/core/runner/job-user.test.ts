/** Which account jobs run as, and what a worker says when it cannot give them their own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveJobUser } from '../../../electron/core/runner/job-user.ts';
import { jobEnvironment } from '../../../electron/core/runner/job-env.ts';

describe('job account and environment', () => {
  it('a worker that is not root says its jobs run as its user and can read its files', () => {
    const answer = resolveJobUser(undefined, 1000);
    assert.ok('unavailable' in answer);
    assert.match(answer.unavailable, /jobs run as its user and can read its files; install it as a service/);
    assert.match((resolveJobUser('someone', 1000) as { unavailable: string }).unavailable, /--run-as someone needs a worker running as root/);
  });

  it('refuses root as the job account', () => {
    assert.match((resolveJobUser('root', 0) as { unavailable: string }).unavailable, /is root; pick an unprivileged account/);
  });

  it('the job environment is an allow-list: no CMDX_ secret, no proxy password, its own HOME and temp', () => {
    const env = jobEnvironment(
      { PATH: '/usr/bin', LANG: 'C.UTF-8', CMDX_JOIN_TOKEN: 'cmdx_j_secret', HTTPS_PROXY: 'http://user:pass@proxy', HOME: '/root', SECRET: 'x' },
      { home: '/jobs/home', tmp: '/jobs/tmp', jobId: 'job-1' },
    );
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      HOME: '/jobs/home',
      TMPDIR: '/jobs/tmp',
      TEMP: '/jobs/tmp',
      TMP: '/jobs/tmp',
      CMDX_JOB_ID: 'job-1',
    });
  });
});
