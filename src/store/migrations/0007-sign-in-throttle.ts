import type { Kysely } from 'kysely';

// Failed sign-in and setup attempts per account and per client address (src/auth/sign-in-throttle.ts).
// In the database rather than in memory: several server processes may share one PostgreSQL
// database, and each would otherwise grant an attacker its own allowance.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addColumn('throttled_audited_at', 'text')
    .execute();
  await db.schema
    .createIndex('sign_in_throttle_last_failure')
    .on('sign_in_throttle')
    .column('last_failure_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_throttle').execute();
}
