import type { Kysely } from 'kysely';

// When a job's worker was told to stop at once (a second Ctrl-C, a second SIGTERM) and left it in the
// middle of a batch. Its lease still runs out before another worker resumes it — the batch under way
// may yet commit — but that takeover is not a crash: it does not count towards the limit of stops
// after which a job is failed (migration 0029).
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('abandoned_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('abandoned_at').execute();
}
