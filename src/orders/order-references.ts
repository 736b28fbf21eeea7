/**
 * Orders in the contacts capability's registry of contact references: a merge points the merged
 * contacts' orders at the survivor and unmerge points each back; the purchase facts of every contact
 * involved are recomputed, and each whose facts changed gets an order link in the change log. A deleted contact keeps its orders (restore brings them back with it);
 * its facts row stays, unseen, because lists read live contacts only.
 */
import type { ContactReference, ContactReferenceContext } from '../contacts/contact-references.js';
import { contactIdColumnReference, type MovedRow } from '../store/contact-id-column.js';
import { kyselyRowWriter } from '../store/row-writer.js';
import type { Queryable } from '../store/transaction.js';
import { appendOrderLinks } from './order-batch-writer.js';
import { NO_PURCHASES, readPurchaseFacts, refreshPurchaseFacts } from './purchase-facts.js';

const orderRows = contactIdColumnReference('orders', 'orders', ['id']);

/**
 * Recomputes the facts of the contacts orders moved between and writes an order link (changed field
 * `orders`) to the change log of each whose facts changed, before the merge's own entries.
 */
async function moveAndLink(
  db: Queryable,
  contactIds: string[],
  ctx: ContactReferenceContext,
  move: () => Promise<void>,
) {
  const before = await readPurchaseFacts(db, contactIds);
  await move();
  await refreshPurchaseFacts(db, contactIds);
  const after = await readPurchaseFacts(db, contactIds);
  const links = contactIds.flatMap((contactId) => {
    const b = before.get(contactId) ?? NO_PURCHASES;
    const a = after.get(contactId) ?? NO_PURCHASES;
    return b.orders_count === a.orders_count && b.total_spent === a.total_spent
      ? []
      : [{ contactId, before: b, after: a }];
  });
  await appendOrderLinks(db, kyselyRowWriter(db), ctx.actor, ctx.at, links);
}

export const orderReference: ContactReference<MovedRow[]> = {
  name: 'orders',
  async moveToSurvivor(db, fromIds, survivorId, ctx) {
    let moved: MovedRow[] = [];
    await moveAndLink(db, [survivorId, ...fromIds], ctx, async () => {
      moved = await orderRows.moveToSurvivor(db, fromIds, survivorId);
    });
    return moved;
  },
  async moveBack(db, moved, survivorId, ctx) {
    await moveAndLink(db, [...new Set([survivorId, ...moved.map((m) => m.from)])], ctx, () =>
      orderRows.moveBack(db, moved, survivorId),
    );
  },
  async contactsRestored(db, ids) {
    await refreshPurchaseFacts(db, ids);
  },
};
