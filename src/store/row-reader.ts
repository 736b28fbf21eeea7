/**
 * Reading many rows at once, the hot path of duplicate scans: a compiled query's rows as arrays, one
 * at a time, without an object per row or the whole result in memory. SQLite iterates the statement
 * itself; PostgreSQL has no reader here, and callers page through Kysely instead.
 */
import type Database from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

export interface RowReader {
  /** The query's rows in order, each as its column values in select order. */
  rows(query: CompiledQuery): IterableIterator<unknown[]>;
}

export function sqliteRowReader(sqlite: Database.Database): RowReader {
  return {
    rows: (query) =>
      sqlite
        .prepare(query.sql)
        .raw()
        .iterate(...(query.parameters as unknown[])) as IterableIterator<unknown[]>,
  };
}
