/**
 * Live contact counts per tag without counting: `tags.live_count` is kept by triggers (migration
 * 0009). On PostgreSQL, statement-level triggers append each statement's change to tag_count_deltas
 * instead of updating the tag's row (concurrent writers would queue on a popular tag's row lock), so
 * a count is live_count plus the tag's pending deltas; once there are many, they are folded in.
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
