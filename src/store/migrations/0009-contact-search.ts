import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// Search and sorting of the customers list on a million contacts (issue 15), kept in step by the
// database itself so every write path (ContactService, the import's bulk writers, merge/unmerge,
// delete/restore, undo) is covered without touching it:
//
// - Names: SQLite gets a contentless FTS5 table with the trigram tokenizer (detail=none), keyed by
//   the contact's rowid and filled by triggers on `contacts` (live contacts only). Each name field is indexed
//   between two-character sentinels (\x02\x02 … \x03\x03), so one- and two-character queries (王,
//   张伟) become trigrams anchored at a field's start or end, and a whole field is a phrase.
//   PostgreSQL gets a pg_trgm GIN index on the lower-cased fields joined by \x1f; pg_trgm pads every
//   word, so anchored one- and two-character patterns use it too.
// - Phones by their last digits: an index on the reversed E.164 value (SQLite has no reverse(), so
//   the expression reverses the last 16 characters with substr; E.164 has at most 16).
// - Sorting: (created_at, id) and (lower(name), id) over live contacts; (updated_at, id) exists.
// - Tag counts: tags.live_count, kept by triggers (SQLite, one writer); on PostgreSQL statement-level
//   triggers append per-statement deltas to tag_count_deltas instead, so concurrent writers never
//   queue on a popular tag's row; readers add the deltas and fold them in now and then.
//
// The expressions are spelled out here, not imported: an index is only used by a query whose
// expression is the same text, and src/contacts/contact-search-sql.ts must keep spelling them so.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

