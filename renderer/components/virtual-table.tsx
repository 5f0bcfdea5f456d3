/**
 * A table whose body draws only the rows on screen (lib/use-virtual-rows.ts), in a scroll box with its
 * header kept in view; a spacer row above and below stands for the rows not drawn (none when there are
 * none, so a short list is only its rows). Each drawn row gives `aria-rowindex={index + 2}` (the header is row 1). `bodyRef`: the body's ref (lib/use-roving-rows.ts).
 */
import type { ReactNode } from 'react';
import { useVirtualRows, type RowPlace } from '../lib/use-virtual-rows.ts';

export function VirtualTable({
  className,
  testId,
  head,
  columns,
  count,
  rowKey,
  bodyRef,
  row,
}: {
  className: string;
  testId: string;
  head: ReactNode;
  columns: number;
  count: number;
  rowKey: (index: number) => string;
  bodyRef: (body: HTMLElement | null) => (() => void) | undefined;
  row: (place: RowPlace) => ReactNode;
}) {
  const { scroller, items, before, after, measure } = useVirtualRows(count, 58, rowKey);
  return (
    <div className="list-scroll" ref={scroller}>
      {/* The rows not drawn are still the table's: a screen reader hears how many there are, and where each drawn one is. */}
      <table className={className} data-testid={testId} aria-rowcount={count + 1}>
        <thead>{head}</thead>
        <tbody ref={bodyRef}>
          <SpacerRow height={before} columns={columns} />
          {items.map(({ index }) => row({ index, measure }))}
          <SpacerRow height={after} columns={columns} />
        </tbody>
      </table>
    </div>
  );
}

function SpacerRow({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="spacer-row" data-spacer="" aria-hidden="true" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}
