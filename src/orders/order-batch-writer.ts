/**
 * The write half of every order import's batch (Tmall and generic alike): what a batch decided —
 * buyers to create, orders to insert or update, purchase events, purchase facts, group members, row
 * outcomes — written in the batch's transaction, then the import's counts and checkpoint moved on in
 * the same transaction. Order links go into the contact change log: one `updated` entry per contact
 * per batch whose changed field `orders` holds the orders count and total spent before and after
 * (the entry's content hash is the contact's own, unchanged: purchase facts are not contact fields).
 */
import type { Insertable } from 'kysely';
import { appendContactChanges, type PendingContactChange } from '../contacts/contact-change-log.js';
import { loadContacts } from '../contacts/contact-repository.js';
import type { ContactWriteSession } from '../contacts/contact-writer.js';
import type { Actor } from '../domain/actor.js';
import { contactContentHash } from '../domain/contact/contact-content-hash.js';
import type { ContactState } from '../domain/contact/contact-fields.js';
import {
  type ImportBatchCounts,
  type ImportCounts,
  type ImportRowOutcome,
  saveImportBatch,
} from '../imports/import-records.js';
import { chunked } from '../store/chunked.js';
import type { RowWriter } from '../store/row-writer.js';
import type { Store } from '../store/database.js';
import type { ContactEventsTable, OrdersTable } from '../store/schema.js';
import type { Queryable } from '../store/transaction.js';
import {
  addPurchases,
  NO_PURCHASES,
  type PurchaseFacts,
  type PurchaseTotals,
  readPurchaseFacts,
  refreshPurchaseFacts,
} from './purchase-facts.js';
import { centsToDecimal } from './tmall/tmall-quirks.js';

export interface OrderBatchPlan {
  creates: { id: string; state: ContactState }[];
  orderInserts: Insertable<OrdersTable>[];
  orderUpdates: { id: string; set: Record<string, unknown> }[];
  events: Insertable<ContactEventsTable>[];
  /** Buyers whose existing orders changed: their facts are recomputed. */
  touched: Set<string>;
  /** New purchases, added to their buyers' facts. */
  purchases: { contactId: string; cents: number; at: string | null }[];
  /** Buyers for the import's group. */
  members: Set<string>;
}

export function emptyOrderBatchPlan(): OrderBatchPlan {
  return {
    creates: [],
    orderInserts: [],
    orderUpdates: [],
    events: [],
    touched: new Set(),
    purchases: [],
    members: new Set(),
  };
}

/** What the change log says of a contact's orders: `orders` before and after. */
export interface OrderLink {
  contactId: string;
  before: LinkFacts;
  after: LinkFacts;
}

type LinkFacts = Pick<PurchaseFacts, 'orders_count' | 'total_spent'>;

const linkValue = (f: LinkFacts) => ({ orders_count: f.orders_count, total_spent: f.total_spent });
const linkFacts = (t: PurchaseTotals): LinkFacts => ({
  orders_count: t.count,
  total_spent: centsToDecimal(t.cents)!,
});

/**
 * Writes a batch's plan through the session (buyers it creates) and the store's row writer; answers
 * the contacts whose orders changed, with their purchase facts before and after, for the change log.
 * New purchases are added to the facts by one upsert that returns the totals after it (before is after
 * less what was added): only buyers with changed orders, or with new orders that are no purchases,
 * have their facts read.
 */
