/**
 * Opens the store: PostgreSQL when DATABASE_URL is set, otherwise the embedded SQLite file
 * `<KITH_DATA_DIR>/kith.sqlite`. Both are reached through the same Kysely query layer.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { ensurePrivateFile, makePrivateDir, restrictToOwner } from './private-files.js';
import { isPostgresTimeout, QueryTimeoutError } from './query-timeout.js';
import { heavyReadsAtOnce, openSqliteReadPool, type ReadLane } from './read-pool.js';
import { registerSqliteFunctions } from './sqlite-functions.js';
import { type RowReader, sqliteRowReader } from './row-reader.js';
import { postgresRowWriter, type RowWriter, sqliteRowWriter } from './row-writer.js';
import type { KithDatabase } from './schema.js';
import type { Dialect } from './sql-dialect.js';
import type { Queryable } from './transaction.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

export interface Store {
  db: Kysely<KithDatabase>;
  dialect: Dialect;
  /** Where the data lives, for logs (password removed). */
  location: string;
  /** The fastest way to insert many rows through `db` (a connection of this store or its transaction). */
  rowWriter(db: Queryable): RowWriter;
  /** Rows as arrays straight from the database, where that is much cheaper than Kysely (SQLite); else null. */
  rowReader: RowReader | null;
  /**
   * Connections for the list's reads (search, filters, counts), each query limited to `readTimeoutMs`
   * (then QueryTimeoutError): on SQLite read-only connections on threads of their own (read-pool.ts),
   * so a slow read never blocks the event loop or the writer; on PostgreSQL a pool of its own with
   * statement_timeout. `heavy` is for reads that may examine many rows (searches, unindexed filters).
   */
  reader(lane: ReadLane): Kysely<KithDatabase>;
  readTimeoutMs: number;
  /** Resolves once the database answered a trivial query (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl: string | null;
  /** Time limit of a list read (ms; KITH_QUERY_TIMEOUT_MS in the config); default 5,000. */
  readTimeoutMs?: number;
  /** SQLite read threads (KITH_READ_THREADS in the config); default 3. */
  readThreads?: number;
}

/**
 * The URL with these settings for every session it opens, added to the URL's own `options` (which the
 * driver would let override a separate setting): in force before the session's first statement.
 */
