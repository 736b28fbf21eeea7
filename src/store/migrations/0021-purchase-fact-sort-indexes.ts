import { type Kysely, sql } from 'kysely';

// The customers list sorts by every purchase fact (orders count, total spent, first and last order):
// each is walked through an index of contact_purchase_facts in sort order (0012 made the spent and
// last-order ones), so a sorted page costs its rows, not a sort of every buyer.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index contact_purchase_facts_count on contact_purchase_facts (orders_count, contact_id)`.execute(
    db,
  );
  await sql`create index contact_purchase_facts_first on contact_purchase_facts (first_order_at, contact_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index contact_purchase_facts_first`.execute(db);
  await sql`drop index contact_purchase_facts_count`.execute(db);
}
