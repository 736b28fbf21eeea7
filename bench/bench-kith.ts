/**
 * A throw-away Kith for a benchmark: SQLite in a temporary folder, or a fresh schema in the PostgreSQL
 * database named by KITH_BENCH_DATABASE_URL. `dispose` removes it all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { type KithServices, openKith } from '../src/services.js';

export interface BenchKith {
  kith: KithServices;
  dir: string;
  /** The environment that opens this same Kith (for a child process). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

async function onPostgres(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function openBenchKith(): Promise<BenchKith> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-'));
  const baseUrl = process.env.KITH_BENCH_DATABASE_URL;
  const schema = `bench_${Date.now().toString(36)}`;
  const env: Record<string, string> = { KITH_DATA_DIR: dir };
  if (baseUrl) {
    await onPostgres(baseUrl, `create schema ${schema}`);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
  }
  const kith = await openKith(loadConfig(env));
  return {
    kith,
    dir,
    env,
    dispose: async () => {
      await kith.close();
      fs.rmSync(dir, { recursive: true, force: true });
      if (baseUrl) await onPostgres(baseUrl, `drop schema ${schema} cascade`);
    },
  };
}

/**
 * `kith serve` in a process of its own on 127.0.0.1:`port`, answered once /api/health answers: from
 * the sources (tsx) unless `built` (dist/, as users run it); `nodeArgs` go to its node (a profiler).
 */
export async function startKithServer(
  env: Record<string, string>,
  port: number,
  options: { built?: boolean; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const entry = options.built ? ['dist/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  const child = spawn(
    process.execPath,
    // The young generation `npm start` gives the server (package.json), before the benchmark's own.
    [
      '--max-semi-space-size=64',
      ...(options.nodeArgs ?? []),
      ...entry,
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ],
    { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status < 500) return child;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill();
  throw new Error('the server did not start');
}
