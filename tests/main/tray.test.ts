/** The worker's tray with a fake Tray: its icon, its tooltip and its menu for every state, in the words the PC's user reads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerAgent } from '../../electron/core/worker/agent.ts';
import { TrayController } from '../../electron/main/tray.ts';
import { TOOLTIP_MAX, trayStateOf, trayWords } from '../../electron/main/tray-words.ts';
import { availability, DEFAULT_POLICY, describePolicy, type WorkerPolicy } from '../../shared/policy.ts';
import { agentState, fakeTray } from '../fakes/tray.ts';
import { tempDir } from '../helpers/coordinator.ts';

const noActions = { open() {}, pause() {}, resume() {}, quit() {} };
const job = { jobId: 'job-1', filename: 'p.zip', command: 'x', startedAt: 1 };
const idlePolicy: WorkerPolicy = { ...DEFAULT_POLICY, when: 'idle', idleMinutes: 10 };
// Tuesday 2026-11-24, 10:45 local time; the keyboard was last used 3 minutes ago.
const now = new Date(2026, 10, 24, 10, 45);
const inUse = availability(idlePolicy, now, 180).reason;

describe('tray', () => {
  it('maps the agent state to idle, busy, waiting, paused and disconnected', () => {
    assert.equal(trayStateOf(agentState({})), 'idle');
    assert.equal(trayStateOf(agentState({ currentJob: job })), 'busy');
    assert.equal(trayStateOf(agentState({ currentJob: job, suspended: true })), 'waiting', 'a job frozen for the user gives way too');
    assert.equal(trayStateOf(agentState({ status: 'waiting', waiting: inUse })), 'waiting');
    assert.equal(trayStateOf(agentState({ paused: true })), 'paused');
    assert.equal(trayStateOf(agentState({ paused: true, waiting: inUse })), 'paused', "the user's own pause comes first");
    assert.equal(trayStateOf(agentState({ connected: false, status: 'disconnected' })), 'disconnected');
  });

  it('switches the image, says the state and the job in the tooltip and rebuilds the menu after every change', () => {
    const t = fakeTray();
    const actions = {
      open: () => t.calls.push('open'),
      pause: () => t.calls.push('pause'),
      resume: () => t.calls.push('resume'),
      quit: () => t.calls.push('quit'),
    };
    const tray = new TrayController(t.deps, actions, agentState({}));
    assert.deepEqual(t.calls.splice(0), [
      'create /icons/tray-idle.png',
      'image /icons/tray-idle.png',
      'tip CMD Executor worker: Idle: ready for jobs\nLab policy: jobs at any time; low priority',
      'menu',
    ]);
    tray.update(agentState({})); // a heartbeat: nothing visible changed
    assert.deepEqual(t.calls.splice(0), []);
    tray.update(agentState({ currentJob: job }));
    assert.deepEqual(t.calls.splice(0), [
      'image /icons/tray-busy.png',
      'tip CMD Executor worker: Running a job · p.zip (job-1)\nLab policy: jobs at any time; low priority',
      'menu',
    ]);
    t.item('Pause taking jobs').click();
    tray.update(agentState({ paused: true }));
    t.item('Resume taking jobs').click();
    t.item('Quit').click();
    assert.deepEqual(
      t.calls.filter((c) => !c.startsWith('tip') && c !== 'menu'),
      ['pause', 'image /icons/tray-paused.png', 'resume', 'quit'],
    );
  });

  it('says why it waits ("Waiting: PC in use since …") and the policy, with Pause at hand', () => {
    const t = fakeTray();
    const policy = describePolicy(idlePolicy);
    const tray = new TrayController(t.deps, noActions, agentState({ status: 'waiting', waiting: inUse, policy }));
    assert.equal(tray.state, 'waiting');
    assert.equal(t.calls[0], 'create /icons/tray-waiting.png');
    assert.deepEqual(t.labels(), [
      'Waiting: PC in use since 10:42 (jobs run after 10 min without keyboard or mouse)',
      'Lab policy: jobs after 10 min idle; when the user returns: suspend; low priority',
      'Open',
      'Pause taking jobs',
      'Quit',
    ]);
    assert.equal(t.menu()[0].enabled, false, 'the state line is not a button');
    assert.equal(t.menu()[1].enabled, false, 'nor is the policy');
    // The Windows limit leaves no room for the policy here: the state keeps the tooltip.
    assert.deepEqual(t.tooltips(), ['CMD Executor worker: Waiting: PC in use since 10:42 (jobs run after 10 min without keyboard or mouse)']);
  });

  it('says a suspended job is paused while the user uses the PC, and names it', () => {
    const t = fakeTray();
    const tray = new TrayController(t.deps, noActions, agentState({ currentJob: job }));
    tray.update(agentState({ currentJob: job, suspended: true, policy: describePolicy(idlePolicy) }));
    assert.equal(tray.state, 'waiting');
    assert.ok(t.calls.includes('image /icons/tray-waiting.png'));
    assert.deepEqual(t.labels(), [
      'Job paused while you use this PC · p.zip (job-1)',
      'Lab policy: jobs after 10 min idle; when the user returns: suspend; low priority',
      'Open',
      'Pause taking jobs',
      'Quit',
    ]);
    assert.equal(t.tooltips().at(-1), 'CMD Executor worker: Job paused while you use this PC · p.zip (job-1)');
    tray.update(agentState({ currentJob: job, suspended: false }));
    assert.equal(tray.state, 'busy', 'thawed when the PC is free again');
  });

  it('says who paused and when: "Paused by you at 10:42", with the day when it was not today', () => {
    const t = fakeTray();
    t.deps.now = () => now.getTime();
    new TrayController(t.deps, noActions, agentState({ status: 'paused', paused: true, pausedAt: new Date(2026, 10, 24, 10, 42).getTime() }));
    assert.deepEqual(t.labels().slice(0, 1), ['Paused by you at 10:42']);
    assert.ok(t.labels().includes('Resume taking jobs'));
    assert.match(t.tooltips()[0]!, /^CMD Executor worker: Paused by you at 10:42\nLab policy: /);
    const yesterday = trayWords(agentState({ paused: true, pausedAt: new Date(2026, 10, 23, 17, 5).getTime() }), now.getTime());
    assert.equal(yesterday.line, 'Paused by you on Mon 17:05');
  });

  it('the agent keeps when its user paused it, keeps the first time on a second pause, and forgets it on resume', () => {
    const agent = new WorkerAgent({ server: 'http://127.0.0.1:9', workDir: tempDir(), idleSource: { name: 'test', idleSeconds: () => 0 } });
    const before = Date.now();
    agent.pause();
    const pausedAt = agent.state.pausedAt;
    assert.ok(pausedAt !== undefined && pausedAt >= before && pausedAt <= Date.now());
    agent.pause();
    assert.equal(agent.state.pausedAt, pausedAt);
    agent.resume();
    assert.equal('pausedAt' in agent.state, false);
  });

  it("says first that the admin's shutdown is coming and when, so the person at the PC saves their work", () => {
    const at = new Date(2030, 0, 7, 14, 5).getTime();
    const state = agentState({ status: 'waiting', waiting: "Shutting down at 14:05 (asked by the lab's admin)", powerNotice: { action: 'shutdown', at } });
    const words = trayWords(state);
    assert.equal(words.line, "This PC will shut down at 14:05, as the lab's admin asked: save your work.");
    assert.equal(words.icon, 'waiting');
    assert.ok(words.tooltip.length <= TOOLTIP_MAX);
    assert.match(words.tooltip, /^CMD Executor worker: This PC will shut down at 14:05/);
  });

  it("keeps the tooltip within Windows' 127 characters", () => {
    const long = trayWords(agentState({ waiting: `outside its hours until ${'Sat 18:00 '.repeat(20)}`, policy: 'x' }));
    assert.equal(long.tooltip.length, TOOLTIP_MAX);
    assert.ok(long.tooltip.endsWith('…'));
    assert.ok(long.line.length > TOOLTIP_MAX, 'the menu keeps the whole line');
  });

  it('uses template images on macOS', () => {
    const t = fakeTray();
    t.deps.platform = 'darwin';
    new TrayController(t.deps, noActions, agentState({}));
    assert.equal(t.calls[0], 'create /icons/tray-idleTemplate.png');
  });
});
