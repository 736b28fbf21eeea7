/**
 * A contact's purchase facts — orders count, total spent, first and last order time — kept in
 * `contact_purchase_facts`, recomputed from the contact's orders whenever they change (an import
 * batch, a merge, an unmerge, an undo), so lists filter and sort on them without aggregating orders.
 * Orders that are purchases (paid, shipped, partially shipped, completed) count; total spent is what
 * the buyer paid (else the order's total).
 */
import { sql } from 'kysely';
import { chunked } from '../store/chunked.js';
import type { Queryable } from '../store/transaction.js';
import { PURCHASE_STATUSES } from './tmall/tmall-status.js';
import { centsToDecimal } from './tmall/tmall-quirks.js';

export interface PurchaseFacts {
  orders_count: number;
  total_spent: string;
  first_order_at: string | null;
  last_order_at: string | null;
}

export const NO_PURCHASES: PurchaseFacts = {
  orders_count: 0,
  total_spent: '0.00',
  first_order_at: null,
  last_order_at: null,
};

export async function refreshPurchaseFacts(db: Queryable, contactIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(contactIds)];
  for (const part of chunked(ids, 500)) {
    const facts = await db
      .selectFrom('orders')
      .select((eb) => [
        'contact_id',
        eb.fn.countAll<number | string>().as('orders_count'),
        sql<number | string>`sum(coalesce(paid_cents, total_cents, 0))`.as('total_spent_cents'),
        sql<string | null>`min(coalesce(paid_at, ordered_at))`.as('first_order_at'),
        sql<string | null>`max(coalesce(paid_at, ordered_at))`.as('last_order_at'),
      ])
      .where('contact_id', 'in', part)
      .where('status', 'in', [...PURCHASE_STATUSES])
      .groupBy('contact_id')
      .execute();
    await db.deleteFrom('contact_purchase_facts').where('contact_id', 'in', part).execute();
    if (facts.length > 0)
      await db
        .insertInto('contact_purchase_facts')
        .values(
          facts.map((f) => ({
            contact_id: f.contact_id,
            orders_count: Number(f.orders_count),
            total_spent_cents: Number(f.total_spent_cents),
            first_order_at: f.first_order_at,
            last_order_at: f.last_order_at,
          })),
        )
        .execute();
  }
}

/** Facts of each contact, a contact with no purchase answering zero. */
export async function purchaseFactsFor(
  db: Queryable,
  contactIds: readonly string[],
): Promise<Map<string, PurchaseFacts>> {
  const facts = await readPurchaseFacts(db, contactIds);
  for (const id of contactIds) if (!facts.has(id)) facts.set(id, NO_PURCHASES);
  return facts;
}

export async function readPurchaseFacts(
  db: Queryable,
  contactIds: readonly string[],
): Promise<Map<string, PurchaseFacts>> {
  const facts = new Map<string, PurchaseFacts>();
  for (const part of chunked([...contactIds], 500)) {
    const rows = await db
      .selectFrom('contact_purchase_facts')
      .selectAll()
      .where('contact_id', 'in', part)
      .execute();
    for (const r of rows)
      facts.set(r.contact_id, {
        orders_count: Number(r.orders_count),
        total_spent: centsToDecimal(r.total_spent_cents)!,
        first_order_at: r.first_order_at,
        last_order_at: r.last_order_at,
      });
  }
  return facts;
}
