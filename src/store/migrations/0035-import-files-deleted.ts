import type { Kysely } from 'kysely';

// An import's files (the kept original, its failure and warnings files, an order import's items files)
// hold customers' personal data: they are deleted after KITH_IMPORT_FILE_RETENTION_DAYS, or by an
// administrator at once, while the import's record, counts and undo stay. The record says when its
// files were deleted, why (`expired` by the clean-up, `deleted` by hand) and by whom.
// Imports that ended before this release never had a retention period: their files are kept the full
// period from the upgrade (`files_kept_from`), not deleted by the first clean-up after it.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('files_deleted_at', 'text').execute();
  await db.schema.alterTable('imports').addColumn('files_deleted_reason', 'text').execute();
  await db.schema.alterTable('imports').addColumn('files_deleted_by', 'text').execute();
  await db.schema.alterTable('imports').addColumn('files_kept_from', 'text').execute();
  await db
    .updateTable('imports')
    .set({ files_kept_from: new Date().toISOString() })
    .where('status', 'in', ['completed', 'failed', 'cancelled'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('files_kept_from').execute();
  await db.schema.alterTable('imports').dropColumn('files_deleted_by').execute();
  await db.schema.alterTable('imports').dropColumn('files_deleted_reason').execute();
  await db.schema.alterTable('imports').dropColumn('files_deleted_at').execute();
}
