import { type Kysely, sql } from 'kysely';

// At most one pending invitation per e-mail, kept by the database: the service's check ("none pending
// yet") let an address invited twice at once (a double click, two administrators) get two, on
// PostgreSQL. Pending here means neither accepted nor revoked (an expired one is resent, not replaced).
// Addresses invited twice before this are left with their newest invitation; the others are revoked.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update user_invites set revoked_at = created_at
    where accepted_at is null and revoked_at is null
      and exists (
        select 1 from user_invites newer
        where newer.email = user_invites.email and newer.id > user_invites.id
          and newer.accepted_at is null and newer.revoked_at is null
      )`.execute(db);
  await sql`create unique index user_invites_pending_email on user_invites (email)
    where accepted_at is null and revoked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index user_invites_pending_email`.execute(db);
}
