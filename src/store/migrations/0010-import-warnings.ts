import { type Kysely, sql } from 'kysely';

// Imports count the rows imported with a warning (a value left out, such as a gender the file spells
// "Agender"), beside created/updated/unchanged/failed, kept in the same batch transaction as the others
// so the history page needs no count over import_rows. Earlier imports count their rows that kept an
// identity the file disagreed with, the one warning they recorded.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('imports')
    .addColumn('warned', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`
    update imports set warned = (
      select count(*) from import_rows r
      where r.import_id = imports.id and r.action <> 'failed' and r.warning is not null
    )
    where exists (select 1 from import_rows r where r.import_id = imports.id and r.warning is not null)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('warned').execute();
}
