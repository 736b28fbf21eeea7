/**
 * A real store for each test file: a fresh SQLite file, or — when KITH_TEST_DATABASE_URL is set — a fresh
 * PostgreSQL schema in that database. Nothing of our storage is mocked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type KithConfig, loadConfig } from '../../src/config.js';
import { type KithServices, openKith } from '../../src/services.js';

export const TEST_DIALECT = process.env.KITH_TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** Environment for a child process (CLI) pointing at this database. */
  env: Record<string, string>;
  config: KithConfig;
  drop(): Promise<void>;
}

let workerDatabase: Promise<string> | null = null;

/**
 * A database of this test worker's own, created on its first use, in which each test gets a schema.
 * Workers run files at once, and Kysely's migrator reads the tables of every schema of its database:
 * a schema another worker dropped meanwhile failed the migration ("schema … does not exist").
 */
function workerDatabaseUrl(baseUrl: string): Promise<string> {
  workerDatabase ??= (async () => {
    const name = `kith_test_w${process.env.VITEST_POOL_ID ?? '0'}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } catch (error) {
      // 42P04: it exists (an earlier run on the same cluster).
      if ((error as { code?: string }).code !== '42P04') throw error;
    } finally {
      await admin.end();
    }
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return workerDatabase;
}

export async function createTestDatabase(extraEnv: Record<string, string> = {}): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-test-'));
  // vitest.config.ts lengthens the list's time limit for every test; the config reads only `env`.
  const inherited: Record<string, string> = process.env.KITH_QUERY_TIMEOUT_MS
    ? { KITH_QUERY_TIMEOUT_MS: process.env.KITH_QUERY_TIMEOUT_MS }
    : {};
  extraEnv = { ...inherited, ...extraEnv };
  const baseUrl = process.env.KITH_TEST_DATABASE_URL;
  if (!baseUrl) {
    const env = { KITH_DATA_DIR: dataDir, ...extraEnv };
    return {
      env,
      config: loadConfig(env),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const workerUrl = await workerDatabaseUrl(baseUrl);
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: workerUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(workerUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = { KITH_DATA_DIR: dataDir, DATABASE_URL: url.toString(), ...extraEnv };
  return {
    env,
    config: loadConfig(env),
    drop: async () => {
      const client = new pg.Client({ connectionString: workerUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestKith extends KithServices {
  database: TestDatabase;
  /** Closes the services and drops the database. */
  destroy(): Promise<void>;
}

export async function createTestKith(extraEnv: Record<string, string> = {}): Promise<TestKith> {
  const database = await createTestDatabase(extraEnv);
  const kith = await openKith(database.config);
  return Object.assign(kith, {
    database,
    destroy: async () => {
      await kith.close();
      await database.drop();
    },
  });
}
