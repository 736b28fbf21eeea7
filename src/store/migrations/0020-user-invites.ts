import { type Kysely, sql } from 'kysely';

// Invitations: an admin invites an e-mail with a role; the invitee opens a one-time link and chooses a
// name and password. Only the token's sha256 is kept (like setup tokens and sessions). An invite is
// pending until accepted_at or revoked_at is set or expires_at passes; at most one pending invite per
// e-mail is enforced by the service (a new invite to the same address replaces the old one).
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_user_id', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await sql`create index user_invites_email on user_invites (email)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_invites').execute();
}
