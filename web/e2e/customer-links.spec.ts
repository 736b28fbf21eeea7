/**
 * What the customer screens say about what a link or an entry names: a filter of the address that names
 * no tag, group or attribute (said and removable in one click), a tag the server refuses (its reason in
 * the user's language, the text kept), a filter whose value the server cannot filter by (said with the
 * reason, removable), an import on the timeline and in the list's import filter by its file name, and
 * the admin-only actions an agent is not offered.
 */
import { csrfHeaders, expect, test } from './fixtures';
import { msg } from './messages';

const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test('a filter of the address that names nothing is said, and removed in one click', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  const id = run();
  const created = await page.request.post('/api/contacts', {
    headers: await csrfHeaders(page),
    data: { name: `Links ${id}`, email: `links-${id}@example.com`, tags: [`links-${id}`] },
  });
  expect(created.status()).toBe(201);

  await page.goto(`/customers?q=${id}&attr.foo=bar&tag=nope-${id}&group=grp_nope`);
  const notice = page.getByRole('status').filter({ hasText: m('customers.ignored.title') });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(m('customers.ignored.attribute', { key: 'foo', value: 'bar' }));
  await expect(notice).toContainText(m('customers.ignored.tag', { value: `nope-${id}` }));
  await expect(notice).toContainText(m('customers.ignored.group', { value: 'grp_nope' }));
  // Never the server's English refusal; the list and its count are those of the filters that remain.
  await expect(page.getByText('is not defined')).toHaveCount(0);
  await expect(page.getByRole('link', { name: `Links ${id}` })).toBeVisible();
  await expect(page.getByText(m('customers.total', { count: 1, formatted: '1' }))).toBeVisible();
  await expectAccessible();
  await shot('customers-ignored-filters');

  await notice.getByRole('button', { name: m('customers.ignored.remove') }).click();
  await expect(page).toHaveURL(new RegExp(`/customers\\?q=${id}$`));
  await expect(notice).toHaveCount(0);

  // A tag written in another case is the tag: the Tag select shows it, and nothing is ignored.
  await page.goto(`/customers?tag=LINKS-${id}`);
  await expect(page.getByRole('combobox', { name: m('customers.tag') })).toHaveValue(`links-${id}`);
  await expect(page.getByRole('link', { name: `Links ${id}` })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: m('customers.ignored.title') })).toHaveCount(0);
});

test('a filter whose value the server cannot filter by is said with the reason, and removed in one click', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  const id = run();
  const headers = await csrfHeaders(page);
  for (const [key, type, options] of [
    [`vip_${id}`, 'boolean', undefined],
    [`pts_${id}`, 'number', undefined],
    [`lvl_${id}`, 'list', ['Gold', 'Silver']],
  ] as const) {
    const defined = await page.request.post('/api/attributes', {
      headers,
      data: { key, label: key, type, ...(options ? { options } : {}) },
    });
    expect(defined.status()).toBe(201);
  }
  const created = await page.request.post('/api/contacts', {
    headers,
    data: { name: `Values ${id}`, email: `values-${id}@example.com`, attributes: { [`lvl_${id}`]: 'Gold' } },
  });
  expect(created.status()).toBe(201);
  const refused = (name: string, value: string, reason: string, vars?: Record<string, string>) =>
    m('customers.ignored.refused', { name, value, reason: m(`customers.ignored.reasons.${reason}`, vars) });

  await page.goto(
    `/customers?q=${id}&attr.vip_${id}=maybe&attr.pts_${id}=lots&attr.lvl_${id}=gold&created_since=yesterday`,
  );
  const notice = page.getByRole('status').filter({ hasText: m('customers.ignored.title') });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(refused(`vip_${id}`, 'maybe', 'boolean'));
  await expect(notice).toContainText(refused(`pts_${id}`, 'lots', 'number'));
  await expect(notice).toContainText(refused(m('customers.filters.created_since'), 'yesterday', 'instant'));
  // Never the server's English refusal; the list is that of the filters that remain (the option in
  // another case is the option).
  await expect(page.getByText('must be true or false')).toHaveCount(0);
  await expect(page.getByRole('link', { name: `Values ${id}` })).toBeVisible();
  await expect(page.getByText(m('customers.total', { count: 1, formatted: '1' }))).toBeVisible();
  await expectAccessible();
  await shot('customers-refused-values');
  await notice.getByRole('button', { name: m('customers.ignored.remove') }).click();
  await expect(page).toHaveURL(new RegExp(`/customers\\?q=${id}&attr.lvl_${id}=gold$`));
  await expect(notice).toHaveCount(0);

  // A value the list let through and the server refused all the same (here the list is told the
  // attribute is text): the server's reason in the user's language, and the filter removable.
  await page.route('**/api/attributes', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { data: { key: string; type: string }[] };
    for (const definition of body.data) if (definition.key === `vip_${id}`) definition.type = 'text';
    await route.fulfill({ response, json: body });
  });
  await page.goto(`/customers?q=${id}&attr.vip_${id}=maybe`);
  const alert = page.getByRole('status').filter({ hasText: m('customers.ignored.serverTitle') });
  await expect(alert).toContainText(refused(`vip_${id}`, 'maybe', 'boolean'));
  await expect(page.getByText('must be true or false')).toHaveCount(0);
  await shot('customers-server-refused-value');
  await alert.getByRole('button', { name: m('customers.ignored.serverRemove') }).click();
  await expect(page).toHaveURL(new RegExp(`/customers\\?q=${id}$`));
  await expect(page.getByRole('link', { name: `Values ${id}` })).toBeVisible();
});

