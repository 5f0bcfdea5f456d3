/**
 * Tabs that are links (each tab its own address, so the back button and a shared link work), as an
 * ARIA tablist: one tab stop, the selected tab; ArrowLeft and ArrowRight (round), Home and End go to
 * another tab and select it at once (its address; the panel follows the route), the focus staying on
 * the tab. The panel is labelled by its tab.
 */
import type { KeyboardEvent, ReactNode } from 'react';
import { navigate } from '../lib/navigate.ts';

export interface Tab {
  id: string;
  /** Its address, `#/runs`. */
  href: string;
  label: ReactNode;
}

const MOVES: Record<string, (at: number, count: number) => number> = {
  ArrowRight: (at, count) => (at + 1) % count,
  ArrowLeft: (at, count) => (at - 1 + count) % count,
  Home: () => 0,
  End: (_, count) => count - 1,
};

export const tabId = (id: string) => `tab-${id}`;
export const panelId = (id: string) => `tab-panel-${id}`;

export function TabList({ label, tabs, selected }: { label: string; tabs: readonly Tab[]; selected: string }) {
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const move = MOVES[e.key];
    if (!move || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    // From the tab that has the focus: keys pressed faster than the page follows the address still count.
    const at = tabs.findIndex((t) => tabId(t.id) === (e.target as HTMLElement).id);
    const next = tabs[move(Math.max(0, at), tabs.length)]!;
    document.getElementById(tabId(next.id))?.focus();
    navigate(next.href); // the address it has already: nothing happens
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <a
          key={tab.id}
          id={tabId(tab.id)}
          href={tab.href}
          role="tab"
          aria-selected={tab.id === selected}
          // Only the selected tab's panel exists (the other tab is another address).
          aria-controls={tab.id === selected ? panelId(tab.id) : undefined}
          tabIndex={tab.id === selected ? 0 : -1}
          className={tab.id === selected ? 'active' : ''}
        >
          {tab.label}
        </a>
      ))}
    </div>
  );
}

/** The selected tab's panel: the next tab stop after the tabs, also when nothing in it takes the focus (an empty list). */
export function TabPanel({ tab, children }: { tab: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} tabIndex={0}>
      {children}
    </div>
  );
}
