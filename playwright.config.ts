/**
 * Browser tests of the web app: Debian's Chromium (/usr/bin/chromium; nothing downloads a browser),
 * against real `kith serve` processes on SQLite, or on PostgreSQL when KITH_TEST_DATABASE_URL is set.
 * Each test runs in English and in Chinese (the browser's language picks the app's);
 * KITH_E2E_LANGUAGES=en (a comma list) runs only those, as CI's PostgreSQL pass does: the language is the
 * page's concern, the database the server's, and the SQLite pass already walks every screen in both.
 * KITH_E2E_SCOPE=database runs only the flows whose server work differs by database (search, bulk
 * imports, scans and merges, orders, sync, the live stream); the others' API is tested on both databases.
 */
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const DATABASE_FLOWS = ['customers', 'deletions', 'duplicates', 'imports', 'orders', 'sync', 'workspace'];
const languages = process.env.KITH_E2E_LANGUAGES?.split(',').map((name) => name.trim()) ?? null;

export default defineConfig({
  testDir: 'web/e2e',
  ...(process.env.KITH_E2E_SCOPE === 'database'
    ? { testMatch: DATABASE_FLOWS.map((name) => `**/${name}.spec.ts`) }
    : {}),
  globalSetup: './web/e2e/global-setup.ts',
  // One per language list: scripts/browser-tests.mjs runs the languages in processes of their own at once.
  outputDir: `test-results/playwright${languages ? `-${languages.join('-')}` : ''}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Whole wizard runs take a minute on a busy 2-core machine.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: process.env.KITH_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'en', use: { locale: 'en-GB', browserName: 'chromium' as const } },
    { name: 'zh', use: { locale: 'zh-CN', browserName: 'chromium' as const } },
  ].filter((project) => languages === null || languages.includes(project.name)),
});
