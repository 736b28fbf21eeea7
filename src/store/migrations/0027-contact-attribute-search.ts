import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// Attribute filters of the customers list on SQLite (issue 15). Migration 0026 gave PostgreSQL a GIN
// index over the attributes; SQLite found a value one contact holds by reading every contact (about
// 300 ms at 1,000,000). An expression index per attribute key would cost every import one index write
// per key per contact; instead each live contact's attributes become one row of a contentless FTS5
// table, one token per attribute: the hex of the key, a \x1f and the value (its SQL value as
// json_each gives it, a container's JSON text), cut at 32 characters. FTS5 gathers an import's tokens
// in memory and writes them a batch at a time, so the writer pays one FTS row per contact.
// The token says "may hold": values longer than the cut share a token, true and 1 do too; the list
// confirms each candidate against the row's JSON. The query side computes the token with the same
// expression over json_each of its own value (sqliteAttributeCandidatesSql in
// src/contacts/contact-attribute-sql.ts), so both read a value the same way. Kept in step by triggers, as names are.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

const tokens = (row: 'new' | 'old' | 'c') =>
  `(select group_concat(hex(substr(j.key || char(31) || coalesce(j.value, j.type), 1, 32)), ' ')
    from json_each(${row}.attributes) j)`;

export async function up(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) !== 'sqlite') return;
  // The ascii tokenizer splits on spaces only here (hex digits are all it sees); detail=none keeps no
  // positions, which a one-token query never needs.
  await sql`create virtual table contact_attribute_search using fts5(tokens,
    tokenize = 'ascii', content = '', detail = none)`.execute(db);
  await sql
    .raw(
      `insert into contact_attribute_search (rowid, tokens)
      select rowid, t from (select c.rowid, ${tokens('c')} as t from contacts c
        where c.deleted_at is null and c.attributes is not null) where t is not null`,
    )
    .execute(db);
  // A contentless table's 'delete' must be given exactly the text the row was indexed with: every
  // trigger indexes and unindexes under the same condition (live, with at least one attribute).
  await sql
    .raw(
      `create trigger contacts_attribute_search_insert after insert on contacts
      when new.deleted_at is null and new.attributes is not null begin
      insert into contact_attribute_search (rowid, tokens)
        select new.rowid, t from (select ${tokens('new')} as t) where t is not null;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contacts_attribute_search_update after update of attributes, deleted_at on contacts
      when old.attributes is not new.attributes or old.deleted_at is not new.deleted_at begin
      insert into contact_attribute_search (contact_attribute_search, rowid, tokens)
        select 'delete', old.rowid, t from (select ${tokens('old')} as t)
        where t is not null and old.deleted_at is null;
      insert into contact_attribute_search (rowid, tokens)
        select new.rowid, t from (select ${tokens('new')} as t) where t is not null and new.deleted_at is null;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contacts_attribute_search_delete after delete on contacts
      when old.deleted_at is null and old.attributes is not null begin
      insert into contact_attribute_search (contact_attribute_search, rowid, tokens)
        select 'delete', old.rowid, t from (select ${tokens('old')} as t) where t is not null;
    end`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) !== 'sqlite') return;
  for (const trigger of ['insert', 'update', 'delete'])
    await sql.raw(`drop trigger if exists contacts_attribute_search_${trigger}`).execute(db);
  await sql`drop table if exists contact_attribute_search`.execute(db);
}
