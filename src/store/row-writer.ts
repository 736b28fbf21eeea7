/**
 * Writing many rows at once, the hot path of imports: inserts, deletes by key and updates by key. The
 * portable way is Kysely (multi-row inserts and `in` lists). Each store has a faster one: on SQLite a
 * cached prepared statement run once per row (no SQL building, no re-preparing), inside whatever
 * transaction the connection is in; on PostgreSQL one statement per table whose rows travel as a single
 * JSON parameter (no per-value SQL, no plan for thousands of parameters, one round trip).
 */
import type Database from 'better-sqlite3';
import { type Insertable, type Kysely, sql } from 'kysely';
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
  /** A column some rows leave out is null in those rows. */
  insert<T extends TableName>(table: T, rows: Insertable<KithDatabase[T]>[]): Promise<void>;
  /** Deletes the rows whose `columns` equal one of `keys` (each key lists values in column order). */
  delete(table: TableName, columns: readonly string[], keys: readonly (readonly unknown[])[]): Promise<void>;
  /** Two updates of the same row apply in their order. */
  update(table: TableName, updates: readonly RowUpdate[]): Promise<void>;
}

/** Every column any of the rows names, in first-seen order. */
function columnsOf(rows: readonly object[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const column in row) names.add(column);
  return [...names];
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

/** Tables whose rows the SQLite writer inserts many per statement (see insert). */
const ONE_STATEMENT_TABLES = new Set<string>(['contacts']);

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
  const list = (columns: readonly string[], separator: string, form: (c: string, i: number) => string) =>
    columns.map(form).join(separator);
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = columnsOf(rows);
      if (ONE_STATEMENT_TABLES.has(table)) {
        // Their triggers write a full-text index, which FTS5 flushes at the end of every statement:
        // one statement per row would write one tiny index segment per row.
        const insertAll = statement(
          `insert into "${table}" (${list(columns, ', ', (c) => `"${c}"`)}) select ${list(columns, ', ', (_, i) => `value ->> ${i}`)} from json_each(?)`,
        );
        for (let k = 0; k < rows.length; k += 1000) {
          const part = rows.slice(k, k + 1000) as Values[];
          insertAll.run(jsonOf(part.map((row) => columns.map((c) => row[c] ?? null))));
        }
        return;
      }
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

/**
 * JSON text PostgreSQL accepts. A lone UTF-16 surrogate (text from a JSON body may hold one) can be in
 * no UTF-8 text: as a parameter it becomes U+FFFD, but JSON.stringify writes it as an escape PostgreSQL
 * rejects, so it becomes U+FFFD here too. Only such strings make that escape, hence the cheap check.
 */
function jsonOf(rows: readonly object[]): string {
  const json = JSON.stringify(rows);
  if (!json.includes('\\ud')) return json;
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'string' ? (value as string & { toWellFormed(): string }).toWellFormed() : value,
  );
}

/** Rows per statement: bounds the JSON text a statement carries (about 1 MB for contacts). */
const POSTGRES_CHUNK = 5000;

/**
 * `json_populate_recordset(null::table, rows)` turns a JSON array into rows of the table's own type, so
 * each value is converted to its column's type by PostgreSQL, and a key a row leaves out is null.
 */
export function postgresRowWriter(db: Queryable): RowWriter {
  const recordsOf = (table: string, rows: readonly object[]) =>
    sql`json_populate_recordset(null::${sql.table(table)}, ${jsonOf(rows)}::json)`;
  const matches = (table: string, columns: readonly string[]) =>
    sql.join(
      columns.map((c) => sql`${sql.ref(`${table}.${c}`)} = ${sql.ref(`k.${c}`)}`),
      sql` and `,
    );
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = sql.join(columnsOf(rows).map((c) => sql.ref(c)));
      for (const part of chunked(rows, POSTGRES_CHUNK))
        await sql`insert into ${sql.table(table)} (${columns}) select ${columns} from ${recordsOf(table, part)}`.execute(
          db,
        );
    },
    async delete(table, columns, keys) {
      if (keys.length === 0) return;
      for (const part of chunked(keys, POSTGRES_CHUNK)) {
        const records = part.map((key) => Object.fromEntries(columns.map((c, i) => [c, key[i]])));
        await sql`delete from ${sql.table(table)} using ${recordsOf(table, records)} as k where ${matches(table, columns)}`.execute(
          db,
        );
      }
    },
    async update(table, updates) {
      // Updates that set the same columns by the same key columns share a statement. Grouping reorders
      // them, which only matters for two updates of one row: such a list is applied one at a time.
      const shapes = new Map<string, { where: string[]; set: string[]; records: Values[] }>();
      const keys = new Set<string>();
      for (const { where, set } of updates) {
        const key = JSON.stringify(where);
        const [whereColumns, setColumns] = [Object.keys(where), Object.keys(set)];
        // A repeated row, or an update that changes its own key, cannot share a record: one at a time.
        if (keys.has(key) || setColumns.some((c) => c in where))
          return kyselyRowWriter(db).update(table, updates);
        keys.add(key);
        const shape = `${whereColumns.join(',')}|${setColumns.join(',')}`;
        let group = shapes.get(shape);
        if (!group) shapes.set(shape, (group = { where: whereColumns, set: setColumns, records: [] }));
        group.records.push({ ...set, ...where });
      }
      for (const group of shapes.values()) {
        const assignments = sql.join(group.set.map((c) => sql`${sql.ref(c)} = ${sql.ref(`k.${c}`)}`));
        for (const part of chunked(group.records, POSTGRES_CHUNK))
          await sql`update ${sql.table(table)} set ${assignments} from ${recordsOf(table, part)} as k where ${matches(table, group.where)}`.execute(
            db,
          );
      }
    },
  };
}
