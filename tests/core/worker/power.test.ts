/**
 * The worker's side of power actions and wake relays, in one process: the in-use check, the notice and
 * its time, the command (the site's, through the shell, with the action in its environment), the OS's
 * commands per platform (planned, never run), a failure reported, an order delivered twice done once;
 * a relay sends only on a network this PC is on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PowerOrder } from '../../../shared/power-schema.ts';
import { jsonLogger, type Logger } from '../../../electron/core/logger.ts';
import { PowerControl, type PowerNotice, type PowerReport } from '../../../electron/core/worker/power.ts';
import { osPowerCommands, runSitePowerCommand } from '../../../electron/core/worker/power-command.ts';
import { relayWake } from '../../../electron/core/worker/wake-relay.ts';
import { PolicyWatch } from '../../../electron/core/worker/policy-watch.ts';
import { DEFAULT_POLICY } from '../../../shared/policy.ts';
import type { LocalNetwork } from '../../../electron/core/wake-on-lan.ts';
import { waitFor } from '../../helpers/processes.ts';

function recordingLogger(): { logger: Logger; lines: any[] } {
  const lines: any[] = [];
  return { lines, logger: jsonLogger((line) => void lines.push(JSON.parse(line))) };
}

function control(options: { inUse?: boolean; run?: (order: PowerOrder) => Promise<void>; graceMs?: number } = {}) {
  const { logger, lines } = recordingLogger();
  const notices: (PowerNotice | null)[] = [];
  const ran: { order: PowerOrder; at: number }[] = [];
  let reports = 0;
  const power = new PowerControl({
    logger,
    inUse: () => options.inUse ?? false,
    onReport: () => void reports++,
    onNotice: (notice) => void notices.push(notice),
    beforeCommand: () => Promise.resolve(),
    graceMs: options.graceMs,
    run:
      options.run ??
      ((order) => {
        ran.push({ order, at: Date.now() });
        return Promise.resolve();
      }),
  });
  return { power, notices, ran, lines, reports: () => reports };
}

const order = (patch: Partial<PowerOrder> = {}): PowerOrder => ({ action: 'shutdown', delaySeconds: 0, force: false, requestedAt: 1000, ...patch });

describe('the power action on the worker', () => {
  it('skips it while someone uses the PC, says so, and runs nothing', async () => {
    const t = control({ inUse: true });
    t.power.handle(order());
    assert.equal(t.power.report?.state, 'in_use');
    assert.equal(t.power.report?.requestedAt, 1000);
    assert.equal(t.power.active, false);
    assert.deepEqual(t.notices, []);
    assert.equal(t.reports(), 1);
    assert.ok(t.lines.some((l) => l.level === 'warn' && /someone is using it: skipped/.test(l.msg)));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(t.ran, []);
  });

  it('with force, tells the person at the PC (the notice, a log line), takes no job meanwhile, then runs the command when the time is up', async () => {
    const t = control({ inUse: true });
    const handled = Date.now();
    t.power.handle(order({ action: 'reboot', delaySeconds: 1, force: true }));
    assert.equal(t.power.active, true);
    assert.equal(t.notices.length, 1);
    assert.equal(t.notices[0]!.action, 'reboot');
    assert.ok(Math.abs(t.notices[0]!.at - (handled + 1000)) < 200);
    assert.match(t.power.reason!, /^Restarting at \d\d:\d\d \(asked by the lab's admin\)$/);
    const report = t.power.report as PowerReport;
    assert.deepEqual({ state: report.state, at: report.at }, { state: 'powering_off', at: t.notices[0]!.at });
    assert.ok(t.lines.some((l) => /will restart in 1 s \(at \d\d:\d\d\), as the lab's admin asked: save your work/.test(l.msg)));
    const ran = await waitFor('the command', () => t.ran[0], 5000);
    assert.ok(ran.at - handled >= 950, `ran ${ran.at - handled} ms after the order`);
    assert.equal(ran.order.action, 'reboot');
  });

  it('does an order delivered twice once', async () => {
    const t = control();
    t.power.handle(order({ requestedAt: 7 }));
    t.power.handle(order({ requestedAt: 7 }));
    await waitFor('the command', () => t.ran[0], 5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.ran.length, 1);
  });

  it('after a log-off the PC stays up and takes jobs again; a PC still up long after its shutdown command reports it failed', async () => {
    const logoff = control();
    logoff.power.handle(order({ action: 'logoff' }));
    await waitFor('the log-off done', () => (logoff.ran.length > 0 && !logoff.power.active ? true : undefined), 5000);
    assert.equal(logoff.power.report?.state, 'powering_off');
    assert.deepEqual(logoff.notices.at(-1), null);
    const stuck = control({ graceMs: 200 });
    stuck.power.handle(order());
    await waitFor('the shutdown command', () => stuck.ran[0], 5000);
    assert.equal(stuck.power.active, true, 'going down: no job');
    await waitFor('the failure', () => (stuck.power.report?.state === 'failed' ? true : undefined), 5000);
    assert.match(stuck.power.report!.message!, /still running .* after the command/);
    assert.equal(stuck.power.active, false);
    stuck.power.stop();
  });

  it('reports a command that failed, and takes jobs again', async () => {
    const t = control({ run: () => Promise.reject(new Error('systemctl said no')) });
    t.power.handle(order());
    await waitFor('the failure', () => t.power.report?.state === 'failed' || undefined, 5000);
    assert.equal(t.power.report?.message, 'systemctl said no');
    assert.equal(t.power.active, false);
    assert.deepEqual(t.notices.at(-1), null);
  });
});

describe('the power command', () => {
  it("runs the site's command through the shell with the action and delay in its environment, not in its text", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmdx-power-'));
    const file = join(dir, 'action');
    try {
      await runSitePowerCommand(`printf '%s %s' "$CMDX_POWER_ACTION" "$CMDX_POWER_DELAY" > '${file}'`, 'logoff', 30);
      assert.equal(readFileSync(file, 'utf8'), 'logoff 30');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects with what the command said when it fails', async () => {
    await assert.rejects(runSitePowerCommand('echo no permission >&2; exit 3', 'shutdown', 0), /the power command failed \(exit 3\): no permission/);
  });

  it("plans the OS's own commands (never run in tests)", () => {
    const win = osPowerCommands('shutdown', false, 'win32');
    assert.match(win[0]!.file, /System32[\\/]shutdown\.exe$/);
    assert.deepEqual(win[0]!.args, ['/s', '/t', '0']);
    assert.deepEqual(osPowerCommands('reboot', true, 'win32')[0]!.args, ['/r', '/t', '0', '/f']);
    assert.deepEqual(osPowerCommands('logoff', false, 'win32')[0]!.args, ['/l']);
    assert.deepEqual(osPowerCommands('shutdown', false, 'linux'), [{ file: 'systemctl', args: ['poweroff'] }]);
    assert.deepEqual(osPowerCommands('reboot', false, 'linux'), [{ file: 'systemctl', args: ['reboot'] }]);
    assert.deepEqual(
      osPowerCommands('logoff', false, 'linux', () => ['ana', 'bo']),
      [
        { file: 'loginctl', args: ['terminate-user', 'ana'] },
        { file: 'loginctl', args: ['terminate-user', 'bo'] },
      ],
    );
    assert.throws(() => osPowerCommands('logoff', false, 'linux', () => []), /nobody is logged in/);
    assert.deepEqual(osPowerCommands('reboot', false, 'darwin'), [{ file: '/usr/bin/osascript', args: ['-e', 'tell application "System Events" to restart'] }]);
  });
});

describe('in use, as the policies see it', () => {
  it("is keyboard or mouse used within the policy's idle minutes, whatever the policy; unknown counts as not in use", () => {
    let idle: number | null = 30;
    const changes: boolean[] = [];
    const watch = new PolicyWatch({
      idle: { name: 'test', idleSeconds: () => idle },
      onChange: () => {},
      onCancel: () => {},
      onNoIdleSource: () => {},
      onInUseChange: (inUse) => changes.push(inUse),
    });
    watch.check();
    assert.equal(watch.inUse, true, 'the default policy (always) still knows the PC is in use');
    idle = DEFAULT_POLICY.idleMinutes * 60 + 1;
    assert.equal(watch.inUseNow(), false, 'read now');
    assert.equal(watch.inUse, true, 'as of the last check');
    watch.check();
    assert.equal(watch.inUse, false);
    idle = null;
    watch.check();
    assert.equal(watch.inUse, false);
    assert.deepEqual(changes, [true, false]);
  });
});

describe('relaying a magic packet', () => {
  it('sends each packet from its interface on that network, skips a network it is not on, and says so', async () => {
    const { logger, lines } = recordingLogger();
    const networks: LocalNetwork[] = [{ name: 'eth1', mac: '52:54:00:00:00:01', address: '10.88.2.40', netmask: '255.255.255.0', broadcast: '10.88.2.255' }];
    const sent: string[] = [];
    const count = await relayWake(
      [
        { mac: '52:54:00:bb:00:30', broadcast: '10.88.2.255' },
        { mac: '52:54:00:cc:00:50', broadcast: '10.99.3.255' },
      ],
      { logger, networks: () => networks, send: (mac, broadcast, bind) => Promise.resolve(void sent.push(`${mac} ${broadcast} ${bind}`)) },
    );
    assert.equal(count, 1);
    assert.deepEqual(sent, ['52:54:00:bb:00:30 10.88.2.255 10.88.2.40']);
    assert.ok(lines.some((l) => /not on: skipped/.test(l.msg) && l.broadcast === '10.99.3.255'));
  });
});
