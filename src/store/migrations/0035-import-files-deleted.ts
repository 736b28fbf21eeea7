import type { Kysely } from 'kysely';

// An import's files (the kept original, its failure and warnings files, an order import's items files)
// hold customers' personal data: they are deleted after KITH_IMPORT_FILE_RETENTION_DAYS, or by an
// administrator at once, while the import's record, counts and undo stay. The record says when its
// files were deleted, why (`expired` by the clean-up, `deleted` by hand) and by whom.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('files_deleted_at', 'text').execute();
  await db.schema.alterTable('imports').addColumn('files_deleted_reason', 'text').execute();
  await db.schema.alterTable('imports').addColumn('files_deleted_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('files_deleted_by').execute();
  await db.schema.alterTable('imports').dropColumn('files_deleted_reason').execute();
  await db.schema.alterTable('imports').dropColumn('files_deleted_at').execute();
}
