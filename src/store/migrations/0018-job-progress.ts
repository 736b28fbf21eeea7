import type { Kysely } from 'kysely';

// A background job's progress as its handler last reported it (JSON), so that any process — the one
// that queued the job, or a browser asking the API — can show how far a scan or an automatic merge got
// and, once done, what it did. Imports keep their own, richer counts in `imports`.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('progress', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('progress').execute();
}
