import type { Kysely } from 'kysely';

// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  // A contact merged into another keeps its row (soft-deleted) and points at its survivor.
  await db.schema.alterTable('contacts').addColumn('merged_into', 'text').execute();

  await db.schema
    .createTable('duplicate_scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('contacts', 'integer', (c) => c.notNull())
    .addColumn('compared', 'integer', (c) => c.notNull())
    .addColumn('pairs', 'integer', (c) => c.notNull())
    .addColumn('clusters', 'integer', (c) => c.notNull())
    .addColumn('blocking', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();

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
  await db.schema
    .createIndex('duplicate_pairs_queue')
    .on('duplicate_pairs')
    .columns(['status', 'band', 'score'])
    .execute();

  await db.schema
    .createTable('contact_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survivor_id', 'text', (c) => c.notNull())
    .addColumn('merged_ids', 'text', (c) => c.notNull())
    /** JSON: every record's state before, the survivor's after, field choices, moved rows. */
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .addColumn('undone_by', 'text')
    .execute();
  await db.schema.createIndex('contact_merges_survivor').on('contact_merges').column('survivor_id').execute();

  await db.schema
    .createTable('contact_deletions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_ids', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('selection', 'text', (c) => c.notNull())
    .addColumn('backup_path', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('restore_until', 'text', (c) => c.notNull())
    .addColumn('restored_at', 'text')
    .addColumn('restored_by', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['contact_deletions', 'contact_merges', 'duplicate_pairs', 'duplicate_scans']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('contacts').dropColumn('merged_into').execute();
}
