/**
 * Orders in the contacts capability's registry of contact references: a merge points the merged
 * contacts' orders at the survivor and unmerge points each back; the purchase facts of every contact
 * involved are recomputed. A deleted contact keeps its orders (restore brings them back with it);
 * its facts row stays, unseen, because lists read live contacts only.
 */
import type { ContactReference } from '../contacts/contact-references.js';
import { contactIdColumnReference, type MovedRow } from '../store/contact-id-column.js';
import { refreshPurchaseFacts } from './purchase-facts.js';

const orderRows = contactIdColumnReference('orders', 'orders', ['id']);

export const orderReference: ContactReference<MovedRow[]> = {
  name: 'orders',
  async moveToSurvivor(db, fromIds, survivorId) {
    const moved = await orderRows.moveToSurvivor(db, fromIds, survivorId);
    await refreshPurchaseFacts(db, [survivorId, ...fromIds]);
    return moved;
  },
  async moveBack(db, moved, survivorId) {
    await orderRows.moveBack(db, moved, survivorId);
    await refreshPurchaseFacts(db, [survivorId, ...moved.map((m) => m.from)]);
  },
  async contactsRestored(db, ids) {
    await refreshPurchaseFacts(db, ids);
  },
};
