import { type Kysely, sql } from 'kysely';

// The live stream of the agent workspace (issue 21): one row per committed conversation change
// (created, updated, message), numbered in commit order (`seq`), so every server process can tail it
// and a browser that reconnects names the last number it saw. The conversation's inbox is kept on the
// row so that who may see a change is known without reading the conversation again.
// The list sorted by waiting time (oldest first): the customer has waited since the last message, or
// since the conversation began when there is none; indexed per status, per assignee and per inbox in
// that order, with id to keep the keyset stable.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_stream')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('inbox_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_stream_at').on('conversation_stream').column('at').execute();
  await sql`create index conversations_waiting on conversations (status, (coalesce(last_message_at, created_at)), id)`.execute(
    db,
  );
  await sql`create index conversations_assignee_waiting on conversations (assignee_id, status, (coalesce(last_message_at, created_at)), id)`.execute(
    db,
  );
  await sql`create index conversations_inbox_waiting on conversations (inbox_id, status, (coalesce(last_message_at, created_at)), id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index conversations_inbox_waiting`.execute(db);
  await sql`drop index conversations_assignee_waiting`.execute(db);
  await sql`drop index conversations_waiting`.execute(db);
  await db.schema.dropTable('conversation_stream').execute();
}
