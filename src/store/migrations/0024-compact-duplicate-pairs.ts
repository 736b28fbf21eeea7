import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// Compact duplicate pairs (issue 19): a stored pair cost about 430 bytes with its indexes on SQLite,
// most of it 30-character ids (the pair's, its cluster's, its scan's, two contacts' in the row and
// again in four indexes). Now (src/dedupe/stored-pairs.ts): an integer pair id (the rowid on SQLite),
// integer cluster and scan numbers, integer status, band and score, no per-pair creation time (the
// scan's), and the contacts found through indexes on 32-bit hashes of their ids. The queue without a
// band is read from the (status, band, score desc, id) index one band at a time, so the second queue
// index goes. Every stored pair is copied, decisions included; pair and cluster ids change form.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * A contact id's key in duplicate_pairs (a_key, b_key): FNV-1a over its UTF-16 code units, as a signed
 * 32-bit integer (4 bytes in SQLite, `integer` in PostgreSQL). Defined here, with the keys it first
 * wrote, and used by src/dedupe/stored-pairs.ts: stored keys hold it, so it never changes.
 */
export function contactKey(contactId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < contactId.length; i++) {
    hash ^= contactId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

const STATUSES = ['open', 'not_duplicate', 'skipped', 'merged'];
const BANDS = ['match', 'review'];
const BATCH = 500;

const OLD_INDEXES = [
  'duplicate_pairs_contacts',
  'duplicate_pairs_contact_b',
  'duplicate_pairs_queue',
  'duplicate_pairs_by_score',
  'duplicate_pairs_cluster',
];

async function createCompactTable(db: Kysely<any>): Promise<void> {
  // On SQLite exactly `integer primary key` makes the id the rowid (no index of its own).
  const big = sqlDialectOf(db) === 'sqlite' ? sql.raw('integer') : sql.raw('bigint');
  await sql`create table duplicate_pairs (
    id ${big} primary key,
    contact_a text not null,
    contact_b text not null,
    a_key integer not null,
    b_key integer not null,
    score integer not null,
    band integer not null,
    explanation text not null,
    cluster ${big},
    status integer not null,
    scan integer not null,
    decided_at text,
    decided_by text
  )`.execute(db);
}

async function createCompactIndexes(db: Kysely<any>): Promise<void> {
  await sql`create index duplicate_pairs_a_key on duplicate_pairs (a_key)`.execute(db);
  await sql`create index duplicate_pairs_b_key on duplicate_pairs (b_key)`.execute(db);
  await sql`create index duplicate_pairs_queue on duplicate_pairs (status, band, score desc, id)`.execute(db);
  await sql`create index duplicate_pairs_cluster on duplicate_pairs (cluster) where cluster is not null`.execute(
    db,
  );
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('duplicate_scans').addColumn('seq', 'integer').execute();
  await db.schema
    .alterTable('duplicate_scans')
    .addColumn('last_pair', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  const scans = await db
    .selectFrom('duplicate_scans')
    .select(['id'])
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  const seqOf = new Map<string, number>();
  for (const [k, scan] of scans.entries()) {
    seqOf.set(scan.id, k + 1);
    await db
      .updateTable('duplicate_scans')
      .set({ seq: k + 1 })
      .where('id', '=', scan.id)
      .execute();
  }
  await sql`create unique index duplicate_scans_seq on duplicate_scans (seq)`.execute(db);

  for (const index of OLD_INDEXES) await sql.raw(`drop index if exists ${index}`).execute(db);
  await sql`alter table duplicate_pairs rename to duplicate_pairs_0023`.execute(db);
  await createCompactTable(db);
  // Numbered in the order of the old ids (time-ordered); a cluster is numbered by its first pair.
  const clusterOf = new Map<string, number>();
  let next = 1;
  let after: string | undefined;
  for (;;) {
    let q = db.selectFrom('duplicate_pairs_0023').selectAll().orderBy('id').limit(BATCH);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    await db
      .insertInto('duplicate_pairs')
      .values(
        rows.map((r: any) => {
          const id = next++;
          let cluster: number | null = null;
          if (r.cluster_id !== null) {
            cluster = clusterOf.get(r.cluster_id) ?? id;
            clusterOf.set(r.cluster_id, cluster);
          }
          return {
            id,
            contact_a: r.contact_a,
            contact_b: r.contact_b,
            a_key: contactKey(r.contact_a),
            b_key: contactKey(r.contact_b),
            score: Math.round(Number(r.score) * 1e6),
            band: Math.max(0, BANDS.indexOf(r.band)),
            explanation: r.explanation,
            cluster,
            status: Math.max(0, STATUSES.indexOf(r.status)),
            scan: seqOf.get(r.scan_id) ?? 0,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
          };
        }),
      )
      .execute();
  }
  await db.schema.dropTable('duplicate_pairs_0023').execute();
  await createCompactIndexes(db);
  if (scans.length > 0)
    await db
      .updateTable('duplicate_scans')
      .set({ last_pair: next - 1 })
      .where('seq', '=', scans.length)
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'duplicate_pairs_a_key',
    'duplicate_pairs_b_key',
    'duplicate_pairs_queue',
    'duplicate_pairs_cluster',
  ])
    await sql.raw(`drop index if exists ${index}`).execute(db);
  await sql`alter table duplicate_pairs rename to duplicate_pairs_0024`.execute(db);
  await db.schema
    .createTable('duplicate_pairs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_a', 'text', (c) => c.notNull())
    .addColumn('contact_b', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('band', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('cluster_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .execute();
  const scans = new Map<number, { id: string; finished_at: string }>(
    (await db.selectFrom('duplicate_scans').select(['seq', 'id', 'finished_at']).execute()).map((s: any) => [
      Number(s.seq),
      s,
    ]),
  );
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('duplicate_pairs_0024')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]!.id);
    await db
      .insertInto('duplicate_pairs')
      .values(
        rows.map((r: any) => {
          const scan = scans.get(Number(r.scan));
          return {
            id: `dup_${Number(r.id)}`,
            contact_a: r.contact_a,
            contact_b: r.contact_b,
            score: Number(r.score) / 1e6,
            band: BANDS[Number(r.band)] ?? 'review',
            explanation: r.explanation,
            cluster_id: r.cluster === null ? null : `dcl_${Number(r.cluster)}`,
            status: STATUSES[Number(r.status)] ?? 'open',
            scan_id: scan?.id ?? '',
            created_at: scan?.finished_at ?? '',
            decided_at: r.decided_at,
            decided_by: r.decided_by,
          };
        }),
      )
      .execute();
  }
  await db.schema.dropTable('duplicate_pairs_0024').execute();
  await db.schema
    .createIndex('duplicate_pairs_contacts')
    .on('duplicate_pairs')
    .columns(['contact_a', 'contact_b'])
    .unique()
    .execute();
  await db.schema
    .createIndex('duplicate_pairs_contact_b')
    .on('duplicate_pairs')
    .column('contact_b')
    .execute();
  await sql`create index duplicate_pairs_queue on duplicate_pairs (status, band, score desc, id)`.execute(db);
  await sql`create index duplicate_pairs_by_score on duplicate_pairs (status, score desc, id)`.execute(db);
  await sql`create index duplicate_pairs_cluster on duplicate_pairs (cluster_id) where cluster_id is not null`.execute(
    db,
  );
  await sql`drop index duplicate_scans_seq`.execute(db);
  await db.schema.alterTable('duplicate_scans').dropColumn('last_pair').execute();
  await db.schema.alterTable('duplicate_scans').dropColumn('seq').execute();
}
