#!/usr/bin/env node
// The browser tests, one Playwright process per language at once: each starts its own servers and
// stores (web/e2e/global-setup.ts) on its own ports, so the two share nothing but the machine, and the
// suite takes about the time of the longer language instead of both one after the other. With
// KITH_E2E_LANGUAGES set, one process runs those languages, as before. Arguments go to Playwright.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import process from 'node:process';

const LANGUAGES = ['en', 'zh'];
/** Ports a run takes above KITH_E2E_PORT: the main and fresh servers and one a test restarts. */
const PORTS_PER_RUN = 20;

const args = process.argv.slice(2);
const basePort = Number(process.env.KITH_E2E_PORT ?? 4310);
const runs = process.env.KITH_E2E_LANGUAGES
  ? [{ label: null, env: {} }]
  : LANGUAGES.map((language, index) => ({
      label: language,
      env: { KITH_E2E_LANGUAGES: language, KITH_E2E_PORT: String(basePort + index * PORTS_PER_RUN) },
    }));

const children = runs.map(({ label, env }) => {
  const child = spawn(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...args], {
    env: { ...process.env, ...env },
    stdio: label === null ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  if (label !== null) {
    // Whole lines, each marked with its run: the two outputs interleave line by line only.
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      readline.createInterface({ input: from }).on('line', (line) => to.write(`${label} | ${line}\n`));
    }
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
});

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
const codes = await Promise.all(children);
process.exit(codes.find((code) => code !== 0) ?? 0);
