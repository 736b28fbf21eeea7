import { type Kysely, sql } from 'kysely';
import { sqlDialectOf } from '../sql-dialect.js';

// Attribute filters of the customers list (issue 15): on PostgreSQL a GIN index (jsonb_path_ops) over
// the live contacts' attributes answers `attributes::jsonb @> '{"key": value}'` — a value one contact
// holds took 6.6 s at 1,000,000 contacts walking every row. jsonb_path_ops indexes one hash per
// key-and-value path, the smallest GIN for containment; the list's filter writes the same expression
// (src/contacts/contact-list-query.ts). SQLite gets nothing: it has no index over a JSON object's
// values short of one expression index per attribute key, each an extra write per contact in every
// import (the cost migration 0006 removed); see docs/BENCHMARKS.md, bench:contacts-list.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') return;
  await sql`create index contacts_live_attributes on contacts using gin ((attributes::jsonb) jsonb_path_ops)
    where deleted_at is null`.execute(db);
  await sql`analyze contacts`.execute(db);
}
