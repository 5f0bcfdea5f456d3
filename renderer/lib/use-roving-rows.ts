/**
 * A long list (a table's body) as one tab stop, a roving tabindex: one row is in the tab order (the
 * last one focused, at first the first), ArrowUp and ArrowDown move between rows, Home and End to the
 * first and last, Enter opens the row. The buttons and links inside a row are in the tab order only
 * while it is that row: Tab from the row goes on into them, then past the list.
 */
import { useCallback, useEffect, useRef } from 'react';

const CONTROLS = 'a[href], button, input, select, textarea, [tabindex]';
const MOVES: Record<string, (rows: HTMLElement[], at: number) => HTMLElement | undefined> = {
  ArrowDown: (rows, at) => rows[at + 1],
  ArrowUp: (rows, at) => rows[at - 1],
  Home: (rows) => rows[0],
  End: (rows) => rows[rows.length - 1],
};

/** The ref for the list's body (`<tbody ref={…}>`); `onOpen`: Enter on a row (its page, its dialog). */
export function useRovingRows(onOpen: (row: HTMLElement) => void): (body: HTMLElement | null) => (() => void) | undefined {
  const open = useRef(onOpen);
  useEffect(() => {
    open.current = onOpen;
  });
  return useCallback((body: HTMLElement | null) => (body ? rove(body, (row) => open.current(row)) : undefined), []);
}

/** Keeps `body`'s rows one tab stop as they come and go; answers the function that stops. */
function rove(body: HTMLElement, open: (row: HTMLElement) => void): () => void {
  let current: HTMLElement | null = null;
  /** A control's own tabindex (null: none) while the roving keeps it out of the tab order. */
  const own = new WeakMap<HTMLElement, string | null>();
  // A virtual list's spacer rows (lib/use-virtual-rows.ts) are not rows to visit.
  const rows = () => [...body.children].filter((r): r is HTMLElement => r instanceof HTMLElement && !r.hasAttribute('data-spacer'));
  const rowOf = (el: EventTarget | null) => rows().find((r) => el instanceof Node && r.contains(el));

  const apply = () => {
    const all = rows();
    if (!current || current.parentElement !== body) current = all[0] ?? null;
    for (const row of all) {
      row.tabIndex = row === current ? 0 : -1;
      for (const control of row.querySelectorAll<HTMLElement>(CONTROLS)) {
        if (row === current && own.has(control)) {
          const value = own.get(control);
          own.delete(control);
          if (value === null || value === undefined) control.removeAttribute('tabindex');
          else control.setAttribute('tabindex', value);
        } else if (row !== current && !own.has(control)) {
          own.set(control, control.getAttribute('tabindex'));
          control.tabIndex = -1;
        }
      }
    }
  };
  const moveTo = (row: HTMLElement) => {
    current = row;
    apply();
    row.focus();
  };

  const onKey = (e: KeyboardEvent) => {
    const row = e.target instanceof HTMLElement && e.target.parentElement === body ? e.target : null;
    if (!row || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      open(row);
      return;
    }
    const move = MOVES[e.key];
    if (!move) return;
    e.preventDefault();
    if (scrolledToEdge(body, e.key, () => moveTo(e.key === 'Home' ? rows()[0]! : rows().at(-1)!))) return;
    const all = rows();
    const next = move(all, all.indexOf(row));
    if (next) moveTo(next);
  };
  // Focus that lands in another row (a click on its button, a field that focuses itself) makes it the list's tab stop.
  const onFocus = (e: FocusEvent) => {
    const row = rowOf(e.target);
    if (row && row !== current) {
      current = row;
      apply();
    }
  };
  // Rows come and go with the live feed, and a row's controls with its state: applied again once per batch of changes.
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      apply();
    });
  });

  apply();
  body.addEventListener('keydown', onKey);
  body.addEventListener('focusin', onFocus);
  observer.observe(body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    body.removeEventListener('keydown', onKey);
    body.removeEventListener('focusin', onFocus);
  };
}

/** Home or End in a virtual list whose first or last rows are not drawn (a spacer row stands for them): scrolls there, then `move` once they are. */
function scrolledToEdge(body: HTMLElement, key: string, move: () => void): boolean {
  const edge = key === 'Home' ? body.firstElementChild : key === 'End' ? body.lastElementChild : null;
  const scroller = body.closest<HTMLElement>('.list-scroll');
  if (!edge?.hasAttribute('data-spacer') || !scroller) return false;
  scroller.scrollTop = key === 'Home' ? 0 : scroller.scrollHeight;
  requestAnimationFrame(() => requestAnimationFrame(move));
  return true;
}
