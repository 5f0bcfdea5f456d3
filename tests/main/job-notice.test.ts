/** The notice for the person at the PC when a lab job starts, and the idle time it (and the policy) reads from Electron. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { noticeText, PRESENT_SECONDS, watchJobNotices, type NoticeText } from '../../electron/main/job-notice.ts';
import { powerMonitorIdleSource } from '../../electron/main/power-monitor-idle.ts';
import type { JobSummary } from '../../shared/worker-view.ts';

const job: JobSummary = { jobId: 'job-1', filename: 'p.zip', command: '\n  npm ci\nnpm test\n', startedAt: 1 };

function setup(options: { idle: number | null; supported?: boolean }) {
  const agent = new EventEmitter<{ 'job-started': [JobSummary, boolean] }>();
  const shown: NoticeText[] = [];
  let idle = options.idle;
  const stop = watchJobNotices(agent, {
    idle: { name: 'test', idleSeconds: () => idle },
    supported: () => options.supported ?? true,
    show: (text) => shown.push(text),
  });
  return { agent, shown, stop, setIdle: (s: number | null) => (idle = s) };
}

describe('job notice', () => {
  it('tells the user at the PC when a job starts and the lab has notices on', () => {
    const s = setup({ idle: 5 });
    s.agent.emit('job-started', job, true);
    assert.deepEqual(s.shown, [{ title: 'CMD Executor', body: 'CMD Executor is running a job for the lab: npm ci' }]);
  });

  it('says nothing when the lab turned notices off', () => {
    const s = setup({ idle: 5 });
    s.agent.emit('job-started', job, false);
    assert.deepEqual(s.shown, []);
  });

  it('says nothing when nobody is at the PC, and tells again once somebody is', () => {
    const s = setup({ idle: PRESENT_SECONDS });
    s.agent.emit('job-started', job, true);
    assert.deepEqual(s.shown, [], 'a minute without keyboard or mouse: nobody there');
    s.setIdle(PRESENT_SECONDS - 1);
    s.agent.emit('job-started', job, true);
    assert.equal(s.shown.length, 1);
  });

  it('tells when the PC cannot say whether somebody is there, never where notifications are unsupported, and stops when unsubscribed', () => {
    const unknown = setup({ idle: null });
    unknown.agent.emit('job-started', job, true);
    assert.equal(unknown.shown.length, 1);
    const unsupported = setup({ idle: 0, supported: false });
    unsupported.agent.emit('job-started', job, true);
    assert.deepEqual(unsupported.shown, []);
    unknown.stop();
    unknown.agent.emit('job-started', job, true);
    assert.equal(unknown.shown.length, 1);
  });

  it('names the first command, shortened, or none when there is none', () => {
    assert.equal(noticeText({ command: `make ${'x'.repeat(200)}\nmake test` }).body.length, 'CMD Executor is running a job for the lab: '.length + 100);
    assert.match(noticeText({ command: `make ${'x'.repeat(200)}` }).body, /x…$/);
    assert.equal(noticeText({ command: '  \n' }).body, 'CMD Executor is running a job for the lab.');
  });
});

describe('idle source from Electron', () => {
  it("reads powerMonitor's system idle time on every check", () => {
    let seconds = 12;
    let reads = 0;
    const source = powerMonitorIdleSource({
      getSystemIdleTime: () => {
        reads++;
        return seconds;
      },
    });
    assert.equal(source.idleSeconds(), 12);
    seconds = 700;
    assert.equal(source.idleSeconds(), 700);
    assert.equal(reads, 2);
    assert.match(source.name, /powerMonitor/);
  });

  it('says "cannot tell" (null) when powerMonitor fails or answers nonsense', () => {
    assert.equal(powerMonitorIdleSource({ getSystemIdleTime: () => -1 }).idleSeconds(), null);
    assert.equal(powerMonitorIdleSource({ getSystemIdleTime: () => Number.NaN }).idleSeconds(), null);
    const broken = powerMonitorIdleSource({
      getSystemIdleTime: () => {
        throw new Error('no session');
      },
    });
    assert.equal(broken.idleSeconds(), null);
  });
});
