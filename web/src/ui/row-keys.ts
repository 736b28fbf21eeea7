/**
 * A list's rows by keyboard (shared/WEB.md: ↑ ↓ Enter in every list): the rows are one tab stop, the
 * arrows move between them, Enter opens the focused one, and ↑ on the first row goes back to what
 * stands above the list (its search box). A click on the row's free space opens it too. The row keeps
 * its links, buttons and checkboxes, reached by Tab and clicked as themselves.
 */
import { type KeyboardEvent, type MouseEvent, useEffect, useRef, useState } from 'react';

/** What a click inside a row means for itself, not for the row. */
const ROW_CONTROLS = 'a, input, button, label';

export interface RowKeys {
  /** Spread on the table's body. */
  bodyProps: {
    ref: React.RefObject<HTMLTableSectionElement | null>;
    onKeyDown: (event: KeyboardEvent<HTMLTableSectionElement>) => void;
  };
  /** Spread on each row. */
  rowProps: (index: number) => {
    'data-row': number;
    tabIndex: number;
    className: string;
    onFocus: () => void;
    onClick: (event: MouseEvent<HTMLTableRowElement>) => void;
  };
  /** Moves the focus to a row (bounded to the list). */
  focusRow: (index: number) => void;
}

export function useRowKeys({
  count,
  open,
  above,
  resetOn,
}: {
  /** How many rows the list shows now. */
  count: number;
  /** Opens the row at this index (Enter, or a click beside its controls). */
  open: (index: number) => void;
  /** Where ↑ on the first row goes (the list's search box); none: it stays. */
  above?: React.RefObject<HTMLElement | null>;
  /** A new value (the list's filters) starts again at the first row. */
  resetOn?: unknown;
}): RowKeys {
  const ref = useRef<HTMLTableSectionElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  useEffect(() => setFocusIndex(0), [resetOn]);
  // The list may have shrunk under the remembered row (a filter, a live update): the last one holds.
  const current = Math.min(focusIndex, Math.max(0, count - 1));

  const focusRow = (index: number) => {
    const bounded = Math.max(0, Math.min(count - 1, index));
    setFocusIndex(bounded);
    ref.current?.querySelector<HTMLElement>(`tr[data-row="${bounded}"]`)?.focus();
  };

  return {
    bodyProps: {
      ref,
      onKeyDown: (event) => {
        // Keys pressed on a link, button or checkbox inside the row are theirs.
        if (!(event.target instanceof HTMLTableRowElement)) return;
        // The row's own place now: a live list may have moved it since it took the focus.
        const at = Number(event.target.dataset.row ?? current);
        if (event.key === 'ArrowDown') {
          event.preventDefault();
          focusRow(at + 1);
        } else if (event.key === 'ArrowUp') {
          event.preventDefault();
          if (at === 0 && above?.current) above.current.focus();
          else focusRow(at - 1);
        } else if (event.key === 'Enter') {
          event.preventDefault();
          open(at);
        }
      },
    },
    rowProps: (index) => ({
      'data-row': index,
      tabIndex: index === current ? 0 : -1,
      className: 'kith-row-link',
      onFocus: () => setFocusIndex(index),
      onClick: (event) => {
        if ((event.target as HTMLElement).closest(ROW_CONTROLS)) return;
        open(index);
      },
    }),
    focusRow,
  };
}
