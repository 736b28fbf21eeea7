/**
 * Starts two real servers from the built CLI: a fresh one (no user yet) for the first-run set-up, and
 * one with an administrator and an agent for everything else. Their addresses reach the tests through
 * the environment.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const CLI = path.resolve('dist/cli/main.js');
export const ADMIN = { email: 'admin@kith.test', password: 'admin password 1' };
export const AGENT = { email: 'agent@kith.test', password: 'agent password 1' };

async function freshDatabaseUrl(): Promise<string | null> {
  const base = process.env.KITH_TEST_DATABASE_URL;
  if (!base) return null;
  const name = `kith_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function storeEnv(): Promise<Record<string, string>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-e2e-'));
  const databaseUrl = await freshDatabaseUrl();
  return {
    KITH_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    LOG_LEVEL: 'warn',
    // Sync connections store their passwords encrypted; sync.spec.ts syncs with a Radicale on this machine.
    KITH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
    KITH_OUTBOUND_ALLOW: '127.0.0.1',
  };
}

function start(
  env: Record<string, string>,
  port: number,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (response.ok) return resolve({ child, stderr: () => err });
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline)
        return reject(new Error(`kith serve did not start:\n${out}\n${err}`));
      setTimeout(poll, 200);
    };
    void poll();
  });
}

export default async function globalSetup() {
  if (!fs.existsSync(CLI)) throw new Error('build first: npm run build');
  const basePort = Number(process.env.KITH_E2E_PORT ?? 4310);

  const mainEnv = await storeEnv();
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...mainEnv, DATABASE_URL: mainEnv.DATABASE_URL ?? '' },
      stdio: 'pipe',
    });
  cli('migrate');
  cli(
    'users',
    'create',
    '--email',
    ADMIN.email,
    '--password',
    ADMIN.password,
    '--role',
    'admin',
    '--name',
    'Ada Admin',
  );
  cli(
    'users',
    'create',
    '--email',
    AGENT.email,
    '--password',
    AGENT.password,
    '--role',
    'agent',
    '--name',
    'Li Agent',
  );
  const main = await start(mainEnv, basePort);

  const freshEnv = await storeEnv();
  const fresh = await start(freshEnv, basePort + 1);
  // `kith serve` prints the one-time link once it listens.
  let token = '';
  for (let i = 0; i < 50 && !token; i++) {
    token = /setup#token=(\S+)/.exec(fresh.stderr())?.[1] ?? '';
    if (!token) await new Promise((r) => setTimeout(r, 100));
  }
  if (!token) throw new Error(`no setup link printed:\n${fresh.stderr()}`);

  process.env.KITH_E2E_URL = `http://127.0.0.1:${basePort}`;
  process.env.KITH_E2E_FRESH_URL = `http://127.0.0.1:${basePort + 1}`;
  process.env.KITH_E2E_SETUP_TOKEN = token;
  process.env.KITH_E2E_DATA_DIR = mainEnv.KITH_DATA_DIR;

  return async () => {
    for (const server of [main, fresh]) server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const env of [mainEnv, freshEnv]) fs.rmSync(env.KITH_DATA_DIR!, { recursive: true, force: true });
  };
}
