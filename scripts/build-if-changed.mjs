#!/usr/bin/env node
// Builds unless dist/ is newer than every source it is built from. `--server` checks and builds only the
// server and CLI (tsc), which the unit tests run as a real `kith` process; without it, the web app too,
// which the browser tests need. CI's `npm ci` has already built both once, so there it builds nothing.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const serverOnly = process.argv.includes('--server');
const SERVER_SOURCES = ['src', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const WEB_SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json'];
const SOURCES = serverOnly ? SERVER_SOURCES : [...SERVER_SOURCES, ...WEB_SOURCES];
// `npm run build` stamps dist/.built-at; `npm run build:server` stamps dist/.server-built-at.
const STAMPS = serverOnly ? ['dist/.built-at', 'dist/.server-built-at'] : ['dist/.built-at'];

function newest(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

const builtAt = Math.max(
  0,
  ...STAMPS.map((stamp) => (fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0)),
);
const changedAt = Math.max(...SOURCES.map(newest));
const what = serverOnly ? 'server build' : 'build';
if (changedAt > builtAt)
  execSync(serverOnly ? 'npm run build:server' : 'npm run build', { stdio: 'inherit' });
else process.stderr.write(`${what} is up to date (dist/ is newer than its sources)\n`);
