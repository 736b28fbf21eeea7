// An export's file deleted before it expired, by its requester or an administrator (DELETE
// /api/exports/{id}, `kith export delete`): when (`deleted_at`) and by whom (`deleted_by`). The row
// stays, shown as deleted, so the list and the audit log still say what was exported; it no longer counts
// towards KITH_MAX_EXPORTS_PER_USER.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('deleted_at', 'text').execute();
  await db.schema.alterTable('exports').addColumn('deleted_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').dropColumn('deleted_by').execute();
  await db.schema.alterTable('exports').dropColumn('deleted_at').execute();
}
