import { type Kysely, sql } from 'kysely';

// Portable DDL only (text, integer, partial unique indexes): the same migration runs on SQLite and PostgreSQL.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('gender', 'text')
    .addColumn('birthday', 'text')
    .addColumn('country', 'text')
    .addColumn('province', 'text')
    .addColumn('city', 'text')
    .addColumn('address', 'text')
    .addColumn('postcode', 'text')
    .addColumn('company', 'text')
    .addColumn('initial_source', 'text')
    .addColumn('initial_source_detail', 'text')
    .addColumn('campaign', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema.createIndex('contacts_updated_at').on('contacts').columns(['updated_at', 'id']).execute();

  for (const table of ['contact_emails', 'contact_phones']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex(`${table}_contact`).on(table).column('contact_id').execute();
    // The database, not only the code, keeps one live owner per email / phone.
    await db.schema
      .createIndex(`${table}_live_value`)
      .on(table)
      .column('value')
      .unique()
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
  }

  await db.schema
    .createTable('identity_types')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('identity_types')
    .values({ key: 'external_id', label: 'External ID', builtin: 1, created_at: new Date().toISOString() })
    .execute();

  await db.schema
    .createTable('contact_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('type', 'text', (c) => c.notNull().references('identity_types.key'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema
    .createIndex('contact_identities_contact')
    .on('contact_identities')
    .column('contact_id')
    .execute();
  await db.schema
    .createIndex('contact_identities_live_value')
    .on('contact_identities')
    .columns(['type', 'value'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('contact_identities_live_type')
    .on('contact_identities')
    .columns(['contact_id', 'type'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('attribute_definitions')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('options', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('contact_attributes')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('key', 'text', (c) => c.notNull().references('attribute_definitions.key'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_attributes_pk', ['contact_id', 'key'])
    .execute();
  await db.schema
    .createIndex('contact_attributes_key_value')
    .on('contact_attributes')
    .columns(['key', 'value'])
    .execute();

  await db.schema
    .createTable('tags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('contact_tags')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('contact_tags_tag').on('contact_tags').column('tag_id').execute();

  await db.schema
    .createTable('contact_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('contact_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('contact_groups.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_group_members_pk', ['group_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('contact_group_members_contact')
    .on('contact_group_members')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('contact_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('channel_ref', 'text')
    .addColumn('data', 'text')
    .execute();
  await db.schema
    .createIndex('contact_events_contact')
    .on('contact_events')
    .columns(['contact_id', 'id'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('channel_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_entity')
    .on('audit_log')
    .columns(['entity_type', 'entity_id', 'id'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'settings',
    'api_tokens',
    'sessions',
    'users',
    'audit_log',
    'contact_events',
    'contact_group_members',
    'contact_groups',
    'contact_tags',
    'tags',
    'contact_attributes',
    'attribute_definitions',
    'contact_identities',
    'identity_types',
    'contact_phones',
    'contact_emails',
    'contacts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
