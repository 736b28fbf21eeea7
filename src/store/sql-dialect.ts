import { type Kysely, SqliteAdapter } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Which database a connection or transaction talks to, for the few statements the two spell
 * differently (JSON access). Everything else is written once, portably.
 */
// Migrations pass Kysely<any>: this must accept any schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sqlDialectOf(db: Kysely<any>): SqlDialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
