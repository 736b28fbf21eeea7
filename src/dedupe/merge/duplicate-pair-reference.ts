/**
 * Duplicate pairs in the contacts capability's registry of contact references. A merge settles the
 * pairs among its records (status `merged`) and drops the open or skipped pairs of the records merged
 * away (the next scan finds the survivor's own).
 *
 * Unmerge puts the queue back as the merge found it — the pairs among the records get their status
 * again (the pair the reviewer merged is open again, under the same id), the dropped pairs come back —
 * as long as no scan has been saved since: a scan replaces the open and skipped pairs with its own, so
 * after one, the settled pairs are dropped instead and the next scan proposes them again.
 */
import type { Queryable } from '../../store/transaction.js';
import type { ContactReference } from '../../contacts/contact-references.js';
import { among, involving, statusCode, statusOnly } from '../stored-pairs.js';
import type { DuplicatePairsTable } from '../../store/schema.js';

type StoredPair = DuplicatePairsTable;

interface MovedPairs {
  merged_ids: string[];
  /** The last scan saved when the merge was made (absent in merges recorded before it was kept). */
  scan_seq?: number;
  /** The pairs among the records, with the status and decision they had. */
  settled?: Pick<StoredPair, 'id' | 'status' | 'decided_at' | 'decided_by'>[];
  /** The open or skipped pairs of the records merged away, whole. */
  dropped?: StoredPair[];
}

async function lastScanSeq(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('duplicate_scans')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export const duplicatePairReference: ContactReference<MovedPairs> = {
  name: 'duplicate_pairs',
  async moveToSurvivor(db, fromIds, survivorId, { actor, at }) {
    const mergedIds = [...fromIds];
    const all = [survivorId, ...mergedIds];
    const settled = await db
      .selectFrom('duplicate_pairs')
      .select(['id', 'status', 'decided_at', 'decided_by'])
      .where((eb) => among(eb, all))
      .execute();
    await db
      .updateTable('duplicate_pairs')
      .set({ status: statusCode('merged'), decided_at: at, decided_by: actor.userId })
      .where((eb) => among(eb, all))
      .execute();
    const dropped = await db
      .selectFrom('duplicate_pairs')
      .selectAll()
      .where(statusOnly, 'in', [statusCode('open'), statusCode('skipped')])
      .where((eb) => involving(eb, mergedIds))
      .execute();
    if (dropped.length > 0)
      await db
        .deleteFrom('duplicate_pairs')
        .where(
          'id',
          'in',
          dropped.map((p) => p.id),
        )
        .execute();
    return { merged_ids: mergedIds, scan_seq: await lastScanSeq(db), settled, dropped };
  },
  async moveBack(db, moved, survivorId) {
    const { merged_ids, settled, dropped, scan_seq } = moved;
    const settledAmong = (eb: Parameters<typeof among>[0]) => among(eb, [survivorId, ...merged_ids]);
    const restorable = settled !== undefined && dropped !== undefined && scan_seq === (await lastScanSeq(db));
    if (!restorable) {
      await db
        .deleteFrom('duplicate_pairs')
        .where(statusOnly, '=', statusCode('merged'))
        .where(settledAmong)
        .execute();
      return;
    }
    // Each settled pair as it was, unless decided again since (it is then no longer `merged`).
    for (const pair of settled)
      await db
        .updateTable('duplicate_pairs')
        .set({ status: pair.status, decided_at: pair.decided_at, decided_by: pair.decided_by })
        .where('id', '=', pair.id)
        .where('status', '=', statusCode('merged'))
        .execute();
    if (dropped.length === 0) return;
    // The dropped pairs, but not over a pair of the same two customers made since.
    const present = await db
      .selectFrom('duplicate_pairs')
      .select(['contact_a', 'contact_b'])
      .where((eb) => involving(eb, merged_ids))
      .execute();
    const taken = new Set(present.map((p) => `${p.contact_a} ${p.contact_b}`));
    const back = dropped.filter((p) => !taken.has(`${p.contact_a} ${p.contact_b}`));
    if (back.length > 0) await db.insertInto('duplicate_pairs').values(back).execute();
  },
};
