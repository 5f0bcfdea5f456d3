/**
 * Joining from the dashboard in real Chromium against a real coordinator: PCs asking to join shown
 * with their pairing codes, approved and refused; the certificate fingerprint; the "Add a worker"
 * join lines and commands (never npx), Copy that does not claim a copy it did not make, a new join
 * token with limits; revoking a worker. Writes approval.png (docs/screenshots with npm run screenshots).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { displayFingerprint } from '../../shared/fingerprint.ts';
import { parseJoinLine } from '../../shared/join-line.ts';
import { launchChromium, logIn, SCREENSHOTS_DIR, waitForText } from '../helpers/browser.ts';
import { startTestCoordinator, type TestCoordinator } from '../helpers/coordinator.ts';

const SHOTS = SCREENSHOTS_DIR;

describe('joining from the dashboard in Chromium', () => {
  let c: TestCoordinator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** Asks to join as a PC without a token would; answers the request's id and pairing code. */
  async function askToJoin(workerId: string): Promise<{ requestId: string; pairingCode: string }> {
    const res = await c.api('POST', '/api/workers/join-requests', {
      token: null,
      body: { workerId, hostname: workerId, os: 'linux', key: randomBytes(32).toString('hex') },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body;
  }

  const workerIds = async (): Promise<string[]> => (await c.api('GET', '/api/workers/register')).body.workers.map((w: { workerId: string }) => w.workerId);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    c = await startTestCoordinator();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    page = await context.newPage();
    await logIn(page, c.url, c.tokens.adminToken);
  });

  after(async () => {
    await browser?.close();
    await c?.close();
  });

  it('lists the PCs asking to join with their pairing codes; approving one registers it, refusing the other does not', async () => {
    const first = await askToJoin('lab-pc-21');
    const second = await askToJoin('lab-pc-22');
    const panel = page.getByTestId('join-requests');
    await waitForText(panel.locator('h2'), /^2 PCs ask to join$/);
    await waitForText(panel, /compare|same as here/i);
    for (const [request, hostname] of [
      [first, 'lab-pc-21'],
      [second, 'lab-pc-22'],
    ] as const) {
      const row = panel.locator(`[data-request="${request.requestId}"]`);
      assert.match((await row.textContent())!, new RegExp(hostname));
      assert.equal(await row.getByTestId('pairing-code').textContent(), request.pairingCode);
    }
    assert.equal(await panel.getByTestId('pairing-code').count(), 2);
    await page.screenshot({ path: join(SHOTS, 'approval.png') });

    await panel.getByRole('button', { name: 'Approve lab-pc-21', exact: true }).click();
    await waitForText(panel.locator('h2'), /^1 PC asks to join$/);
    await panel.getByRole('button', { name: 'Refuse lab-pc-22', exact: true }).click();
    await panel.waitFor({ state: 'detached', timeout: 15_000 });

    const ids = await workerIds();
    assert.ok(ids.includes('lab-pc-21'), 'the approved PC is a worker');
    assert.ok(!ids.includes('lab-pc-22'), 'the refused PC is not');
    await waitForText(page.locator('[data-worker="lab-pc-21"]'), /lab-pc-21/);
  });

  it('shows the certificate fingerprint the coordinator serves, as browsers show it', async () => {
    assert.ok(c.fingerprint, 'the test coordinator serves TLS');
    assert.equal(await page.getByTestId('fingerprint').textContent(), displayFingerprint(c.fingerprint));
    assert.match((await page.getByTestId('about').textContent())!, /Certificate SHA-256/);
  });

  it('"Add a worker" offers the join lines of /api/coordinator/info and the commands built from them, and never npx', async () => {
    const info = (await c.api('GET', '/api/coordinator/info')).body;
    const [lines] = info.joinLines;
    await page.getByRole('button', { name: 'Add a worker' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog, /Add a worker/);
    // The recommended line and Done fit a 1366×768 screen; the other ways wait behind their summary.
    await page.setViewportSize({ width: 1366, height: 768 });
    const done = (await dialog.getByRole('button', { name: 'Done' }).boundingBox())!;
    assert.ok(done.y + done.height <= 768, `Done is on screen at 1366×768 (its bottom at ${done.y + done.height} px)`);
    assert.equal(await dialog.getByTestId('headless-command').isVisible(), false);
    await dialog.getByTestId('join-more').locator('summary').click();
    assert.equal(await dialog.getByTestId('join-line-with-token').inputValue(), lines.withToken);
    assert.equal(await dialog.getByTestId('join-line-without-token').inputValue(), lines.withoutToken);
    assert.deepEqual(parseJoinLine(lines.withToken), {
      server: `https://127.0.0.1:${c.port}`,
      servers: [`https://127.0.0.1:${c.port}`],
      fingerprint: c.fingerprint,
      joinToken: c.tokens.joinToken,
    });
    assert.equal(await dialog.getByTestId('desktop-command').inputValue(), `cmd-executor --mode worker --join '${lines.withToken}' --hidden --open-at-login`);
    assert.equal(await dialog.getByTestId('headless-command').inputValue(), `cmdx worker --join '${lines.withToken}'`);
    await dialog.getByRole('radio', { name: 'without a token' }).check();
    assert.equal(await dialog.getByTestId('headless-command').inputValue(), `cmdx worker --join '${lines.withoutToken}'`);

    // Everything on the page, field values included (a textarea's value is not in its HTML).
    // Strings run in the page (its DOM types are not in this Node program).
    const everything = await page.evaluate<string>(
      "document.documentElement.outerHTML + [...document.querySelectorAll('textarea, input')].map((e) => e.value).join('\\n')",
    );
    assert.doesNotMatch(everything, /npx/);
  });

  it('Copy says "Copied" only when the clipboard took the text; without a clipboard it selects the text and asks for Ctrl+C', async () => {
    const dialog = page.getByRole('dialog');
    const line = await dialog.getByTestId('join-line-with-token').inputValue();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: c.url });
    await dialog.getByRole('button', { name: 'Copy join line with the token' }).click();
    await waitForText(dialog.getByRole('button', { name: 'Copy join line with the token' }), /Copied/);
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), line);

    // As on a page served over plain HTTP to another PC: no navigator.clipboard at all.
    await page.evaluate("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true })");
    await dialog.getByRole('button', { name: 'Copy headless command' }).click();
    await waitForText(dialog.getByRole('status'), /Press Ctrl\+C to copy/);
    assert.equal(await dialog.getByRole('button', { name: 'Copy headless command' }).textContent(), 'Copy');
    const selected = await page.evaluate<string>(
      'document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)',
    );
    assert.equal(selected, await dialog.getByTestId('headless-command').inputValue());
  });

  it('makes a new join token for N PCs until a time today: the dialog shows it and its limits, the old token stops working', async () => {
    const dialog = page.getByRole('dialog');
    const oldToken = c.tokens.joinToken;
    await dialog.locator('summary', { hasText: 'The join token' }).click();
    await dialog.getByRole('button', { name: 'New join token…' }).click();
    await dialog.getByRole('spinbutton').fill('2');
    // A time still to come today (near midnight, no expiry rather than a flaky one).
    const late = new Date();
    const withTime = late.getHours() * 60 + late.getMinutes() < 23 * 60 + 58;
    if (withTime) await dialog.locator('input[type="time"]').fill('23:59');
    await dialog.getByRole('button', { name: 'Make a new join token' }).click();
    await waitForText(dialog.getByTestId('join-token-policy'), /0 of 2 PCs joined/);

    const info = (await c.api('GET', '/api/coordinator/info')).body;
    assert.notEqual(info.joinToken, oldToken);
    late.setHours(23, 59, 0, 0);
    assert.deepEqual(info.joinTokenPolicy, { maxUses: 2, uses: 0, expiresAt: withTime ? late.getTime() : null });
    assert.equal(await dialog.getByTestId('join-line-with-token').inputValue(), info.joinLines[0].withToken);
    const register = (token: string, workerId: string) => c.api('POST', '/api/workers/register', { token, body: { workerId, hostname: workerId } });
    assert.equal((await register(oldToken, 'with-old-token')).status, 401);
    assert.equal((await register(info.joinToken, 'with-new-token')).status, 200);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('revokes a worker from its Manage dialog after a confirm: its token then gets 401 on heartbeat', async () => {
    // With the admin token: the join token is the limited one made above.
    const res = await c.api('POST', '/api/workers/register', { body: { workerId: 'lab-pc-30', hostname: 'host-lab-pc-30' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const token = res.body.workerToken as string;
    const beat = () => c.api('POST', '/api/workers/heartbeat', { token, body: { workerId: 'lab-pc-30' } });
    assert.equal((await beat()).status, 200);
    const row = page.locator('[data-worker="lab-pc-30"]');
    await waitForText(row, /host-lab-pc-30/);
    await row.getByRole('button', { name: 'Manage host-lab-pc-30', exact: true }).click();
    const dialog = page.getByTestId('worker-dialog');
    await dialog.getByRole('button', { name: 'Revoke its token…' }).click();
    assert.equal((await beat()).status, 200, 'nothing is revoked before the confirm');
    await dialog.getByRole('button', { name: 'Revoke host-lab-pc-30', exact: true }).click();
    await waitForText(dialog.getByTestId('worker-outcome'), /revoked/);
    assert.equal((await beat()).status, 401);
  });
});
