import type { Kysely } from 'kysely';

// How many times a job was found running under a lease that had run out — its process died (killed,
// out of memory) before it finished. A job that kills its process every time would otherwise be taken
// over for good and crash-loop every `kith serve` and `kith worker`; at the limit it is failed instead
// (src/jobs/job-runner.ts). A job put back by its own worker (releaseJob: Ctrl-C, a server stopping) is
// not counted.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('takeovers', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('takeovers').execute();
}
