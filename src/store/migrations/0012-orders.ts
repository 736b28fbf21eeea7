import { type Kysely, sql } from 'kysely';

// Orders (issue 17): an order belongs to one contact and is identified by (source, order_number).
// Amounts are integer minor units (fen for CNY), never floats; the wire shows them as decimal strings.
// Times are ISO-8601 UTC text like every other timestamp. A contact's purchase facts are kept in a
// table of their own (one row per buyer), recomputed from its orders whenever they change, so the
// customers list can filter and sort on them without aggregating orders per row.
// Imports gain a kind (`contacts`, `tmall_orders`) and a JSON summary of what an order import found.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_status', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('goods_cents', 'bigint')
    .addColumn('postage_cents', 'bigint')
    .addColumn('total_cents', 'bigint')
    .addColumn('paid_cents', 'bigint')
    .addColumn('ordered_at', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('shipped_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('buyer_nick', 'text')
    .addColumn('receiver_name', 'text')
    .addColumn('receiver_phone', 'text')
    .addColumn('receiver_address', 'text')
    .addColumn('shop_id', 'text')
    .addColumn('shop_name', 'text')
    .addColumn('buyer_message', 'text')
    .addColumn('seller_note', 'text')
    .addColumn('extra', 'text', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orders_source_number')
    .unique()
    .on('orders')
    .columns(['source', 'order_number'])
    .execute();
  await db.schema.createIndex('orders_contact').on('orders').columns(['contact_id', 'ordered_at']).execute();
  await db.schema.createIndex('orders_ordered').on('orders').columns(['ordered_at', 'id']).execute();

  await db.schema
    .createTable('contact_purchase_facts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey())
    .addColumn('orders_count', 'integer', (c) => c.notNull())
    .addColumn('total_spent_cents', 'bigint', (c) => c.notNull())
    .addColumn('first_order_at', 'text')
    .addColumn('last_order_at', 'text')
    .execute();
  await sql`create index contact_purchase_facts_spent on contact_purchase_facts (total_spent_cents, contact_id)`.execute(
    db,
  );
  await sql`create index contact_purchase_facts_last on contact_purchase_facts (last_order_at, contact_id)`.execute(
    db,
  );

  await db.schema
    .alterTable('imports')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('contacts'))
    .execute();
  await db.schema.alterTable('imports').addColumn('summary', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('summary').execute();
  await db.schema.alterTable('imports').dropColumn('kind').execute();
  await db.schema.dropTable('contact_purchase_facts').execute();
  await db.schema.dropTable('orders').execute();
}
