import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from './fixtures';
import { msg } from './messages';

const DIST = path.resolve('dist/web');
const INITIAL_JS_BUDGET_GZIP = 250 * 1024;

test('the first page loads at most 250 KB of gzipped JavaScript', async ({ page, lang }) => {
  test.skip(lang === 'zh', 'both languages are measured here');
  for (const [acceptLanguage, chunk] of [
    ['en-GB,en;q=0.9', /assets\/en-[^"]+\.js/],
    ['zh-CN,zh;q=0.9', /assets\/zh-[^"]+\.js/],
  ] as const) {
    // The page as the server sends it: the entry script, every module it preloads and the strings of
    // the reader's language — what a browser fetches before the first screen.
    const html = await (
      await page.request.get('/', { headers: { 'accept-language': acceptLanguage } })
    ).text();
    const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(files.filter((file) => chunk.test(file))).toHaveLength(1);
    const bytes = files.reduce(
      (sum, file) => sum + gzipSync(fs.readFileSync(path.join(DIST, file))).length,
      0,
    );
    console.log(
      `initial JavaScript (${acceptLanguage}): ${(bytes / 1024).toFixed(1)} KB gzipped in ${files.length} file(s)`,
    );
    expect(bytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_GZIP);
  }
});

test('pages are served with a strict Content-Security-Policy, assets cached for a year, and no page cached', async ({
  page,
  lang,
}) => {
  test.skip(lang === 'zh', 'headers do not depend on the language');
  const response = await page.goto('/customers/some-id?tab=history');
  expect(response!.status()).toBe(200);
  const headers = response!.headers();
  expect(headers['cache-control']).toBe('no-store');
  const csp = headers['content-security-policy']!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await response!.text())![1]!;
  const assetResponse = await page.request.get(asset);
  expect(assetResponse.headers()['cache-control']).toContain('immutable');
  // Unknown API routes stay JSON 404s, not the app.
  const missing = await page.request.get('/api/no-such-route');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe('route_not_found');
});

test('an unknown address shows a page that leads back, in the user’s language', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('agent');
  await page.goto('/no/such/page');
  await expect(
    page.getByRole('heading', { name: lang === 'zh' ? '页面不存在' : 'Page not found' }),
  ).toBeVisible();
  await page.getByRole('link', { name: lang === 'zh' ? '前往客户列表' : 'Go to customers' }).click();
  await expect(page).toHaveURL(/\/customers$/);
});

test('with the server gone, a screen says it cannot reach it, inside the layout; a save says the same', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  await page.goto('/customers/new');
  await page.getByRole('textbox', { name: msg(lang, 'fields.name'), exact: true }).fill('Nobody Saved');
  await page.getByRole('textbox', { name: msg(lang, 'fields.email'), exact: true }).fill('saved@example.com');
  // The server stops answering: neither a request nor the next screen's code arrives.
  await page.route('**/*', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: msg(lang, 'customer.create') }).click();
  await expect(page.getByRole('alert').filter({ hasText: msg(lang, 'common.errors.network') })).toBeVisible();
  await page.getByRole('link', { name: msg(lang, 'nav.orders'), exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: msg(lang, 'common.errors.network') })).toBeVisible();
  // The navigation stays: another screen is one click away once the server is back.
  await page.unroute('**/*');
  await page.getByRole('link', { name: msg(lang, 'nav.customers'), exact: true }).click();
  await expect(page.getByRole('heading', { name: msg(lang, 'customers.title'), level: 1 })).toBeVisible();
});

test('the language switch in the header changes every label and is kept after a reload', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('agent');
  await page.goto('/customers');
  const other = lang === 'zh' ? 'English' : '中文';
  await page.getByRole('banner').getByText(other, { exact: true }).click();
  const heading = lang === 'zh' ? 'Customers' : '客户';
  await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'en' : 'zh-CN');
  await page.reload();
  await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  // Back to the project's language for the tests that follow.
  await page
    .getByRole('banner')
    .getByText(lang === 'zh' ? '中文' : 'English', { exact: true })
    .click();
});
