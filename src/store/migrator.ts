import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './migrations/0001-contacts-and-users.js';
import type { KithDatabase } from './schema.js';

/** Migrations are compiled into the code base (no directory scanning), so dist/ and tsx behave alike. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-contacts-and-users': m0001,
};

class BundledMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema up to date; safe to call from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<KithDatabase>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new BundledMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
