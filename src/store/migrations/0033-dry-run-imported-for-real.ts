import type { Kysely } from 'kysely';

// A dry run remembers the import that imported it for real, so that a second click (or a second
// administrator, or a retried request) finds that import instead of queueing the same file twice: the
// link is set in the transaction that queues the new import, and only while no live one holds it.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('imported_for_real_as', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('imported_for_real_as').execute();
}
