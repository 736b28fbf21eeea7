#!/usr/bin/env node
// Builds (npm run build) unless dist/ is newer than every source it is built from: the browser tests run
// the built server and web app, and CI's `npm ci` has already built them once.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const STAMP = 'dist/.built-at';
const SOURCES = [
  'src',
  'web/src',
  'web/index.html',
  'web/vite.config.ts',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'web/tsconfig.json',
];

function newest(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

const builtAt = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
const changedAt = Math.max(...SOURCES.map(newest));
if (changedAt > builtAt) execSync('npm run build', { stdio: 'inherit' });
else process.stderr.write('build is up to date (dist/.built-at is newer than the sources)\n');
