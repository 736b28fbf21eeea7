/**
 * Reading many rows at once, the hot path of duplicate scans, exports and the change feed: a query's
 * rows as arrays, one at a time, without an object per row or the whole result in memory. SQLite
 * iterates the statement itself; PostgreSQL has no reader here, and callers page through Kysely instead.
 */
import type Database from 'better-sqlite3';

/**
 * SQL and its parameters: a Kysely CompiledQuery is one, and so is a plain object (what the export's
 * threads build, so that they need not load the query builder).
 */
export interface RowQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export interface RowReader {
  /** The query's rows in order, each as its column values in select order. */
  rows(query: RowQuery): IterableIterator<unknown[]>;
}

/** Statements kept for reuse; readers run a few fixed queries many times (an export: six a slice). */
const KEPT_STATEMENTS = 64;

export function sqliteRowReader(sqlite: Database.Database): RowReader {
  const kept = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    const known = kept.get(sql);
    // A statement still being iterated (a reader inside another's loop) cannot run twice at once.
    if (known && !known.busy) return known;
    const prepared = sqlite.prepare(sql).raw();
    if (!known) {
      if (kept.size >= KEPT_STATEMENTS) kept.clear();
      kept.set(sql, prepared);
    }
    return prepared;
  };
  return {
    rows: (query) => statement(query.sql).iterate(...query.parameters) as IterableIterator<unknown[]>,
  };
}
