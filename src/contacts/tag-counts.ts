/**
 * Live contact counts per tag without counting: `tags.live_count` is kept by the writers that add or
 * remove tag links or change a contact's liveness (contact-repository.ts: bulk insert, state writes,
 * soft delete and restore), once per batch through `addToTagCounts` (row
 * triggers did it once per link until migration 0023). On PostgreSQL a change is appended to
 * tag_count_deltas instead of updating the tag's row (concurrent writers would queue on a popular
 * tag's row lock), so a count is live_count plus the tag's pending deltas; once there are many, they
 * are folded in.
 */
import { sql } from 'kysely';
import { sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';

/** Pending delta rows beyond which a read folds them into tags.live_count. */
const FOLD_AT = 5_000;

export interface TagCountRow {
  id: string;
  name: string;
  created_at: string;
  contact_count: number;
}

export async function tagsWithLiveCounts(db: Queryable): Promise<TagCountRow[]> {
  if (sqlDialectOf(db) === 'sqlite') {
    const rows = await db
      .selectFrom('tags')
      .select(['id', 'name', 'created_at', 'live_count as contact_count'])
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ ...r, contact_count: Number(r.contact_count) }));
  }
  const pending = await sql<{ n: string }>`select count(*) as n from tag_count_deltas`.execute(db);
  if (Number(pending.rows[0]?.n ?? 0) > FOLD_AT) await foldTagCountDeltas(db);
  const rows = await sql<TagCountRow>`
    select t.id, t.name, t.created_at, t.live_count + coalesce(d.delta, 0) as contact_count
    from tags t left join (select tag_id, sum(delta) as delta from tag_count_deltas group by tag_id) d
      on d.tag_id = t.id
    order by t.name`.execute(db);
  return rows.rows.map((r) => ({ ...r, contact_count: Number(r.contact_count) }));
}

/**
 * Moves the pending deltas into tags.live_count in one statement: rows appended meanwhile by other
 * transactions are not in its snapshot and stay pending. Deltas of deleted tags go with them.
 */
export async function foldTagCountDeltas(db: Queryable): Promise<void> {
  await sql`with moved as (delete from tag_count_deltas returning tag_id, delta)
    update tags set live_count = tags.live_count + s.delta
    from (select tag_id, sum(delta) as delta from moved group by tag_id) s
    where tags.id = s.tag_id`.execute(db);
}

/** The change to one tag's live_count not yet folded in (PostgreSQL; 0 on SQLite). */
export async function pendingTagCountDelta(db: Queryable, tagId: string): Promise<number> {
  if (sqlDialectOf(db) === 'sqlite') return 0;
  const row = await db
    .selectFrom('tag_count_deltas')
    .select((eb) => eb.fn.sum<string | number | null>('delta').as('delta'))
    .where('tag_id', '=', tagId)
    .executeTakeFirst();
  return Number(row?.delta ?? 0);
}

/**
 * Adds changes in live holders (tag id → +n / −n) to the counts. The writers call this once per batch
 * with every tag the batch touched — the row triggers it replaces (migration 0023) updated the tag's
 * row once per link, which was most of what an import paid for its tag links. SQLite: one UPDATE for
 * all the tags. PostgreSQL: one row per tag appended to tag_count_deltas, so concurrent writers never
 * wait on a popular tag's row lock.
 */
export async function addToTagCounts(db: Queryable, deltas: ReadonlyMap<string, number>): Promise<void> {
  const changed = [...deltas].filter(([, delta]) => delta !== 0);
  if (changed.length === 0) return;
  if (sqlDialectOf(db) === 'sqlite') {
    await sql`update tags set live_count = live_count + d.value
      from json_each(${JSON.stringify(Object.fromEntries(changed))}) d where tags.id = d.key`.execute(db);
    return;
  }
  await db
    .insertInto('tag_count_deltas')
    .values(changed.map(([tag_id, delta]) => ({ tag_id, delta })))
    .execute();
}

/** Counts links per tag: `tag id → links`, adding up to the map given. */
export function countTagLinks(
  links: Iterable<{ tag_id: string }>,
  sign: 1 | -1,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  for (const { tag_id } of links) into.set(tag_id, (into.get(tag_id) ?? 0) + sign);
  return into;
}

/**
 * The tag links of those of `contactIds` that are live (`live: true`) or soft-deleted (false), per
 * tag: what a delete takes from the counts, or a restore gives back. Read before the contacts change.
 */
export async function tagLinksOfContacts(
  db: Queryable,
  contactIds: readonly string[],
  live: boolean,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let k = 0; k < contactIds.length; k += 500) {
    const rows = await db
      .selectFrom('contact_tags')
      .innerJoin('contacts', 'contacts.id', 'contact_tags.contact_id')
      .select((eb) => ['contact_tags.tag_id', eb.fn.countAll<string | number>().as('links')])
      .where('contact_tags.contact_id', 'in', contactIds.slice(k, k + 500))
      .where('contacts.deleted_at', live ? 'is' : 'is not', null)
      .groupBy('contact_tags.tag_id')
      .execute();
    for (const r of rows) counts.set(r.tag_id, (counts.get(r.tag_id) ?? 0) + Number(r.links));
  }
  return counts;
}

/** `counts` with every value negated (what a delete takes away). */
export function negated(counts: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...counts].map(([tag, n]) => [tag, -n]));
}
