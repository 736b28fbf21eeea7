/**
 * What an order import (Tmall's reports, any shop's orders file) records for each row of its file, in
 * import_rows: the row's action and, for a written order, what undo needs to take it back.
 */
import type { Insertable, Selectable } from 'kysely';
import type { ImportRowsTable, OrdersTable } from '../store/schema.js';

export type OrderRowOutcome = Insertable<ImportRowsTable>;

/** What a row's order write did, kept as the row's `changes` for undo. */
export interface OrderOutcome {
  order_id: string;
  /** The buyer this row created (undo deletes it with its last order). */
  created_contact?: string;
  /** The purchase event it put on the timeline. */
  event_id?: string;
  /** The order before an update, to put back. */
  before?: Selectable<OrdersTable>;
  /** The order's content hash after the update: undo leaves an order changed again since. */
  after_hash?: string;
}

/** A row whose order was written (or found unchanged). */
export function writtenOrderRow(
  importId: string,
  rowNumber: number,
  action: 'created' | 'updated' | 'unchanged',
  contactId: string | null,
  outcome: OrderOutcome | null,
): OrderRowOutcome {
  return {
    import_id: importId,
    row_number: rowNumber,
    action,
    contact_id: contactId,
    changes: outcome ? JSON.stringify(outcome) : null,
    error: null,
    warning: null,
    cells: null,
  };
}

/** A row that failed, with its cells for the failure file. */
export function failedOrderRow(
  importId: string,
  rowNumber: number,
  cells: readonly string[],
  reason: string,
): OrderRowOutcome {
  return {
    import_id: importId,
    row_number: rowNumber,
    action: 'failed',
    contact_id: null,
    changes: null,
    error: reason,
    warning: null,
    cells: JSON.stringify(cells),
  };
}
