/**
 * Rows that point at a contact through a `contact_id` column, re-pointed by a merge and back by
 * unmerge: the common shape of an entry in the contacts capability's registry of contact references
 * (`src/contacts/contact-references.ts`), which the timeline, import rows and conversations register.
 * It lives in the store so that every layer may register with it; each capability still names only
 * its own table.
 */
import { sql } from 'kysely';
import type { Queryable } from './transaction.js';

/** A moved row: its key column values, and the contact it pointed at before the merge. */
export interface MovedRow {
  key: unknown[];
  from: string;
}

/**
 * The common reference: rows of `table` whose `contact_id` column names the contact, found again by
 * `keyColumns`. A merge points them at the survivor; unmerge points each back — unless it was moved
 * on from the survivor since (then it stays where it is now).
 */
export function contactIdColumnReference(
  name: string,
  table: string,
  keyColumns: readonly string[],
): {
  name: string;
  moveToSurvivor(db: Queryable, fromIds: readonly string[], survivorId: string): Promise<MovedRow[]>;
  moveBack(db: Queryable, moved: MovedRow[], survivorId: string): Promise<void>;
} {
  const keys = keyColumns.map((c) => sql.ref(c));
  return {
    name,
    async moveToSurvivor(db, fromIds, survivorId) {
      const ids = sql.join([...fromIds]);
      const rows = await sql<Record<string, unknown> & { contact_id: string }>`
        select ${sql.join(keys)}, contact_id from ${sql.table(table)} where contact_id in (${ids})`.execute(
        db,
      );
      if (rows.rows.length > 0)
        await sql`update ${sql.table(table)} set contact_id = ${survivorId} where contact_id in (${ids})`.execute(
          db,
        );
      return rows.rows.map((r) => ({ key: keyColumns.map((c) => r[c]), from: r.contact_id }));
    },
    async moveBack(db, moved, survivorId) {
      for (const row of moved) {
        const match = sql.join(
          keyColumns.map((c, i) => sql`${sql.ref(c)} = ${row.key[i]}`),
          sql` and `,
        );
        await sql`update ${sql.table(table)} set contact_id = ${row.from}
          where ${match} and contact_id = ${survivorId}`.execute(db);
      }
    },
  };
}
