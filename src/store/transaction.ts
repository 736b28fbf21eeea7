import { type Kysely, sql, type Transaction } from 'kysely';
import type { KithDatabase } from './schema.js';
import { sqlDialectOf } from './sql-dialect.js';

/** A connection or an open transaction: repository functions accept either. */
export type Queryable = Kysely<KithDatabase> | Transaction<KithDatabase>;

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Makes other transactions taking the same `lock` (any fixed 64-bit number) wait until this one ends:
 * for "read the last number, write the next" on PostgreSQL, where transactions run side by side.
 * SQLite's write transactions already run one at a time from their start.
 */
export async function holdTransactionLock(db: Queryable, lock: number): Promise<void> {
  if (sqlDialectOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(${lock})`.execute(db);
}
