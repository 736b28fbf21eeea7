/**
 * Writing many rows at once, the hot path of imports: inserts, deletes by key and updates by key. The
 * portable way is Kysely (multi-row inserts and `in` lists); on SQLite a cached prepared statement run
 * once per row is several times cheaper (no SQL building, no re-preparing), and runs inside whatever
 * transaction the connection is in.
 */
import type Database from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import { chunked } from './chunked.js';
import type { KithDatabase } from './schema.js';
import type { Queryable } from './transaction.js';

type TableName = keyof KithDatabase & string;
type Values = Record<string, unknown>;

export interface RowUpdate {
  /** Column values that identify the row(s). */
  where: Values;
  /** Column values to set. */
  set: Values;
}

export interface RowWriter {
  insert<T extends TableName>(table: T, rows: Insertable<KithDatabase[T]>[]): Promise<void>;
  /** Deletes the rows whose `columns` equal one of `keys` (each key lists values in column order). */
  delete(table: TableName, columns: readonly string[], keys: readonly (readonly unknown[])[]): Promise<void>;
  update(table: TableName, updates: readonly RowUpdate[]): Promise<void>;
}

const CHUNK = 400;

export function kyselyRowWriter(db: Queryable): RowWriter {
  // Kysely cannot narrow a table's own row and column types from a type parameter, hence the casts.
  const untyped = db as unknown as Kysely<Record<string, Values>>;
  return {
    async insert(table, rows) {
      for (const part of chunked(rows, CHUNK)) {
        await untyped
          .insertInto(table)
          .values(part as Values[])
          .execute();
      }
    },
    async delete(table, columns, keys) {
      const [first, ...rest] = columns;
      if (first === undefined) throw new Error('delete needs at least one key column');
      for (const part of chunked(keys, CHUNK)) {
        await untyped
          .deleteFrom(table)
          .where((eb) =>
            rest.length === 0
              ? eb(
                  first,
                  'in',
                  part.map((k) => k[0]),
                )
              : eb.or(part.map((k) => eb.and(columns.map((c, i) => eb(c, '=', k[i]))))),
          )
          .execute();
      }
    },
    async update(table, updates) {
      for (const { where, set } of updates) {
        await untyped
          .updateTable(table)
          .set(set)
          .where((eb) => eb.and(Object.entries(where).map(([c, v]) => eb(c, '=', v))))
          .execute();
      }
    },
  };
}

const STATEMENT_CACHE_SIZE = 200;

export function sqliteRowWriter(sqlite: Database.Database): RowWriter {
  const statements = new Map<string, Database.Statement>();
  const statement = (sqlText: string) => {
    let prepared = statements.get(sqlText);
    if (!prepared) {
      prepared = sqlite.prepare(sqlText);
      statements.set(sqlText, prepared);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    return prepared;
  };
  const list = (columns: readonly string[], separator: string, form: (c: string) => string) =>
    columns.map(form).join(separator);
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      const names = new Set<string>();
      for (const row of rows) for (const column in row) names.add(column);
      const columns = [...names];
      const insert = statement(
        `insert into "${table}" (${list(columns, ', ', (c) => `"${c}"`)}) values (${list(columns, ', ', () => '?')})`,
      );
      // One parameter array refilled per row: run() is synchronous, and hundreds of thousands of
      // short-lived arrays would only feed the garbage collector.
      const parameters = new Array<unknown>(columns.length);
      for (const row of rows) {
        const values = row as Values;
        for (let c = 0; c < columns.length; c++) parameters[c] = values[columns[c]!] ?? null;
        insert.run(parameters);
      }
    },
    async delete(table, columns, keys) {
      if (keys.length === 0) return;
      const remove = statement(`delete from "${table}" where ${list(columns, ' and ', (c) => `"${c}" = ?`)}`);
      for (const key of keys) remove.run(key as unknown[]);
    },
    async update(table, updates) {
      for (const { where, set } of updates) {
        const [setColumns, whereColumns] = [Object.keys(set), Object.keys(where)];
        statement(
          `update "${table}" set ${list(setColumns, ', ', (c) => `"${c}" = ?`)} where ${list(whereColumns, ' and ', (c) => `"${c}" = ?`)}`,
        ).run([...Object.values(set), ...Object.values(where)]);
      }
    },
  };
}
