/**
 * The customers screen in a real browser on a large store (issue 15): the time from navigation to the
 * first rows of data on screen, in English and Chinese, for the ways people reach it — typing its
 * address (a cold load: HTML, the app's JavaScript, the session, the first page), following the
 * header's link from another screen, and searching (typing a phone number or a name into the search
 * box). Goal: ≤ 1.5 s after navigation, on 1,000,000 contacts.
 *
 * The store is the one `npm run bench:contacts-list` builds and keeps (the same N contacts; built here
 * first when missing). The server is the built app (`dist/`, built when the sources changed) in a process
 * of its own; the browser is Debian's Chromium (/usr/bin/chromium) driven by Playwright.
 *
 * Usage: npm run bench:web-customers [-- N]        (default 1,000,000)
 *        KITH_BENCH_DATABASE_URL=postgres://… for the PostgreSQL store; KITH_BENCH_REPEAT=10 the timed
 *        navigations per case and language.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { chromium, type Page } from '@playwright/test';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { openKith } from '../src/services.js';
import { startKithServer } from './bench-kith.js';

const N = Number(process.argv[2] ?? 1_000_000);
const REPEAT = Number(process.env.KITH_BENCH_REPEAT ?? 10);
const GOAL_MS = 1500;
const NAV_ZH = '主导航';
const actor: Actor = { userId: null, channel: 'system' };

function storeEnv(): Record<string, string> {
  const baseUrl = process.env.KITH_BENCH_DATABASE_URL;
  const env: Record<string, string> = {
    KITH_DATA_DIR: process.env.KITH_BENCH_LIST_DIR ?? `/tmp/kith-bench-list-${N}`,
  };
  if (baseUrl) {
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=kith_bench_list_${N}`);
    env.DATABASE_URL = url.toString();
  }
  return env;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Milliseconds from the navigation's start (the browser's clock) until the customers table shows data. */
async function untilRows(page: Page, started: number, expectText?: string): Promise<number> {
  const rows = page.locator('table.kith-sticky-head tbody tr a');
  if (expectText) await rows.filter({ hasText: expectText }).first().waitFor({ timeout: 30_000 });
  else await rows.first().waitFor({ timeout: 30_000 });
  return Date.now() - started;
}

/** From the customers screen with its rows, the time from typing `text` into the search box to `expected`'s row. */
async function searchFor(page: Page, text: string, expected: string): Promise<number> {
  await page.goto('/customers');
  await untilRows(page, Date.now());
  const box = page.getByRole('searchbox');
  const started = Date.now();
  await box.fill(text);
  return untilRows(page, started, expected);
}

async function main(): Promise<void> {
  const env = storeEnv();
  // The list benchmark builds (or finds) the store.
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/contacts-list.bench.ts', String(N)], {
    env: { ...process.env, KITH_BENCH_BUILD_ONLY: '1' },
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/build-if-changed.mjs'], { stdio: 'inherit' });
  const login = { email: `web-bench-${Date.now()}@example.org`, password: 'web bench password 1' };
  const kith = await openKith(loadConfig(env));
  let sample: { phone: string; name: string };
  try {
    await kith.users.create({ ...login, role: 'admin' }, actor);
    const page = await kith.contacts.list({ limit: 1, sort: '-created_at', total: false });
    const contact = page.data[0]!;
    sample = { phone: contact.phone!, name: contact.name! };
  } finally {
    await kith.close();
  }

  const port = 45000 + Math.floor(Math.random() * 2000);
  const server = await startKithServer(env, port, { built: true });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: process.env.KITH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const results: Record<string, unknown>[] = [];
  try {
    for (const locale of ['en-US', 'zh-CN']) {
      const context = await browser.newContext({
        baseURL: base,
        locale,
        viewport: { width: 1440, height: 900 },
      });
      const page = await context.newPage();
      expect200(await page.request.post('/api/auth/login', { data: login }));
      const cases: [string, () => Promise<number>][] = [
        [
          'address typed (cold load)',
          async () => {
            // A new load of the whole app each time: nothing kept by the page.
            await page.goto('about:blank');
            const started = Date.now();
            await page.goto('/customers');
            return untilRows(page, started);
          },
        ],
        [
          'header link from another screen',
          async () => {
            await page.goto('/settings');
            const nav = page.getByRole('navigation', {
              name: locale === 'en-US' ? 'Main navigation' : NAV_ZH,
            });
            const link = nav.getByRole('link', {
              name: locale === 'en-US' ? 'Customers' : '客户',
              exact: true,
            });
            await link.waitFor();
            const started = Date.now();
            await link.click();
            return untilRows(page, started);
          },
        ],
        ['search by phone typed', () => searchFor(page, sample.phone, sample.name)],
        ['search by name typed', () => searchFor(page, sample.name, sample.name)],
      ];
      for (const [name, run] of cases) {
        await run(); // warm-up
        const times: number[] = [];
        for (let i = 0; i < REPEAT; i++) times.push(await run());
        times.sort((a, b) => a - b);
        const row = {
          locale,
          case: name,
          p50_ms: pct(times, 50),
          p95_ms: pct(times, 95),
          max_ms: times[times.length - 1],
          within_goal: times.filter((t) => t <= GOAL_MS).length,
          of: times.length,
          load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
        };
        results.push(row);
        console.error(JSON.stringify(row));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
  console.log(
    JSON.stringify(
      {
        contacts: N,
        database: process.env.KITH_BENCH_DATABASE_URL ? 'postgres' : 'sqlite',
        goal_ms: GOAL_MS,
        cpus: os.cpus().length,
        results,
      },
      null,
      2,
    ),
  );
}

function expect200(response: { status(): number }) {
  if (response.status() !== 200) throw new Error(`sign-in answered ${response.status()}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
