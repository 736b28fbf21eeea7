import type { Kysely } from 'kysely';

// Webhook signing secrets encrypted at rest under KITH_SECRET_KEY, as sync credentials are
// (src/sync/carddav/sync-secrets.ts): a copy of the database (a backup, a replica) no longer carries
// what forges Kith's signature to every receiver. 1 = `secret` holds the sealed value. Secrets stored
// before a key was set stay as they were until the next delivery seals them.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhook_endpoints')
    .addColumn('secret_sealed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
