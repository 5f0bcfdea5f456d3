/**
 * The log viewer alone in Chromium, fed by a generated log that pages like the coordinator's: a
 * 1,000,000-line log opens on its tail from one page, older pages load when the user scrolls to the
 * top (the line read stays in view), live output is followed only at the end, and reading far back
 * lets the newest end go until "Jump to end" reloads the tail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitForText } from '../helpers/browser.ts';
import { startLogHarness, type LogHarness } from '../helpers/log-harness.ts';
import { screenLines, waitForScreen } from '../helpers/log-screen.ts';

interface Harness {
  requests: string[];
  mountedAt: number;
  push(lines: string[], quietly?: boolean): void;
  reset(): void;
}

const line = (n: number) => `line ${String(n).padStart(7, '0')}`;

describe('log viewer with a generated log in Chromium', () => {
  let harness: LogHarness;
  let browser: Browser;

  before(async () => {
    harness = await startLogHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function open(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${harness.url}?${query}`);
    return page;
  }

  const requests = (page: Page) => page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.requests.slice());
  const push = (page: Page, lines: string[], quietly = false) =>
    page.evaluate(([l, q]) => (globalThis as unknown as { harness: Harness }).harness.push(l, q), [lines, quietly] as const);
  const reset = (page: Page) => page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.reset());

  /** Drags the terminal's scrollbar to the top, as a user reading back through a long log does. */
  async function dragToTop(page: Page): Promise<void> {
    const slider = (await page.locator('[data-testid="log-view"] .scrollbar.vertical .slider').boundingBox())!;
    await page.mouse.move(slider.x + slider.width / 2, slider.y + slider.height / 2);
    await page.mouse.down();
    await page.mouse.move(slider.x + slider.width / 2, 0, { steps: 5 });
    await page.mouse.up();
  }

  /** Wheel over the terminal until `done` holds. */
  async function wheelUntil(page: Page, deltaY: number, done: () => Promise<boolean>, tries = 40): Promise<void> {
    const box = (await page.getByTestId('log-terminal').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < tries; i++) {
      if (await done()) return;
      await page.mouse.wheel(0, deltaY);
      await page.waitForTimeout(50);
    }
    assert.ok(await done(), 'scrolling did not get there');
  }

  /** Milliseconds from the view's mount to the log's last line on screen. */
  function tailShown(page: Page): Promise<number> {
    return page.evaluate(
      (last) =>
        new Promise<number>((resolve) => {
          const window = globalThis as any; // runs in the page (the tests' types have no DOM)
          const check = () => {
            const rows: string = window.document.querySelector('.xterm-rows')?.textContent ?? '';
            if (rows.includes(last)) resolve(performance.now() - (window.harness as Harness).mountedAt);
            else window.requestAnimationFrame(check);
          };
          check();
        }),
      line(999_999),
    );
  }

  it('opens a 1,000,000-line log on its tail, read as one page', async (t) => {
    const cold = await open('lines=1000000&perChunk=100');
    const first = await tailShown(cold);
    await cold.close();
    const page = await open('lines=1000000&perChunk=100');
    const again = await tailShown(page);
    t.diagnostic(
      `the tail of a 1,000,000-line log was on screen ${first.toFixed(0)} ms after the view mounted (first page of the browser), ${again.toFixed(0)} ms the second time`,
    );
    const lines = await screenLines(page);
    assert.equal(lines.filter((l) => l).at(-1), line(999_999), 'the last line is at the bottom of the screen');
    assert.deepEqual(await requests(page), ['tail', 'follow 9999'], 'one page read, then following after its last chunk');
    assert.equal(await page.getByTestId('log-jump-end').count(), 0, 'at the end: no "Jump to end"');
    await page.close();
  });

  it('loads the page before when scrolled to the top, keeping the line the user was reading in view', async () => {
    const page = await open('lines=1000000&perChunk=100');
    await waitForScreen(page, (l) => l.includes(line(999_999)));
    await dragToTop(page);
    await waitForScreen(page, async () => (await requests(page)).some((r) => r.startsWith('before')));
    const top = (await requests(page)).find((r) => r.startsWith('before'))!;
    const firstSeq = Number(top.split(' ')[1]);
    // The first line of the window before the load stays the top line on screen after it.
    const anchor = line(firstSeq * 100);
    const lines = await waitForScreen(page, (l) => l[0] === anchor);
    assert.equal(lines[0], anchor);
    // The page before is above it now: scroll up a little and the line just before shows.
    await wheelUntil(page, -100, async () => (await screenLines(page)).includes(line(firstSeq * 100 - 1)));
    await page.close();
  });

  it('follows live output at the end, stops when scrolled up, and "Jump to end" follows again', async () => {
    const page = await open('lines=3000&perChunk=10');
    await waitForScreen(page, (l) => l.includes(line(2999)));
    await push(page, ['live one']);
    await waitForScreen(page, (l) => l.at(-2) === 'live one' || l.filter((x) => x).at(-1) === 'live one');
    await wheelUntil(page, -300, async () => (await page.getByTestId('log-jump-end').count()) === 1);
    await push(page, ['live two']);
    await page.waitForTimeout(300);
    assert.ok(!(await screenLines(page)).includes('live two'), 'scrolled up: the view stays where the user is');
    await page.getByTestId('log-jump-end').click();
    await waitForScreen(page, (l) => l.includes('live two'));
    assert.equal(await page.getByTestId('log-jump-end').count(), 0);
    await push(page, ['live three']);
    await waitForScreen(page, (l) => l.includes('live three'));
    await page.close();
  });

  it('reading far back lets the newest output go, says so, and "Jump to end" reloads the tail and follows', async () => {
    const page = await open('lines=1000000&perChunk=100');
    await waitForScreen(page, (l) => l.includes(line(999_999)));
    await dragToTop(page);
    const jump = page.getByTestId('log-jump-end');
    await waitForScreen(page, async () => /Newer output not shown/.test((await jump.textContent().catch(() => '')) ?? ''));
    await jump.click();
    await waitForScreen(page, (l) => l.includes(line(999_999)));
    const asked = await requests(page);
    assert.equal(asked.filter((r) => r === 'tail').length, 2, 'the tail was read again');
    assert.equal(asked.at(-1), 'follow 9999', 'and followed again after its last chunk');
    await push(page, ['after the jump']);
    await waitForScreen(page, (l) => l.includes('after the jump'));
    await page.close();
  });

  it('when the feed gives up: at the end reloads the tail and follows again; reading back says newer output is not shown', async () => {
    const page = await open('lines=3000&perChunk=10');
    await waitForScreen(page, (l) => l.includes(line(2999)));
    await push(page, ['missed by the feed'], true);
    await reset(page);
    await waitForScreen(page, (l) => l.includes('missed by the feed'));
    assert.deepEqual((await requests(page)).slice(-2), ['tail', 'follow 300'], 'the tail read again, then followed after its last chunk');
    await push(page, ['followed again']);
    await waitForScreen(page, (l) => l.includes('followed again'));

    await wheelUntil(page, -300, async () => (await page.getByTestId('log-jump-end').count()) === 1);
    await push(page, ['missed while reading'], true);
    await reset(page);
    await waitForText(page.getByTestId('log-jump-end'), /Newer output not shown/);
    assert.ok(!(await screenLines(page)).includes('missed while reading'), 'the view stays where the user reads');
    await page.getByTestId('log-jump-end').click();
    await waitForScreen(page, (l) => l.includes('missed while reading'));
    await page.close();
  });

  it('shows [HH:MM:SS.mmm] at the start of each line when Timestamps is on, from each chunk time', async () => {
    const page = await open('lines=40&perChunk=10');
    await waitForScreen(page, (l) => l.includes(line(39)));
    await page.getByTestId('log-timestamps').click();
    // Chunk 3 (lines 30-39) was read at 12:00:03.021 UTC; the page shows local time.
    const expected = await page.evaluate(() => new Date(Date.UTC(2026, 0, 1, 12, 0, 3)).toTimeString().slice(0, 8));
    const lines = await waitForScreen(page, (l) => l.includes(`[${expected}.021] ${line(39)}`));
    assert.ok(
      lines.filter((l) => l).every((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] line \d{7}$/.test(l)),
      `every line is stamped: ${lines.slice(0, 3).join(' | ')}`,
    );
    await page.getByTestId('log-timestamps').click();
    await waitForScreen(page, (l) => l.includes(line(39)) && !l.some((x) => x.startsWith('[')));
    await page.close();
  });

  it('finds text in the output with a match count, and steps through the matches', async () => {
    const page = await open('lines=200&perChunk=10');
    await waitForScreen(page, (l) => l.includes(line(199)));
    await page.getByTestId('log-search').fill('line 00001');
    const matches = page.getByTestId('log-matches');
    await waitForScreen(page, async () => /^\d+ of 100$/.test((await matches.textContent()) ?? ''));
    const first = await matches.textContent();
    await page.getByTestId('log-search').press('Enter');
    await waitForScreen(page, async () => (await matches.textContent()) !== first);
    assert.match((await matches.textContent())!, /^\d+ of 100$/);
    await page.getByTestId('log-search').fill('no such text');
    await waitForScreen(page, async () => (await matches.textContent()) === 'No matches');
    await page.close();
  });
});
