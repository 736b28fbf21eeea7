/**
 * A table's sideways scroll, and a long list's up and down (a `kith-sticky-head` table's box is at
 * most the window's height, ui/app.css). When the table is wider or taller than its box, the box is a
 * labelled region in the tab order, so keyboard users can reach and scroll it (axe:
 * scrollable-region-focusable); when it fits, it is no tab stop at all. While it scrolls sideways, the
 * box says so (`data-overflows`): a row's actions kept at its edge (`kith-actions-cell`, ui/app.css)
 * then draw the line the columns scroll under.
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
  const { sideways, upAndDown } = useOverflows(ref);
  return (
    <Table.ScrollContainer
      ref={ref}
      minWidth={minWidth}
      type="native"
      {...(sideways || upAndDown ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}
      {...(sideways ? { 'data-overflows': true } : {})}
    >
      {children}
    </Table.ScrollContainer>
  );
}

function useOverflows(ref: React.RefObject<HTMLDivElement | null>): {
  sideways: boolean;
  upAndDown: boolean;
} {
  const [sideways, setSideways] = useState(false);
  const [upAndDown, setUpAndDown] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => {
      setSideways(box.scrollWidth > box.clientWidth + 1);
      setUpAndDown(box.scrollHeight > box.clientHeight + 1);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    // The box follows the window; the table grows with its content (rows loaded, a long value).
    const table = box.querySelector('table');
    if (table) observer.observe(table);
    return () => observer.disconnect();
  }, [ref]);
  return { sideways, upAndDown };
}
