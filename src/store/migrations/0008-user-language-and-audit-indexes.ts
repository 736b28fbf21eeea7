import type { Kysely } from 'kysely';

// Each user's language for the web app (en or zh; null follows the browser), set by the user on their
// profile. The audit log becomes browsable by admins (GET /api/audit): newest first by entity type or
// by actor, which the (entity_type, entity_id, id) index cannot order. Signing out one's other
// sessions finds them by user.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('language', 'text').execute();
  await db.schema
    .createIndex('audit_log_entity_type')
    .on('audit_log')
    .columns(['entity_type', 'id'])
    .execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_user').execute();
  await db.schema.dropIndex('audit_log_actor').execute();
  await db.schema.dropIndex('audit_log_entity_type').execute();
  await db.schema.alterTable('users').dropColumn('language').execute();
}
