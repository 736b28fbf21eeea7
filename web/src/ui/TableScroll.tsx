/**
 * A table's sideways scroll. When the table is wider than the screen leaves it, the scrolling box is
 * a labelled region in the tab order, so keyboard users can reach and scroll it (axe:
 * scrollable-region-focusable); when it fits, it is no tab stop at all. While it scrolls, the box says
 * so (`data-overflows`): a row's actions kept at its edge (`kith-actions-cell`, ui/app.css) then draw
 * the line the columns scroll under.
 */
import { Table } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function TableScroll({
  minWidth,
  label,
  children,
}: {
  minWidth: number;
  /** The region's name: the table's own label. */
  label: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const overflows = useOverflowsSideways(ref);
  return (
    <Table.ScrollContainer
      ref={ref}
      minWidth={minWidth}
      type="native"
      {...(overflows ? { tabIndex: 0, role: 'region', 'aria-label': label, 'data-overflows': true } : {})}
    >
      {children}
    </Table.ScrollContainer>
  );
}

function useOverflowsSideways(ref: React.RefObject<HTMLDivElement | null>): boolean {
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => setOverflows(box.scrollWidth > box.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    // The box follows the window; the table grows with its content (rows loaded, a long value).
    const table = box.querySelector('table');
    if (table) observer.observe(table);
    return () => observer.disconnect();
  }, [ref]);
  return overflows;
}
