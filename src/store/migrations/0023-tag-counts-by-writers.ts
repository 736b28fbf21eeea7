import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// Tag counts kept by the writers (issue 16): tags.live_count was kept by row triggers on SQLite and by
// statement triggers appending to tag_count_deltas on PostgreSQL (migration 0009). On SQLite the
// insert trigger updated the tag's row once per link, which was most of an import's time for its tag
// links (3.0–5.3 s of a 100k import, 0.4 s without it). The code that writes tag links or changes a
// contact's liveness now adds each batch's change per tag (src/contacts/tag-counts.ts), so the
// triggers go, and the counts are recounted once from the rows. tag_count_deltas stays: PostgreSQL's
// writers still append to it rather than lock a popular tag's row.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

const SQLITE_TRIGGERS = [
  'contact_tags_count_insert',
  'contact_tags_count_delete',
  'contact_tags_count_update',
  'contacts_tag_count_liveness',
];

export async function up(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') {
    for (const t of SQLITE_TRIGGERS) await sql.raw(`drop trigger if exists ${t}`).execute(db);
  } else {
    await sql`drop trigger if exists contact_tags_count_insert on contact_tags`.execute(db);
    await sql`drop trigger if exists contact_tags_count_delete on contact_tags`.execute(db);
    await sql`drop trigger if exists contact_tags_count_update on contact_tags`.execute(db);
    await sql`drop trigger if exists contacts_tag_count_liveness on contacts`.execute(db);
    for (const f of ['inserted', 'deleted', 'updated', 'liveness'])
      await sql.raw(`drop function if exists kith_tag_counts_${f}()`).execute(db);
    await sql`delete from tag_count_deltas`.execute(db);
  }
  await recount(db);
}

async function recount(db: Kysely<any>): Promise<void> {
  await sql`update tags set live_count = (
      select count(*) from contact_tags ct join contacts c on c.id = ct.contact_id
      where ct.tag_id = tags.id and c.deleted_at is null)`.execute(db);
}

/** Brings back migration 0009's triggers, as they were. */
export async function down(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') {
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
    await recount(db);
    return;
  }
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
  await sql`delete from tag_count_deltas`.execute(db);
  await recount(db);
}
