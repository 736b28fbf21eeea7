import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// A contact's custom attributes move from one row each in contact_attributes into one JSON object in
// contacts.attributes: an imported contact with five attributes wrote five more rows and ten more
// B-tree entries, the largest share of an import's writes. No query used the (key, value) index for
// more than an existence check. The column stays text on both databases (portable DDL); JSON access
// is spelled per dialect where it is needed (src/contacts/contact-attribute-sql.ts).
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('attributes', 'text').execute();
  if (sqlDialectOf(db) === 'sqlite') {
    await sql`
      update contacts set attributes = (
        select json_group_object(key, json(value))
        from (select key, value from contact_attributes a where a.contact_id = contacts.id order by key)
      )
      where id in (select contact_id from contact_attributes)`.execute(db);
  } else {
    await sql`
      update contacts c set attributes = s.object
      from (
        select contact_id, json_object_agg(key, value::json order by key)::text as object
        from contact_attributes group by contact_id
      ) s
      where s.contact_id = c.id`.execute(db);
  }
  await db.schema.dropTable('contact_attributes').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
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
  if (sqlDialectOf(db) === 'sqlite') {
    await sql`
      insert into contact_attributes (contact_id, key, value)
      select c.id, e.key, case when e.type in ('true', 'false') then e.type else json_quote(e.value) end
      from contacts c, json_each(c.attributes) e
      where c.attributes is not null`.execute(db);
  } else {
    await sql`
      insert into contact_attributes (contact_id, key, value)
      select c.id, e.key, e.value::text from contacts c, json_each(c.attributes::json) e
      where c.attributes is not null`.execute(db);
  }
  await db.schema.alterTable('contacts').dropColumn('attributes').execute();
}
