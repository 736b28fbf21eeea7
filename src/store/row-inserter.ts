/**
 * Inserting many rows at once, the hot path of imports. The portable way is Kysely multi-row inserts;
 * on SQLite a cached prepared statement run once per row is several times cheaper (no SQL building,
 * no re-preparing), and runs inside whatever transaction the connection is in.
 */
import type Database from 'better-sqlite3';
import type { Insertable } from 'kysely';
import type { KithDatabase } from './schema.js';
import type { Queryable } from './transaction.js';

export type RowInserter = <T extends keyof KithDatabase & string>(
  table: T,
  rows: Insertable<KithDatabase[T]>[],
) => Promise<void>;

const CHUNK = 400;

export function kyselyRowInserter(db: Queryable): RowInserter {
  return async (table, rows) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      // The generic insert needs the table's own row type, which Kysely cannot narrow from a type parameter.
      await db
        .insertInto(table)
        .values(rows.slice(i, i + CHUNK) as never)
        .execute();
    }
  };
}

export function sqliteRowInserter(sqlite: Database.Database): RowInserter {
  const statements = new Map<string, Database.Statement>();
  return async (table, rows) => {
    if (rows.length === 0) return;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const key = `${table}(${columns.join(',')})`;
    let statement = statements.get(key);
    if (!statement) {
      const names = columns.map((c) => `"${c}"`).join(', ');
      statement = sqlite.prepare(
        `insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})`,
      );
      statements.set(key, statement);
    }
    for (const row of rows) {
      const values = row as Record<string, unknown>;
      statement.run(columns.map((c) => values[c] ?? null));
    }
  };
}