const SQLITE_REVERSED_PHONE = Array.from({ length: 16 }, (_, i) => `substr(value, -${i + 1}, 1)`).join(
  ' || ',
);
const sqliteNames = (row: 'new' | 'old' | 'c') =>
  ['name', 'first_name', 'last_name']
    .map((f) => `coalesce(char(2, 2) || ${row}.${f} || char(3, 3), '')`)
    .join(` || ' ' || `);

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = sqlDialectOf(db);
  await db.schema
    .alterTable('tags')
    .addColumn('live_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update tags set live_count = (
      select count(*) from contact_tags ct join contacts c on c.id = ct.contact_id
      where ct.tag_id = tags.id and c.deleted_at is null)`.execute(db);
  await sql`create index contacts_live_created on contacts (created_at, id) where deleted_at is null`.execute(
    db,
  );
  await sql`create index contacts_live_name on contacts (lower(name), id) where deleted_at is null`.execute(
    db,
  );
  if (dialect === 'sqlite') await upSqlite(db);
  else await upPostgres(db);
}

async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql`create index contact_phones_live_reversed on contact_phones (${sql.raw(SQLITE_REVERSED_PHONE)})
    where deleted_at is null`.execute(db);

  // detail=none stores no positions: a query is the AND of its trigrams and the list confirms the
  // candidates (kith_names_match), which costs an import's writer far less than positions would.
  // Contentless: the triggers give the 'delete' command the text they indexed.
  await sql`create virtual table contact_name_search using fts5(names,
    tokenize = 'trigram case_sensitive 0 remove_diacritics 1', content = '', detail = none)`.execute(db);
  await sql`insert into contact_name_search (rowid, names)
    select c.rowid, ${sql.raw(sqliteNames('c'))} from contacts c where c.deleted_at is null`.execute(db);
  await sql
    .raw(
      `create trigger contacts_search_insert after insert on contacts when new.deleted_at is null begin
      insert into contact_name_search (rowid, names) values (new.rowid, ${sqliteNames('new')});
    end`,
    )
    .execute(db);
  // Writers set only the columns that changed, but "update of" fires for any column in the SET list.
  await sql
    .raw(
      `create trigger contacts_search_update after update of name, first_name, last_name, deleted_at
    on contacts when old.name is not new.name or old.first_name is not new.first_name
      or old.last_name is not new.last_name or old.deleted_at is not new.deleted_at begin
      insert into contact_name_search (contact_name_search, rowid, names)
        select 'delete', old.rowid, ${sqliteNames('old')} where old.deleted_at is null;
      insert into contact_name_search (rowid, names)
        select new.rowid, ${sqliteNames('new')} where new.deleted_at is null;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contacts_search_delete after delete on contacts when old.deleted_at is null begin
      insert into contact_name_search (contact_name_search, rowid, names)
        values ('delete', old.rowid, ${sqliteNames('old')});
    end`,
    )
    .execute(db);

  // A tag's live_count is its contact_tags rows whose contact is not deleted.
  const live = (row: string) => `(select deleted_at from contacts where id = ${row}.contact_id) is null`;
  await sql
    .raw(
      `create trigger contact_tags_count_insert after insert on contact_tags when ${live('new')} begin
      update tags set live_count = live_count + 1 where id = new.tag_id;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contact_tags_count_delete after delete on contact_tags when ${live('old')} begin
      update tags set live_count = live_count - 1 where id = old.tag_id;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contact_tags_count_update after update of tag_id, contact_id on contact_tags begin
      update tags set live_count = live_count - 1 where id = old.tag_id and ${live('old')};
      update tags set live_count = live_count + 1 where id = new.tag_id and ${live('new')};
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger contacts_tag_count_liveness after update of deleted_at on contacts
    when (old.deleted_at is null) <> (new.deleted_at is null) begin
      update tags set live_count = live_count + (case when new.deleted_at is null then 1 else -1 end)
        where id in (select tag_id from contact_tags where contact_id = new.id);
    end`,
    )
    .execute(db);
  await sql`analyze`.execute(db);
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  const trgm = await trigramSchema(db);
  await sql`create index contact_phones_live_reversed on contact_phones (reverse(value) text_pattern_ops)
    where deleted_at is null`.execute(db);
  await sql`create index contacts_live_names_trgm on contacts using gin ((
      lower(coalesce(name, '') || chr(31) || coalesce(first_name, '') || chr(31) || coalesce(last_name, ''))
    ) ${sql.raw(`${quoteIdent(trgm)}.gin_trgm_ops`)}) where deleted_at is null`.execute(db);

  await db.schema
    .createTable('tag_count_deltas')
    .addColumn('tag_id', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .execute();
  await sql`create function kith_tag_counts_inserted() returns trigger language plpgsql as $$ begin
      insert into tag_count_deltas (tag_id, delta)
        select n.tag_id, count(*) from kith_new n join contacts c on c.id = n.contact_id
        where c.deleted_at is null group by n.tag_id;
      return null;
    end $$`.execute(db);
  await sql`create function kith_tag_counts_deleted() returns trigger language plpgsql as $$ begin
      insert into tag_count_deltas (tag_id, delta)
        select o.tag_id, -count(*) from kith_old o join contacts c on c.id = o.contact_id
        where c.deleted_at is null group by o.tag_id;
      return null;
    end $$`.execute(db);
  await sql`create function kith_tag_counts_updated() returns trigger language plpgsql as $$ begin
      insert into tag_count_deltas (tag_id, delta)
        select tag_id, sum(d) from (
          select o.tag_id, -1 as d from kith_old o join contacts c on c.id = o.contact_id where c.deleted_at is null
          union all
          select n.tag_id, 1 from kith_new n join contacts c on c.id = n.contact_id where c.deleted_at is null
        ) s group by tag_id having sum(d) <> 0;
      return null;
    end $$`.execute(db);
  await sql`create function kith_tag_counts_liveness() returns trigger language plpgsql as $$ begin
      insert into tag_count_deltas (tag_id, delta)
        select ct.tag_id, sum(case when n.deleted_at is null then 1 else -1 end)
        from kith_old o join kith_new n on n.id = o.id join contact_tags ct on ct.contact_id = n.id
        where (o.deleted_at is null) <> (n.deleted_at is null) group by ct.tag_id;
      return null;
    end $$`.execute(db);
  // Statement-level with transition tables: one delta row per tag per statement, never a row lock on
  // the tag (an import's batch inserts its tag links in one statement).
  await sql`create trigger contact_tags_count_insert after insert on contact_tags
    referencing new table as kith_new for each statement execute function kith_tag_counts_inserted()`.execute(
    db,
  );
  await sql`create trigger contact_tags_count_delete after delete on contact_tags
    referencing old table as kith_old for each statement execute function kith_tag_counts_deleted()`.execute(
    db,
  );
  await sql`create trigger contact_tags_count_update after update on contact_tags
    referencing old table as kith_old new table as kith_new
    for each statement execute function kith_tag_counts_updated()`.execute(db);
  await sql`create trigger contacts_tag_count_liveness after update on contacts
    referencing old table as kith_old new table as kith_new
    for each statement execute function kith_tag_counts_liveness()`.execute(db);
  await sql`analyze contacts`.execute(db);
  await sql`analyze contact_phones`.execute(db);
}

/**
 * The schema holding pg_trgm, creating it in `public` when it is missing: an extension exists once per
 * database, so it must not live in a schema that may be dropped with a tenant (or a test file).
 */
async function trigramSchema(db: Kysely<any>): Promise<string> {
  const find = async () =>
    (
      await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
        join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)
    ).rows[0]?.schema;
  const existing = await find();
  if (existing) return existing;
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  } catch (e) {
    // Another process may have created it meanwhile; otherwise say what to do.
    const created = await find().catch(() => undefined);
    if (created) return created;
    throw new Error(
      `Kith's search needs the PostgreSQL extension pg_trgm (Debian: part of the postgresql package); ` +
        `a database owner or superuser can run: create extension pg_trgm with schema public ` +
        `(${(e as Error).message})`,
      { cause: e },
    );
  }
  return 'public';
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function down(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') {
    for (const t of [
      'contacts_search_insert',
      'contacts_search_update',
      'contacts_search_delete',
      'contact_tags_count_insert',
      'contact_tags_count_delete',
      'contact_tags_count_update',
      'contacts_tag_count_liveness',
    ])
      await sql.raw(`drop trigger if exists ${t}`).execute(db);
    await sql`drop table if exists contact_name_search`.execute(db);
  } else {
    await sql`drop trigger if exists contact_tags_count_insert on contact_tags`.execute(db);
    await sql`drop trigger if exists contact_tags_count_delete on contact_tags`.execute(db);
    await sql`drop trigger if exists contact_tags_count_update on contact_tags`.execute(db);
    await sql`drop trigger if exists contacts_tag_count_liveness on contacts`.execute(db);
    for (const f of ['inserted', 'deleted', 'updated', 'liveness'])
      await sql.raw(`drop function if exists kith_tag_counts_${f}()`).execute(db);
    await sql`drop table if exists tag_count_deltas`.execute(db);
    await sql`drop index if exists contacts_live_names_trgm`.execute(db);
  }
  await sql`drop index if exists contact_phones_live_reversed`.execute(db);
  await sql`drop index if exists contacts_live_name`.execute(db);
  await sql`drop index if exists contacts_live_created`.execute(db);
  await db.schema.alterTable('tags').dropColumn('live_count').execute();
}
