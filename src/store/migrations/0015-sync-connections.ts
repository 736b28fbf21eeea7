import { type Kysely, sql } from 'kysely';

// Two-way sync connections (CardDAV address books). `sync_connections` holds where and how (the
// password encrypted with KITH_SECRET_KEY) and the state a run resumes from: the change feed's cursor
// (Kith → server) and the collection's sync token (server → Kith). `sync_cards` is one row per card the
// connection knows: its href, UID, ETag, the card as last seen (so unknown properties are written back
// untouched) and the contact's content hash when last in step (so a change on either side is seen).
// `sync_runs` are the runs (each a job), `sync_conflicts` both versions of every conflict.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('conflict_policy', 'text', (c) => c.notNull())
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('feed_cursor', 'text', (c) => c.notNull())
    .addColumn('sync_token', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sync_cards')
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('sync_connections.id').onDelete('cascade'),
    )
    .addColumn('href', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('etag', 'text')
    .addColumn('card', 'text')
    .addColumn('contact_hash', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cards_pk', ['connection_id', 'href'])
    .execute();
  await sql`create index sync_cards_contact on sync_cards (connection_id, contact_id)`.execute(db);
  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('sync_connections.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('phase', 'text')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await sql`create index sync_runs_connection on sync_runs (connection_id, created_at)`.execute(db);
  await db.schema
    .createTable('sync_conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('sync_connections.id').onDelete('cascade'),
    )
    .addColumn('run_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('href', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('winner', 'text', (c) => c.notNull())
    .addColumn('kith_version', 'text')
    .addColumn('remote_version', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create index sync_conflicts_connection on sync_conflicts (connection_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sync_conflicts').execute();
  await db.schema.dropTable('sync_runs').execute();
  await db.schema.dropTable('sync_cards').execute();
  await db.schema.dropTable('sync_connections').execute();
}
