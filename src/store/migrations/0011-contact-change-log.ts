import { type Kysely, sql } from 'kysely';

// The contact change log is the audit log's contact rows: one row per changed contact per change
// serves the audit trail and the change feed, instead of a second write per contact. A contact row
// carries the feed's sequence number (`seq`, growing in commit order) and the SHA-256 of the
// contact's canonical form after the change (`content_hash`); rows of other entities leave both null.
// Rows written before this migration have no seq: the feed begins here.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('seq', 'bigint').execute();
  await db.schema.alterTable('audit_log').addColumn('content_hash', 'text').execute();
  // Partial and unique: reading the feed from a cursor is one index range; other entities cost nothing.
  await sql`create unique index audit_log_seq on audit_log (seq) where seq is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index audit_log_seq`.execute(db);
  await db.schema.alterTable('audit_log').dropColumn('content_hash').execute();
  await db.schema.alterTable('audit_log').dropColumn('seq').execute();
}
