/** Moving the keyboard's focus to a place on the page: a heading, a landmark, a form. */

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';

/** Focuses `el`, first making it focusable from script only (tabindex -1) when it is not focusable already. */
export function focusElement(el: HTMLElement): void {
  if (!el.matches(FOCUSABLE)) el.tabIndex = -1;
  el.focus();
}

/** The first element the selectors find, tried in order (`main h1`, else `main`). */
export function firstOf(selectors: readonly string[]): HTMLElement | null {
  for (const selector of selectors) {
    const el = document.querySelector<HTMLElement>(selector);
    if (el) return el;
  }
  return null;
}

/**
 * Calls `found` with the element `selector` finds, now or once the page shows it (a page that loads
 * its data shows its h1 after "Loading…"); gives up after `timeoutMs`. Answers a function that stops waiting.
 */
export function whenShown(selector: string, found: (el: HTMLElement | null) => void, timeoutMs = 10_000): () => void {
  const now = document.querySelector<HTMLElement>(selector);
  if (now) {
    found(now);
    return () => {};
  }
  const observer = new MutationObserver(() => {
    const el = document.querySelector<HTMLElement>(selector);
    if (!el) return;
    stop();
    found(el);
  });
  const timer = setTimeout(() => {
    stop();
    found(null);
  }, timeoutMs);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(document.body, { childList: true, subtree: true });
  return stop;
}
