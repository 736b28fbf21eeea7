import SqliteDatabase from 'better-sqlite3';
import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Store } from './database.js';
import * as m0001 from './migrations/0001-contacts-and-users.js';
import * as m0002 from './migrations/0002-imports-and-jobs.js';
import * as m0003 from './migrations/0003-duplicates-and-merges.js';
import * as m0004 from './migrations/0004-conversations-and-automation.js';
import * as m0005 from './migrations/0005-webhooks.js';
import * as m0006 from './migrations/0006-contact-attributes-in-contact-row.js';
import * as m0007 from './migrations/0007-sign-in-throttle.js';
import * as m0008 from './migrations/0008-user-language-and-audit-indexes.js';
import * as m0009 from './migrations/0009-contact-search.js';
import * as m0010 from './migrations/0010-import-warnings.js';
import * as m0011 from './migrations/0011-contact-change-log.js';
import * as m0012 from './migrations/0012-orders.js';
import * as m0013 from './migrations/0013-idempotency-keys.js';
import * as m0014 from './migrations/0014-duplicate-review-indexes.js';
import * as m0015 from './migrations/0015-sync-connections.js';
import * as m0016 from './migrations/0016-conversation-stream.js';
import * as m0018 from './migrations/0018-job-progress.js';
import * as m0019 from './migrations/0019-saved-import-mappings.js';
import * as m0020 from './migrations/0020-user-invites.js';
import * as m0021 from './migrations/0021-purchase-fact-sort-indexes.js';
import * as m0022 from './migrations/0022-export-files-and-sync-pause.js';
import * as m0023 from './migrations/0023-tag-counts-by-writers.js';
import * as m0024 from './migrations/0024-compact-duplicate-pairs.js';
import * as m0026 from './migrations/0026-contact-attribute-index.js';
import * as m0027 from './migrations/0027-contact-attribute-search.js';
import * as m0028 from './migrations/0028-webhook-secret-sealed.js';
import * as m0029 from './migrations/0029-job-takeovers.js';
import * as m0030 from './migrations/0030-session-devices.js';
import * as m0031 from './migrations/0031-job-abandoned.js';
import * as m0032 from './migrations/0032-rebanded-duplicate-pairs.js';
import * as m0033 from './migrations/0033-dry-run-imported-for-real.js';
import * as m0034 from './migrations/0034-one-pending-invite-per-email.js';
import * as m0035 from './migrations/0035-import-files-deleted.js';
import * as m0036 from './migrations/0036-export-deleted.js';
import * as m0037 from './migrations/0037-deleted-files-reasons.js';
import { ensurePrivateFile } from './private-files.js';

/** Migrations are compiled into the code base (no directory scanning), so dist/ and tsx behave alike. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-contacts-and-users': m0001,
  '0002-imports-and-jobs': m0002,
  '0003-duplicates-and-merges': m0003,
  '0004-conversations-and-automation': m0004,
  '0005-webhooks': m0005,
  '0006-contact-attributes-in-contact-row': m0006,
  '0007-sign-in-throttle': m0007,
  '0008-user-language-and-audit-indexes': m0008,
  '0009-contact-search': m0009,
  '0010-import-warnings': m0010,
  '0011-contact-change-log': m0011,
  '0012-orders': m0012,
  '0013-idempotency-keys': m0013,
  '0014-duplicate-review-indexes': m0014,
  '0015-sync-connections': m0015,
  '0016-conversation-stream': m0016,
  '0018-job-progress': m0018,
  '0019-saved-import-mappings': m0019,
  '0020-user-invites': m0020,
  '0021-purchase-fact-sort-indexes': m0021,
  '0022-export-files-and-sync-pause': m0022,
  '0023-tag-counts-by-writers': m0023,
  '0024-compact-duplicate-pairs': m0024,
  '0026-contact-attribute-index': m0026,
  '0027-contact-attribute-search': m0027,
  '0028-webhook-secret-sealed': m0028,
  '0029-job-takeovers': m0029,
  '0030-session-devices': m0030,
  '0031-job-abandoned': m0031,
  '0032-rebanded-duplicate-pairs': m0032,
  '0033-dry-run-imported-for-real': m0033,
  '0034-one-pending-invite-per-email': m0034,
  '0035-import-files-deleted': m0035,
  '0036-export-deleted': m0036,
  '0037-deleted-files-reasons': m0037,
};

class BundledMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date; safe to call from several processes at once. PostgreSQL is serialised by
 * Kysely's advisory lock; Kysely assumes one connection per SQLite file, so there we hold an exclusive
 * lock on a companion file for the duration.
 */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  if (store.dialect !== 'sqlite') return runMigrations(store);
  // better-sqlite3 waits for the file lock synchronously, so callers in this process queue here first.
  const previous = sqliteMigrationsInProcess.get(store.location) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => migrateSqlite(store));
  sqliteMigrationsInProcess.set(store.location, current);
  return current;
}

const sqliteMigrationsInProcess = new Map<string, Promise<MigrationReport>>();

async function migrateSqlite(store: Store): Promise<MigrationReport> {
  const lockFile = `${store.location}.migrate-lock`;
  ensurePrivateFile(lockFile);
  const lock = new SqliteDatabase(lockFile);
  try {
    lock.pragma('busy_timeout = 60000');
    lock.exec('BEGIN EXCLUSIVE');
    return await runMigrations(store);
  } finally {
    if (lock.inTransaction) lock.exec('ROLLBACK');
    lock.close();
  }
}

async function runMigrations(store: Store): Promise<MigrationReport> {
  // Kysely looks for its bookkeeping tables in every schema; name ours, or a database holding several
  // Kith schemas would see another schema's tables and skip creating its own.
  const migrationTableSchema =
    store.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: new BundledMigrationProvider(),
    migrationTableSchema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