async function writeOrderBatch(
  trx: Queryable,
  store: Store,
  session: ContactWriteSession,
  plan: OrderBatchPlan,
  groupId: string | null,
  at: string,
): Promise<OrderLink[]> {
  const writer = store.rowWriter(trx);
  const newOrders = new Set(plan.orderInserts.map((o) => o.contact_id));
  const linked = [...new Set([...plan.touched, ...newOrders])];
  const created = new Set(plan.creates.map((c) => c.id));
  const touchedBefore = await readPurchaseFacts(
    trx,
    [...plan.touched].filter((id) => !created.has(id)),
  );
  await session.create(plan.creates);
  await writer.insert('orders', plan.orderInserts);
  for (const u of plan.orderUpdates)
    await trx.updateTable('orders').set(u.set).where('id', '=', u.id).execute();
  await writer.insert('contact_events', plan.events);
  // A buyer with a changed order and a new one in the batch: recomputing covers both.
  await refreshPurchaseFacts(trx, plan.touched);
  const added = await addPurchases(
    trx,
    plan.purchases.filter((p) => !plan.touched.has(p.contactId)),
  );
  if (groupId && plan.members.size > 0) {
    const memberRows = [...plan.members].map((contactId) => ({
      group_id: groupId,
      contact_id: contactId,
      added_at: at,
    }));
    for (const part of chunked(memberRows, 400))
      await trx
        .insertInto('contact_group_members')
        .values(part)
        .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
        .execute();
  }
  const read = await readPurchaseFacts(
    trx,
    linked.filter((id) => !added.has(id)),
  );
  return linked.flatMap((contactId) => {
    const sum = added.get(contactId);
    let b: LinkFacts;
    let a: LinkFacts;
    if (sum) {
      a = linkFacts(sum.after);
      b = linkFacts({ count: sum.after.count - sum.added.count, cents: sum.after.cents - sum.added.cents });
    } else {
      a = read.get(contactId) ?? NO_PURCHASES;
      // Not touched: its new orders are no purchases, its facts did not move.
      b = plan.touched.has(contactId) ? (touchedBefore.get(contactId) ?? NO_PURCHASES) : a;
    }
    const same = b.orders_count === a.orders_count && b.total_spent === a.total_spent;
    return same && !newOrders.has(contactId) ? [] : [{ contactId, before: b, after: a }];
  });
}

/**
 * Appends the batch's order links to the change log: call after the session's `finish()` (so a buyer's
 * `created` entry comes first), as the transaction's last write.
 */
export async function appendOrderLinks(
  trx: Queryable,
  rows: RowWriter,
  actor: Actor,
  at: string,
  links: readonly OrderLink[],
): Promise<void> {
  if (links.length === 0) return;
  const hashes = await latestContentHashes(
    trx,
    links.map((l) => l.contactId),
  );
  const missing = links.map((l) => l.contactId).filter((id) => !hashes.has(id));
  if (missing.length > 0)
    for (const [id, contact] of await loadContacts(trx, missing, { includeDeleted: true }))
      hashes.set(id, contactContentHash(contact));
  const entries: PendingContactChange[] = links
    .filter((l) => hashes.has(l.contactId))
    .map((l) => ({
      contact_id: l.contactId,
      kind: 'updated',
      changes: [{ field: 'orders', old: linkValue(l.before), new: linkValue(l.after) }],
      survivor_id: null,
      actor,
      content_hash: hashes.get(l.contactId)!,
      at,
    }));
  await appendContactChanges(trx, entries, rows);
}

/**
 * Each contact's content hash as its last change-log entry says (order links leave it unchanged). Its
 * entries are few: all are read through the (entity_type, entity_id) index and the last picked here,
 * instead of a `max(seq)` subquery per entry, which read each contact's entries again for every one.
 */
async function latestContentHashes(
  db: Queryable,
  contactIds: readonly string[],
): Promise<Map<string, string>> {
  const last = new Map<string, { seq: number; hash: string | null }>();
  for (const part of chunked([...new Set(contactIds)], 500)) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'seq', 'content_hash'])
      .where('entity_type', '=', 'contact')
      .where('entity_id', 'in', part)
      .where('seq', 'is not', null)
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      const seen = last.get(r.entity_id);
      if (!seen || seq > seen.seq) last.set(r.entity_id, { seq, hash: r.content_hash });
    }
  }
  const hashes = new Map<string, string>();
  for (const [id, { hash }] of last) if (hash) hashes.set(id, hash);
  return hashes;
}

/**
 * The end of every order import's batch: the plan written through the contact write session (none on
 * a dry run, which writes only the row outcomes and counts), the outcomes and the import's counts
 * saved, the session finished, and the order links appended to the change log as the last write.
 */
export async function commitOrderBatch(
  trx: Queryable,
  store: Store,
  session: ContactWriteSession | null,
  batch: {
    importId: string;
    actor: Actor;
    at: string;
    plan: OrderBatchPlan;
    groupId: string | null;
    current: ImportCounts;
    report: { rows: number; firstRow: number; lastRow: number; counts: ImportBatchCounts; summary: unknown };
    outcomes: ImportRowOutcome[];
  },
): Promise<void> {
  const links = session
    ? await writeOrderBatch(trx, store, session, batch.plan, batch.groupId, batch.at)
    : [];
  await saveImportBatch(
    trx,
    store.rowWriter(trx),
    batch.importId,
    batch.current,
    batch.report,
    batch.outcomes,
  );
  await session?.finish();
  if (session) await appendOrderLinks(trx, store.rowWriter(trx), batch.actor, batch.at, links);
}
