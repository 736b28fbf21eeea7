/**
 * The states a calm tool shows when there is nothing to show: a record that does not exist (one
 * not-found state everywhere, naming what was not found and leading back to its list; a merged
 * customer's id still leads to its survivor), lists that are empty (each says what fills it and leads
 * there), and Reports over a range in which nothing was resolved (a sentence, not a chart of zeros).
 */
import type { Page } from '@playwright/test';
import { msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

async function apiPost(page: Page, path: string, data: unknown) {
  const response = await page.request.post(path, { data, headers: await csrfHeaders(page) });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return response.json();
}

/** Well-formed ids that name nothing (Kith's ids: a prefix and 26 Crockford base-32 characters). */
const NONE = '0'.repeat(26);

test('a record that does not exist shows one not-found state with the way back to its list', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const screens = [
    { path: `/customers/ct_${NONE}`, kind: 'customer', list: '/customers' },
    { path: '/customers/ct_nope', kind: 'customer', list: '/customers' },
    { path: `/conversations/cnv_${NONE}`, kind: 'conversation', list: '/conversations' },
    { path: `/imports/imp_${NONE}`, kind: 'import', list: '/imports' },
    { path: `/automation/rules/rule_${NONE}`, kind: 'rule', list: '/automation' },
    { path: `/duplicates/compare?ids=ct_${NONE},ct_${'1'.repeat(26)}`, kind: 'compare', list: '/duplicates' },
    { path: '/no-such-screen', kind: null, list: '/customers' },
  ] as const;
  for (const screen of screens) {
    await page.goto(screen.path);
    const prefix = screen.kind ? `notFound.${screen.kind}` : 'notFound';
    const state = page.getByTestId('not-found');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg(lang, `${prefix}.title`));
    await expect(state).toContainText(msg(lang, `${prefix}.description`));
    const back = state.getByRole('link', { name: msg(lang, `${prefix}.back`) });
    await expect(back).toHaveAttribute('href', new RegExp(`^${screen.list}(\\?|$)`));
    // One style: no alert box beside it.
    await expect(page.getByRole('alert')).toHaveCount(0);
    if (screen.kind === 'customer' && screen.path.endsWith(NONE)) {
      await expectAccessible();
      await shot('not-found-customer');
    }
    if (screen.kind === 'conversation') await shot('not-found-conversation');
  }
  // The way back leads to the list.
  await page.goto(`/automation/rules/rule_${NONE}`);
  await page.getByRole('link', { name: msg(lang, 'notFound.rule.back') }).click();
  await expect(page).toHaveURL(/\/automation$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg(lang, 'automation.title'));
});

test('a merged customer’s id still leads to its survivor', async ({ page, lang, signIn }) => {
  await signIn('admin');
  const stamp = `${lang}-${Date.now().toString(36)}`;
  const kept = await apiPost(page, '/api/contacts', {
    name: `Kept ${stamp}`,
    email: `kept-${stamp}@kith.test`,
  });
  const gone = await apiPost(page, '/api/contacts', { name: `Gone ${stamp}` });
  await apiPost(page, '/api/contacts/merge', { contact_ids: [kept.id, gone.id], survivor_id: kept.id });
  await page.goto(`/customers/${gone.id}`);
  await expect(page).toHaveURL(new RegExp(`/customers/${kept.id}\\?merged_from=${gone.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Kept ${stamp}`);
  await expect(page.getByTestId('not-found')).toHaveCount(0);
});

test('empty lists say what fills them and lead to where that happens', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  // Other specs fill these lists on the shared server: answer with the real response, its rows left out.
  for (const path of ['**/api/contacts/deletions', '**/api/merges', '**/api/exports'])
    await page.route(path, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, data: [], next_cursor: null } });
    });

  await page.goto('/customers/deletions');
  await expect(page.getByRole('heading', { name: msg(lang, 'emptyLists.deletions.title') })).toBeVisible();
  await expect(page.getByText(msg(lang, 'emptyLists.deletions.description'))).toBeVisible();
  await expectAccessible();
  await shot('deletions-empty');
  await page.getByRole('link', { name: msg(lang, 'emptyLists.deletions.action') }).click();
  await expect(page).toHaveURL(/\/customers$/);

  await page.goto('/merges');
  await expect(page.getByRole('heading', { name: msg(lang, 'duplicates.merges.emptyTitle') })).toBeVisible();
  await expect(page.getByText(msg(lang, 'duplicates.merges.empty'))).toBeVisible();
  await expectAccessible();
  await shot('merges-empty');
  await page.getByRole('link', { name: msg(lang, 'duplicates.merges.emptyAction') }).click();
  await expect(page).toHaveURL(/\/duplicates$/);

  await page.goto('/exports');
  const empty = page.getByRole('heading', { name: msg(lang, 'exports.page.emptyTitle') });
  await expect(empty).toBeVisible();
  await expect(page.getByText(msg(lang, 'exports.page.empty'))).toBeVisible();
  // The ways to make an export are offered in the empty state itself, not only in the header.
  await expect(
    page.getByRole('main').getByRole('link', { name: msg(lang, 'exports.page.toCustomers'), exact: true }),
  ).toHaveCount(2);
  // Each says where it leads, not only "Customers" / "Orders", which read like the navigation's entries.
  for (const [key, nav] of [
    ['exports.page.toCustomers', 'nav.customers'],
    ['exports.page.toOrders', 'nav.orders'],
  ] as const)
    expect(msg(lang, key)).not.toBe(msg(lang, nav));
  await expectAccessible();
  await shot('exports-empty');
});

test('Reports says so when nothing was resolved in the range, instead of a chart of zeros', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  await page.goto('/reports?from=2001-01-01&to=2001-01-07');
  await expect(page.getByRole('heading', { name: msg(lang, 'reports.noneResolvedTitle') })).toBeVisible();
  await expect(page.getByRole('img', { name: msg(lang, 'reports.chartLabel') })).toHaveCount(0);
  // The table still shows each agent (assigned, open now).
  await expect(page.getByTestId('report-table')).toBeVisible();
  await expect(page.getByRole('link', { name: msg(lang, 'reports.toConversations') })).toBeVisible();
  await expectAccessible();
  await shot('reports-none-resolved');
});