test("a tag the server refuses is said in the user's language and stays to be corrected", async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  const id = run();
  const created = await page.request.post('/api/contacts', {
    headers: await csrfHeaders(page),
    data: { name: `Tagged ${id}`, email: `tagged-${id}@example.com` },
  });
  const contact = (await created.json()) as { id: string };
  const long = `t${id}`.padEnd(120, 'x');
  const tooLong = m('customer.reasons.tooLong', { count: 100 });

  await page.goto(`/customers/${contact.id}`);
  const tags = page.getByRole('combobox', { name: m('fields.tags') });
  await tags.fill(long);
  await tags.press('Enter');
  await expect(page.getByText(tooLong)).toBeVisible();
  await expect(tags).toHaveValue(long);
  await shot('customer-tag-refused');
  // Corrected, it is added.
  await tags.fill(`ok-${id}`);
  await expect(page.getByText(tooLong)).toHaveCount(0);
  await tags.press('Enter');
  await expect(page.getByText(`ok-${id}`, { exact: true })).toBeVisible();

  // The list's bulk "add tags": the reason on the field, naming the tag, the tags kept.
  await page.goto(`/customers?q=${id}`);
  await page.getByRole('checkbox', { name: m('customers.selectRow', { name: `Tagged ${id}` }) }).check();
  await page.getByRole('button', { name: m('customers.bulk.addTags') }).click();
  const dialog = page.getByRole('dialog');
  const field = dialog.getByRole('combobox', { name: m('fields.tags') });
  await field.fill(`fine-${id}`);
  await field.press('Enter');
  await field.fill(long);
  await field.press('Enter');
  // The suggestions' dropdown would cover the buttons: leave the field first.
  await dialog.getByRole('heading').click();
  await dialog
    .getByRole('button', { name: m('customers.bulk.confirm.add_tags', { count: 1, formatted: '1' }) })
    .click();
  await expect(dialog.getByText(`${long.slice(0, 23)}…`)).toBeVisible();
  await expect(dialog.getByText(tooLong)).toBeVisible();
  await expect(dialog.getByText(`fine-${id}`, { exact: true })).toBeVisible();
  await shot('customers-bulk-tag-refused');
});

test('the timeline and the import filter name an import by its file name, linking to it', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  const id = run();
  const file = `timeline-${id}.csv`;
  const started = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: {
      file: {
        name: file,
        mimeType: 'text/csv',
        buffer: Buffer.from(`email,name\r\ntl-${id}@example.com,Timeline ${id}\r\n`),
      },
      options: JSON.stringify({}),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/imports/${importId}`)).json()) as { status: string }).status,
      { timeout: 30_000 },
    )
    .toBe('completed');
  const found = (await (await page.request.get(`/api/contacts?q=tl-${id}@example.com`)).json()) as {
    data: { id: string }[];
  };
  await page.goto(`/customers/${found.data[0]!.id}`);
  const link = page.getByRole('link', { name: file });
  await expect(link).toBeVisible();
  // The entry says what the row did: it made this customer.
  await expect(page.getByText(m('customer.events.imported_created'), { exact: true })).toBeVisible();
  await expect(page.getByText(importId)).toHaveCount(0);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/imports/${importId}$`));

  // The list's import filter names it by its file name too, linking to it.
  await page.goto(`/customers?import=${importId}`);
  const chip = page.getByRole('link', { name: m('imports.customersFilter.label', { name: file }) });
  await expect(chip).toBeVisible();
  await expect(page.getByRole('link', { name: `Timeline ${id}` })).toBeVisible();
  await expect(page.getByText(importId)).toHaveCount(0);
  await shot('customers-import-filter');

  // An agent, who may not read imports, reads "an import", not its id.
  await page.context().clearCookies();
  await signIn('agent');
  await page.goto(`/customers/${found.data[0]!.id}`);
  await expect(page.getByText(m('customer.entry.anImport'), { exact: false })).toBeVisible();
  await expect(page.getByText(importId)).toHaveCount(0);
  // And the list's import filter, without a link to a page the server refuses them.
  await page.goto(`/customers?import=${importId}`);
  await expect(page.getByText(m('imports.customersFilter.unnamed'), { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: m('imports.customersFilter.unnamed') })).toHaveCount(0);
  await expect(page.getByRole('link', { name: `Timeline ${id}` })).toBeVisible();
  await expect(page.getByText(importId)).toHaveCount(0);
  await shot('customers-import-filter-agent');
});

test('an agent is not offered what only an administrator may do', async ({ page, lang, signIn, shot }) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('agent');
  await page.goto('/automation');
  await expect(page.getByText(m('common.errors.forbiddenTitle'))).toBeVisible();
  await expect(page.getByRole('button', { name: m('automation.newRule') })).toHaveCount(0);
  await shot('automation-agent');
  await page.goto('/exports');
  await expect(page.getByRole('heading', { name: m('exports.page.title'), exact: true })).toBeVisible();
  // The header's link, and the empty list's own when this server has no export yet.
  await expect(
    page
      .getByRole('main')
      .getByRole('link', { name: m('exports.page.toOrders') })
      .first(),
  ).toBeVisible();
  await expect(
    page.getByRole('main').getByRole('link', { name: m('exports.page.toCustomers'), exact: true }),
  ).toHaveCount(0);

  // An administrator still has both.
  await page.context().clearCookies();
  await signIn('admin');
  await page.goto('/automation');
  await expect(page.getByRole('button', { name: m('automation.newRule') }).first()).toBeVisible();
  await page.goto('/exports');
  await expect(
    page
      .getByRole('main')
      .getByRole('link', { name: m('exports.page.toCustomers'), exact: true })
      .first(),
  ).toBeVisible();
});
