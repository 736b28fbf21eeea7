/**
 * Duplicate pairs in the contacts capability's registry of contact references. A merge settles the
 * pairs among its records (status `merged`) and drops the open or skipped pairs of the records merged
 * away (the next scan finds the survivor's own); unmerge drops the `merged` pairs among them, so the
 * next scan may propose them again.
 */
import type { ContactReference } from '../../contacts/contact-references.js';
import { among, involving, statusCode, statusOnly } from '../stored-pairs.js';

export const duplicatePairReference: ContactReference<{ merged_ids: string[] }> = {
  name: 'duplicate_pairs',
  async moveToSurvivor(db, fromIds, survivorId, { actor, at }) {
    const mergedIds = [...fromIds];
    const all = [survivorId, ...mergedIds];
    await db
      .updateTable('duplicate_pairs')
      .set({ status: statusCode('merged'), decided_at: at, decided_by: actor.userId })
      .where((eb) => among(eb, all))
      .execute();
    await db
      .deleteFrom('duplicate_pairs')
      .where(statusOnly, 'in', [statusCode('open'), statusCode('skipped')])
      .where((eb) => involving(eb, mergedIds))
      .execute();
    return { merged_ids: mergedIds };
  },
  async moveBack(db, { merged_ids }, survivorId) {
    await db
      .deleteFrom('duplicate_pairs')
      .where(statusOnly, '=', statusCode('merged'))
      .where((eb) => among(eb, [survivorId, ...merged_ids]))
      .execute();
  },
};
