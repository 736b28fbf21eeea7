/**
 * Group memberships in the contacts capability's registry of contact references: the survivor joins
 * every group a merged contact was in (the merged contacts keep their own memberships, which come back
 * with them); unmerge takes away the memberships the merge added.
 */
import type { ContactReference } from '../contacts/contact-references.js';

export const groupMemberReference: ContactReference<string[]> = {
  name: 'group_memberships',
  async moveToSurvivor(db, fromIds, survivorId, { at }) {
    const held = new Set(
      (
        await db
          .selectFrom('contact_group_members')
          .select('group_id')
          .where('contact_id', '=', survivorId)
          .execute()
      ).map((r) => r.group_id),
    );
    const theirs = await db
      .selectFrom('contact_group_members')
      .select('group_id')
      .distinct()
      .where('contact_id', 'in', [...fromIds])
      .execute();
    const added = theirs.map((r) => r.group_id).filter((g) => !held.has(g));
    if (added.length > 0)
      await db
        .insertInto('contact_group_members')
        .values(added.map((group_id) => ({ group_id, contact_id: survivorId, added_at: at })))
        .execute();
    return added;
  },
  async moveBack(db, added, survivorId) {
    if (added.length > 0)
      await db
        .deleteFrom('contact_group_members')
        .where('contact_id', '=', survivorId)
        .where('group_id', 'in', added)
        .execute();
  },
};
