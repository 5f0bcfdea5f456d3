/** Debian's Chromium driven by playwright-core, and a text wait (Playwright's expect lives in @playwright/test, which we do not use). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('Chromium is not installed: apt-get install chromium (.ci/run does this).');
}

/** A headless Chromium that talks to nothing but the pages the test opens. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits until the locator's text matches; resolves with that text. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => '')) ?? '';
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`text ${pattern} not seen within ${timeoutMs} ms; last: ${JSON.stringify(last.slice(0, 300))}`);
}

/** On the sign-in page: its admin token form (a name and password is the first one shown). */
export async function useAdminToken(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Use the admin token' }).click();
  await page.getByLabel('Admin token').waitFor();
}

/** Opens the dashboard at `url` and signs in with the admin token; resolves once the live feed is connected. */
export async function logIn(page: Page, url: string, adminToken: string): Promise<void> {
  await page.goto(url);
  await useAdminToken(page);
  await page.getByLabel('Admin token').fill(adminToken);
  await page.getByRole('button', { name: 'Open dashboard' }).click();
  await waitForText(page.getByTestId('connection'), /Live/);
}

/** Opens the dashboard at `url` and signs in with a name and password; resolves once the header shows who is signed in. */
export async function signInAs(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(page.getByTestId('header-user'), /\w/);
}

/**
 * Where the Chromium tests write their screenshots: a temporary folder, unless `npm run screenshots`
 * (CMDX_SCREENSHOTS=1) asks them to refresh the ones the docs show in docs/screenshots/.
 */
export const SCREENSHOTS_DIR: string =
  process.env.CMDX_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'cmdx-screenshots-')) + '/';
