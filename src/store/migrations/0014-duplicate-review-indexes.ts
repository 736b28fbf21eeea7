import { type Kysely, sql } from 'kysely';

// The review screens on a large queue (issue 20): 100,000 open pairs on 1,000,000 customers took 300 ms
// and more a page, sorting every open pair for each one and reading every clustered pair for the
// page's clusters. Now:
// - the queue is read in its own order, with or without a band: (status, score desc, id) and
//   (status, band, score desc, id), so a page — first or later, by keyset — reads its rows only;
// - a page's clusters find their pairs by cluster_id (about 40 bytes a stored pair).
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index duplicate_pairs_queue`.execute(db);
  await sql`create index duplicate_pairs_queue on duplicate_pairs (status, band, score desc, id)`.execute(db);
  await sql`create index duplicate_pairs_by_score on duplicate_pairs (status, score desc, id)`.execute(db);
  await sql`create index duplicate_pairs_cluster on duplicate_pairs (cluster_id) where cluster_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index duplicate_pairs_cluster`.execute(db);
  await sql`drop index duplicate_pairs_by_score`.execute(db);
  await sql`drop index duplicate_pairs_queue`.execute(db);
  await sql`create index duplicate_pairs_queue on duplicate_pairs (status, band, score)`.execute(db);
}
