/**
 * Import rows in the contacts capability's registry of contact references: the rows an import
 * recorded for merged contacts point at the survivor (so "contacts of this import" and undo still
 * find it); unmerge points each back.
 */
import type { ContactReference } from '../contacts/contact-references.js';

type MovedImportRow = { import_id: string; row_number: number; from: string };

export const importRowReference: ContactReference<MovedImportRow[]> = {
  name: 'import_rows',
  async moveToSurvivor(db, fromIds, survivorId) {
    const rows = await db
      .selectFrom('import_rows')
      .select(['import_id', 'row_number', 'contact_id'])
      .where('contact_id', 'in', [...fromIds])
      .execute();
    if (rows.length > 0)
      await db
        .updateTable('import_rows')
        .set({ contact_id: survivorId })
        .where('contact_id', 'in', [...fromIds])
        .execute();
    return rows.map((r) => ({ import_id: r.import_id, row_number: r.row_number, from: r.contact_id! }));
  },
  async moveBack(db, moved) {
    for (const r of moved)
      await db
        .updateTable('import_rows')
        .set({ contact_id: r.from })
        .where('import_id', '=', r.import_id)
        .where('row_number', '=', r.row_number)
        .execute();
  },
};
