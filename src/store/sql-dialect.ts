import { type Kysely, SqliteAdapter } from 'kysely';

/** Which database a store runs on (`Store.dialect`). */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Which database a connection or transaction talks to, for the few statements the two spell
 * differently (JSON access). Everything else is written once, portably.
 */
// Migrations pass Kysely<any>: this must accept any schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sqlDialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
