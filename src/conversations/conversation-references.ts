/**
 * Conversations in the contacts capability's registry of contact references: a merge gives the
 * merged contacts' conversations (their messages and events belong to the conversation and move with
 * it) to the survivor; unmerge gives each back unless it was moved to another contact since.
 */
import type { ContactReference } from '../contacts/contact-references.js';

export const conversationReference: ContactReference<{ id: string; from: string }[]> = {
  name: 'conversations',
  async moveToSurvivor(db, fromIds, survivorId) {
    const rows = await db
      .selectFrom('conversations')
      .select(['id', 'contact_id'])
      .where('contact_id', 'in', [...fromIds])
      .execute();
    if (rows.length > 0)
      await db
        .updateTable('conversations')
        .set({ contact_id: survivorId })
        .where('contact_id', 'in', [...fromIds])
        .execute();
    return rows.map((r) => ({ id: r.id, from: r.contact_id }));
  },
  async moveBack(db, moved, survivorId) {
    for (const c of moved)
      await db
        .updateTable('conversations')
        .set({ contact_id: c.from })
        .where('id', '=', c.id)
        .where('contact_id', '=', survivorId)
        .execute();
  },
};
