/**
 * A long table drawn only where it is on screen (TanStack Virtual): the rows in view (and a few either
 * side), and the pixels of the rest above and below, so the scroll bar and the columns stay as if every
 * row were there. The table sits in a scroll box (`scroller`, a callback ref); each drawn row is
 * measured (`measure`), since a row's height varies with its content (and on a phone each row is a card).
 */
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useState } from 'react';

/** Where a drawn row is in the list (give it `data-index={index}`), and the measure of its height (`ref={measure}`). */
export interface RowPlace {
  index: number;
  measure: (row: Element | null) => void;
}

export interface VirtualRows {
  scroller: (box: HTMLDivElement | null) => void;
  items: VirtualItem[];
  before: number;
  after: number;
  measure: (row: Element | null) => void;
}

export function useVirtualRows(count: number, estimate: number, key: (index: number) => string): VirtualRows {
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => box,
    estimateSize: () => estimate,
    getItemKey: key,
    overscan: 6,
    // The first paint already has rows, before the box is measured.
    initialRect: { width: 1000, height: 800 },
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));
  return { scroller: setBox, items, before, after, measure: virtualizer.measureElement };
}