function withSessionSettings(databaseUrl: string, settings: Record<string, string>): string {
  const url = new URL(databaseUrl);
  const added = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`);
  url.searchParams.set('options', `${url.searchParams.get('options') ?? ''}${added.join('')}`.trim());
  return url.toString();
}

export function openStore(options: StoreOptions): Store {
  const readTimeoutMs = options.readTimeoutMs ?? 5000;
  if (options.databaseUrl) {
    // Loaded only for PostgreSQL: the driver is 15 MB of every process on the embedded store.
    const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
    // No JIT compilation: Kith's statements are bounded (pages, batches), and PostgreSQL compiles any
    // whose estimate passes jit_above_cost — 66 ms of compiling for a 2,000-contact export page that
    // runs in 20.
    const pool = new Pool({
      connectionString: withSessionSettings(options.databaseUrl, { jit: 'off' }),
      max: 10,
    });
    survivesLostConnections(pool);
    const db = new Kysely<KithDatabase>({ dialect: new PostgresDialect({ pool }) });
    // Reads of the list get connections of their own, so searches never hold the writers' ones. The
    // list's queries are written for their indexes; PostgreSQL's estimates for pg_trgm patterns are
    // poor, and the sequential scan it may pick for a rare name reads the whole table. Each lane has
    // its pool: a page of the list never queues behind searches for a connection, and the heavy lane
    // runs at most one statement fewer than the cores at once (a core stays for the pages).
    const readDb = (max: number, prepare: boolean) => {
      const readPool = new Pool({
        connectionString: withSessionSettings(options.databaseUrl!, {
          jit: 'off',
          enable_seqscan: 'off',
        }),
        max,
        statement_timeout: readTimeoutMs,
      });
      survivesLostConnections(readPool);
      if (prepare) prepareRepeatedStatements(readPool);
      return new Kysely<KithDatabase>({ dialect: new TimeLimitedPostgresDialect(readPool, readTimeoutMs) });
    };
    const readers: Record<ReadLane, Kysely<KithDatabase>> = {
      // Only the light lane's statements (pages by an index) are prepared: a search's plan depends on its
      // pattern, which a generic plan would not know.
      light: readDb(8, true),
      heavy: readDb(heavyReadsAtOnce(Infinity), false),
    };
    const url = new URL(options.databaseUrl);
    url.password = '';
    return {
      db,
      dialect: 'postgres',
      location: url.toString(),
      rowWriter: postgresRowWriter,
      rowReader: null,
      reader: (lane) => readers[lane],
      readTimeoutMs,
      ping: () => ping(db),
      close: async () => {
        await Promise.all([readers.light.destroy(), readers.heavy.destroy()]);
        await db.destroy();
      },
    };
  }
  makePrivateDir(options.dataDir);
  const file = path.join(options.dataDir, 'kith.sqlite');
  // SQLite would create the database 0644; it gives its -wal and -shm files the database file's mode,
  // so creating the file 0600 first keeps all three private (and tightens those of older versions).
  ensurePrivateFile(file);
  for (const companion of [`${file}-wal`, `${file}-shm`]) restrictToOwner(companion);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Several processes (server, CLI, worker) may share the file: wait for a lock instead of failing.
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints run on a thread of their own (`wal-checkpointer.ts`). Should it fall behind, a writer
  // checkpoints itself once the WAL holds 40,000 pages (160 MB); the WAL file is truncated back to
  // 64 MB after a larger transaction.
  sqlite.pragma('wal_autocheckpoint = 40000');
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // Started by the 20th write transaction: a command that writes a few rows and exits never pays for it.
  let checkpointer: WalCheckpointer | null = null;
  let writes = 0;
  const onWriteTransaction = () => {
    if (++writes === 20) checkpointer = startWalCheckpointer(file);
  };
  // The list's queries call kith_deadline() on the rows they examine; on the read threads it enforces
  // the time limit, here (a write transaction's reads, a CLI) it lets them run. They also confirm name
  // matches.
  registerSqliteFunctions(sqlite, () => Infinity);
  const db = new Kysely<KithDatabase>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, onWriteTransaction),
  });
  const readPool = openSqliteReadPool(file, {
    threads: options.readThreads ?? 3,
    timeoutMs: readTimeoutMs,
  });
  // One connection per SQLite store: prepared statements on it run inside whatever transaction is open.
  const writer = sqliteRowWriter(sqlite);
  return {
    db,
    dialect: 'sqlite',
    location: file,
    rowWriter: () => writer,
    rowReader: sqliteRowReader(sqlite),
    reader: (lane) => readPool.db(lane),
    readTimeoutMs,
    ping: () => ping(db),
    close: async () => {
      await readPool.close();
      await db.destroy();
      await checkpointer?.close();
    },
  };
}

async function ping(db: Kysely<KithDatabase>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** True when a statement failed on a unique index, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * SQLite transactions that write must take the write lock when they begin: a deferred transaction that
 * reads and then writes fails with SQLITE_BUSY (instead of waiting) when another process wrote meanwhile.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly onWriteTransaction: () => void,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.onWriteTransaction();
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch (e) {
      // SQLite rolls the transaction back itself on some errors (a full disk, an I/O error): the error
      // that caused it is the one to report, not that there was nothing left to roll back.
      if (e instanceof Error && /no transaction is active/.test(e.message)) return;
      throw e;
    }
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; on SQLite preparing costs about as much as running a small query.
 * The same SQL text reuses its prepared statement (safe: one connection, statements run to completion
 * synchronously; Kysely's streaming, the one way a statement could stay busy, is not used). The cache
 * forgets the oldest statement beyond a bound, since `in (?, ?, …)` lists make many texts.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        statements.set(text, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly onWriteTransaction: () => void,
  ) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqliteConfig, this.onWriteTransaction);
  }
}

/** A statement text asked this many times on a pool is then prepared on each of its connections. */
const PREPARE_AFTER = 3;
/** At most this many statements prepared per connection (and texts counted per pool). */
const PREPARED_PER_CONNECTION = 200;

/**
 * The list's statements are few texts asked again and again (a page of each sort, with or without a
 * cursor); planning one of them costs PostgreSQL about as much as running it (0.5 ms for a page that
 * reads its contacts' JSON). A text asked PREPARE_AFTER times is sent as a named prepared statement, so
 * each connection parses it once and PostgreSQL may keep its plan; texts asked once or twice (a search
 * with its id list) stay unnamed, and each connection prepares a bounded number.
 */
/**
 * An idle pooled connection that the server drops (a restart, a failover, an administrator's
 * pg_terminate_backend) makes the pool emit `error`; with no listener that ends the process — every
 * request and background job with it. The pool has already discarded the connection and opens a new
 * one on the next query, so the loss is only said, once per outage rather than once per connection.
 */
function survivesLostConnections(pool: pg.Pool): void {
  let lastSaid = 0;
  pool.on('error', (error: Error & { code?: string }) => {
    if (Date.now() - lastSaid < 60_000) return;
    lastSaid = Date.now();
    process.stderr.write(
      `PostgreSQL closed an idle connection (${error.code ?? error.message}); a new one is opened on the next query\n`,
    );
  });
}

function prepareRepeatedStatements(pool: pg.Pool): void {
  /** Times each text was asked, and its statement's name once it has one. */
  const asked = new Map<string, { times: number; name?: string }>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const prepared = new Set<string>();
    (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
      if (typeof text !== 'string' || !Array.isArray(values) || rest.length > 0)
        return query(text, values, ...rest);
      let seen = asked.get(text);
      if (!seen) {
        // Counted afresh once full: one-off texts (an id list's) must not keep new ones from counting.
        if (asked.size >= PREPARED_PER_CONNECTION * 10) asked.clear();
        asked.set(text, (seen = { times: 0 }));
      }
      if (++seen.times < PREPARE_AFTER) return query(text, values);
      if (!prepared.has(text)) {
        if (prepared.size >= PREPARED_PER_CONNECTION) return query(text, values);
        prepared.add(text);
      }
      const name = (seen.name ??= `kith_${createHash('sha1').update(text).digest('hex')}`);
      return (query({ name, text, values }) as Promise<unknown>).catch((error: { code?: string }) => {
        // A table changed under the statement (another process migrated the store): PostgreSQL refuses
        // its cached plan ("must not change result type"). Forget it on this connection, run it unnamed.
        if (error?.code !== '0A000') throw error;
        prepared.delete(text);
        delete (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
          .parsedStatements[name];
        void (query(`deallocate ${name}`) as Promise<unknown>).catch(() => {});
        return query(text, values);
      });
    };
  });
}

/** PostgreSQL reads whose statement_timeout answers QueryTimeoutError rather than a driver error. */
class TimeLimitedPostgresDialect extends PostgresDialect {
  constructor(
    pool: pg.Pool,
    private readonly timeoutMs: number,
  ) {
    super({ pool });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const timeoutMs = this.timeoutMs;
    const acquire = driver.acquireConnection.bind(driver);
    // The driver hands out the same connection object for a pooled client every time: wrapped once
    // (wrapped on every acquire, each query went through one more layer per request it had served).
    const wrapped = new WeakSet<DatabaseConnection>();
    driver.acquireConnection = async () => {
      const connection = await acquire();
      if (wrapped.has(connection)) return connection;
      wrapped.add(connection);
      const execute = connection.executeQuery.bind(connection);
      return Object.assign(connection, {
        executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
          try {
            return await execute<R>(query);
          } catch (e) {
            throw isPostgresTimeout(e) ? new QueryTimeoutError(timeoutMs) : e;
          }
        },
      });
    };
    return driver;
  }
}
