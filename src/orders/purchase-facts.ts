/**
 * A contact's purchase facts — orders count, total spent, first and last order time — kept in
 * `contact_purchase_facts`, recomputed from the contact's orders whenever they change (an import
 * batch, a merge, an unmerge, an undo), so lists filter and sort on them without aggregating orders.
 * Orders that are purchases (paid, shipped, partially shipped, completed) count; total spent is what
 * the buyer paid (else the order's total).
 */
import { sql } from 'kysely';
import type { ContactListMembers } from '../contacts/contact-list-members.js';
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

/**
 * The facts as members of each contact of the customers list (registered with the contacts capability
 * in services.ts): written by the list's own statement, as `purchaseFacts` answers them — a contact
 * without purchases has zero orders and "0.00" spent; total spent is a decimal string of its cents.
 */
export const purchaseFactsListMembers: ContactListMembers = {
  name: 'purchase_facts',
  sql: (dialect) => {
    const cents = sql.ref('purchase_facts.total_spent_cents');
    // centsToDecimal in SQL: the sign, the whole units, two digits of cents.
    const decimal =
      dialect === 'postgres'
        ? sql`(case when ${cents} < 0 then '-' else '' end || (abs(${cents}) / 100)::text || '.'
            || lpad((abs(${cents}) % 100)::text, 2, '0'))`
        : sql`(case when ${cents} < 0 then '-' else '' end || (abs(${cents}) / 100) || '.'
            || substr('0' || (abs(${cents}) % 100), -2))`;
    return {
      join: sql`left join contact_purchase_facts purchase_facts on purchase_facts.contact_id = c.id`,
      members: sql`'orders_count', coalesce(purchase_facts.orders_count, 0),
        'total_spent', coalesce(${decimal}, ${sql.lit(NO_PURCHASES.total_spent)}),
        'first_order_at', purchase_facts.first_order_at, 'last_order_at', purchase_facts.last_order_at`,
    };
  },
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

/** A contact's facts as an order link states them: orders count and total spent in minor units. */
export interface PurchaseTotals {
  count: number;
  cents: number;
}

/**
 * Adds new purchases to their buyers' facts without reading their orders again (an import batch of
 * new orders: the common case, a million times in a large import), and answers each buyer's count and
 * total after the addition — one upsert that returns them, so the batch reads no facts before or
 * after (before = after − what was added). Changed or closed orders need `refreshPurchaseFacts`.
 */
export async function addPurchases(
  db: Queryable,
  purchases: readonly { contactId: string; cents: number; at: string | null }[],
): Promise<Map<string, { added: PurchaseTotals; after: PurchaseTotals }>> {
  const byContact = new Map<
    string,
    { count: number; cents: number; first: string | null; last: string | null }
  >();
  for (const p of purchases) {
    let f = byContact.get(p.contactId);
    if (!f) byContact.set(p.contactId, (f = { count: 0, cents: 0, first: null, last: null }));
    f.count++;
    f.cents += p.cents;
    if (p.at !== null) {
      if (f.first === null || p.at < f.first) f.first = p.at;
      if (f.last === null || p.at > f.last) f.last = p.at;
    }
  }
  // In key order: neighbouring upserts touch neighbouring pages of the primary key.
  const rows = [...byContact]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([contact_id, f]) => ({
      contact_id,
      orders_count: f.count,
      total_spent_cents: f.cents,
      first_order_at: f.first,
      last_order_at: f.last,
    }));
  const result = new Map<string, { added: PurchaseTotals; after: PurchaseTotals }>();
  for (const part of chunked(rows, 400)) {
    const saved = await db
      .insertInto('contact_purchase_facts')
      .values(part)
      .onConflict((oc) =>
        oc.column('contact_id').doUpdateSet({
          orders_count: sql`contact_purchase_facts.orders_count + excluded.orders_count`,
          total_spent_cents: sql`contact_purchase_facts.total_spent_cents + excluded.total_spent_cents`,
          first_order_at: sql`case when contact_purchase_facts.first_order_at is null or excluded.first_order_at < contact_purchase_facts.first_order_at then excluded.first_order_at else contact_purchase_facts.first_order_at end`,
          last_order_at: sql`case when contact_purchase_facts.last_order_at is null or excluded.last_order_at > contact_purchase_facts.last_order_at then excluded.last_order_at else contact_purchase_facts.last_order_at end`,
        }),
      )
      .returning(['contact_id', 'orders_count', 'total_spent_cents'])
      .execute();
    for (const r of saved) {
      const f = byContact.get(r.contact_id)!;
      result.set(r.contact_id, {
        added: { count: f.count, cents: f.cents },
        after: { count: Number(r.orders_count), cents: Number(r.total_spent_cents) },
      });
    }
  }
  return result;
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
