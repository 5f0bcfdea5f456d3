/** Reading the log viewer's terminal in Chromium: the rows xterm's DOM renderer shows on screen. */
import type { Page } from 'playwright-core';

/** The text of each row on screen (xterm writes spaces as no-break spaces), trailing blanks trimmed. */
export async function screenLines(page: Page): Promise<string[]> {
  const rows = await page.locator('[data-testid="log-view"] .xterm-rows > div').allTextContents();
  return rows.map((r) => r.replace(/\u00a0/g, ' ').trimEnd());
}

/** Waits until `test` holds for the rows on screen; resolves with them. */
export async function waitForScreen(page: Page, test: (lines: string[]) => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = await screenLines(page);
    if (await test(lines)) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the log on screen did not get there within ${timeoutMs} ms; it shows:\n${lines
      .filter((l) => l)
      .join('\n')
      .slice(-1500)}`,
  );
}

/** The computed colour of the text run on screen whose text is exactly `text` (null if none is). */
export function textColor(page: Page, text: string): Promise<string | null> {
  return page.evaluate((wanted) => {
    const page = globalThis as any; // runs in the page (the tests' types have no DOM)
    const rows = page.document.querySelector('[data-testid="log-view"] .xterm-rows');
    for (const span of rows?.querySelectorAll('span') ?? []) {
      if ((span.textContent ?? '').replace(/\u00a0/g, ' ').trim() === wanted) return page.getComputedStyle(span).color as string;
    }
    return null;
  }, text);
}
