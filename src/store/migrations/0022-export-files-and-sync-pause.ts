import { type Kysely, sql } from 'kysely';

// Background exports (`exports`): one row per export a person asked for — what (kind, format, the
// request's filters and columns as JSON), who, the job writing it, and the file it left under
// KITH_DATA_DIR/exports (name, rows, bytes) until it expires and is pruned (the row stays, so the list
// shows it as expired). And a sync connection can be paused (`sync_connections.paused`): no run starts.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer')
    .addColumn('bytes', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('pruned_at', 'text')
    .execute();
  await sql`create index exports_requested_by on exports (requested_by, created_at)`.execute(db);
  await sql`create index exports_expires_at on exports (expires_at)`.execute(db);
  await db.schema
    .alterTable('sync_connections')
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_connections').dropColumn('paused').execute();
  await db.schema.dropTable('exports').execute();
}
