/**
 * After a route change (and after the login), the focus goes to the new page's h1, so a keyboard or
 * screen reader user starts at the page, not at the top of the document or nowhere (the link or row
 * they pressed is gone with the old page). Not on a plain load of the dashboard: Tab from the top then
 * reaches the skip links first.
 */
import { useEffect, useRef } from 'react';
import { focusElement, whenShown } from './focus.ts';

/** `page`: which page is shown (routes.tsx; the home page's two tabs are one page); `focusFirst`: the first page too (just logged in). */
export function usePageFocus(page: string, focusFirst: boolean): void {
  // The page whose h1 had its turn: set once it was focused or never came, so an effect run twice (StrictMode) still gets there.
  const done = useRef<string | null>(focusFirst ? null : page);
  useEffect(() => {
    if (done.current === page) return;
    const from = document.activeElement;
    return whenShown('main h1', (h1) => {
      done.current = page;
      const now = document.activeElement;
      // Someone moved the focus while the page loaded: it stays where they put it.
      if (h1 && (now === null || now === document.body || now === from)) focusElement(h1);
    });
  }, [page]);
}
