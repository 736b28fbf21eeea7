import { csrfHeaders, expect, importFile, test } from './fixtures';
import type { Locator, Page } from '@playwright/test';
import { msg } from './messages';

const TEXT = {
  en: {
    customers: 'Customers',
    search: 'Search',
    edit: 'Edit',
    email: 'Email',
    city: 'City',
    save: 'Save',
    history: 'Change history',
    newCustomer: 'New customer',
    create: 'Create customer',
    name: 'Name',
    phone: 'Phone',
    birthday: 'Birthday',
    likely: 'This customer probably exists already',
    anyway: 'Create anyway',
    imports: 'Import',
    noMatch: 'No customer matches',
    invalidEmail: 'Not a valid email address',
    ownerIs: 'That value belongs to customer',
    holds: 'Already holds: Email',
    older: 'Show older',
    updated: 'Updated',
  },
  zh: {
    customers: '客户',
    search: '搜索',
    edit: '编辑',
    email: '邮箱',
    city: '城市',
    save: '保存',
    history: '变更记录',
    newCustomer: '新建客户',
    create: '创建客户',
    name: '姓名',
    phone: '手机号',
    birthday: '生日',
    likely: '这位客户可能已经存在',
    anyway: '仍然创建',
    imports: '导入',
    noMatch: '没有匹配的客户',
    invalidEmail: '邮箱地址无效',
    ownerIs: '该值属于客户',
    holds: '已拥有相同的：邮箱',
    older: '显示更早的动态',
    updated: '更新',
  },
};

test('find a customer, open them, see a validation error on the field, save, and see the change in the history', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const text = TEXT[lang];
  await signIn('admin');
  const unique = `${lang}${Date.now().toString(36)}`;
  const created = await page.request.post('/api/contacts', {
    data: {
      name: `王小明 ${unique}`,
      email: `xiaoming.${unique}@example.cn`,
      phone: '+8613800138000'.slice(0, 9) + String(Date.now()).slice(-5),
      city: '上海',
      tags: ['VIP'],
    },
    headers: await csrfHeaders(page),
  });
  expect(created.status(), await created.text()).toBe(201);
  const contact = await created.json();
  const group = await page.request.post('/api/groups', {
    data: { name: `展会客户 ${unique}` },
    headers: await csrfHeaders(page),
  });
  expect(group.status(), await group.text()).toBe(201);
  const groupId = (await group.json()).id;
  const member = await page.request.post(`/api/groups/${groupId}/members`, {
    data: { contact_ids: [contact.id] },
    headers: await csrfHeaders(page),
  });
  expect(member.status(), await member.text()).toBe(200);

  await page.goto('/customers');
  await expect(page.getByRole('heading', { name: text.customers, exact: true })).toBeVisible();
  // `/` jumps to the search box.
  await page.locator('body').press('/');
  await expect(page.getByRole('searchbox', { name: text.search })).toBeFocused();
  await page.keyboard.type(unique);
  await expect(page).toHaveURL(new RegExp(`q=${unique}`));
  await expect(page.getByRole('link', { name: `王小明 ${unique}` })).toBeVisible();
  await shot('customers');
  await expectAccessible();

  // The search survives a reload (it lives in the URL).
  await page.reload();
  await expect(page.getByRole('link', { name: `王小明 ${unique}` })).toBeVisible();
  await page.getByRole('link', { name: `王小明 ${unique}` }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${contact.id}`));
  await expect(page.getByRole('heading', { name: `王小明 ${unique}` })).toBeVisible();
  // Its groups, each a link to the list filtered by it (the timeline's entry for joining it links there too).
  const groupLink = page.getByRole('link', { name: `展会客户 ${unique}` });
  await expect(groupLink).toHaveCount(2);
  await expect(groupLink.first()).toHaveAttribute('href', `/customers?group=${groupId}`);
  await shot('customer');
  await expectAccessible();

  await page.getByRole('button', { name: text.edit }).click();
  const email = page.getByRole('textbox', { name: text.email, exact: true });
  await email.fill('not-an-email');
  await page.getByRole('button', { name: text.save }).click();
  // The server's reason lands on the e-mail field, in the page's language.
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(text.invalidEmail, { exact: true })).toBeVisible();
  await shot('customer-edit-error');
  await email.fill(`ming.${unique}@example.cn`);
  await page.getByRole('textbox', { name: text.city }).fill('杭州');
  await page.getByRole('button', { name: text.save }).click();
  await expect(page.getByText('杭州')).toBeVisible();
  // The save's answer does not drop what only the page's read carries.
  await expect(groupLink.first()).toBeVisible();
  await expect(groupLink).toHaveCount(2);

  await page.getByRole('tab', { name: text.history }).click();
  await expect(page).toHaveURL(/tab=history/);
  const history = page.getByRole('table', { name: text.history });
  // The edit's row: city 上海 → 杭州 (the creation row also shows 上海).
  const cityRow = history.getByRole('row').filter({ hasText: '杭州' });
  await expect(cityRow).toContainText('上海');
  // The newest entry: its time on one line (it wrapped in two), who made it and through what.
  const newest = history.locator('tbody tr').first();
  await expect(newest).toContainText(msg(lang, 'channels.ui'));
  const when = newest.locator('td').first().locator('p');
  expect(
    await when.evaluate(
      (el) => el.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(el).lineHeight),
    ),
  ).toBe(true);
  await shot('customer-history');
});

test('a Tmall buyer’s initial source reads as its name in the list, on their page and in the filter that finds them', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const unique = `src${lang}${Date.now().toString(36)}`;
  const created = await page.request.post('/api/contacts', {
    // The source a Tmall order import gives the buyers it creates.
    data: { name: `淘宝买家 ${unique}`, initial_source: 'tmall', tags: [unique] },
    headers: await csrfHeaders(page),
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const label = msg(lang, 'initialSources.tmall');
  await page.addInitScript(() =>
    localStorage.setItem('kith.customers.columns', JSON.stringify(['initial_source', 'tags', 'updated_at'])),
  );

  await page.goto(`/customers?tag=${unique}`);
  const row = page.getByRole('row').filter({ hasText: `淘宝买家 ${unique}` });
  await expect(row.getByRole('cell', { name: label, exact: true })).toBeVisible();
  // The name the list shows finds them in More filters; the address keeps the source's key.
  await page.getByRole('button', { name: msg(lang, 'customers.moreFilters') }).click();
  await page.getByRole('textbox', { name: msg(lang, 'fields.initial_source') }).fill(label);
  await page.getByRole('button', { name: msg(lang, 'customers.applyFilters') }).click();
  await expect(page).toHaveURL(/initial_source=tmall/);
  await expect(row).toBeVisible();
  await shot('customers-initial-source');
  await expectAccessible();

  await row.getByRole('link', { name: `淘宝买家 ${unique}` }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${id}`));
  const source = page.locator('.kith-fields > div').filter({ hasText: msg(lang, 'fields.initial_source') });
  await expect(source.locator('dd')).toHaveText(label);
});

test('More filters by mouse: a day clicked in the calendar and an attribute clicked in its list are applied', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  await signIn('admin');
  const unique = `mf${lang}${Date.now().toString(36)}`;
  const headers = await csrfHeaders(page);
  const key = `tier_${unique}`;
  const defined = await page.request.post('/api/attributes', {
    headers,
    data: { key, label: key, type: 'text' },
  });
  expect(defined.status()).toBe(201);
  for (const tier of ['gold', 'silver']) {
    const created = await page.request.post('/api/contacts', {
      headers,
      data: { name: `${tier} ${unique}`, tags: [unique], attributes: { [key]: tier } },
    });
    expect(created.status()).toBe(201);
  }
  const row = (tier: string) => page.getByRole('row').filter({ hasText: `${tier} ${unique}` });
  await page.goto(`/customers?tag=${unique}`);
  await expect(row('silver')).toBeVisible();

  // The calendar and the list open inside the panel: a click in them is no click outside it.
  await page.getByRole('button', { name: msg(lang, 'customers.moreFilters') }).click();
  const panel = page.getByRole('dialog');
  const since = panel.getByRole('textbox', { name: msg(lang, 'customers.filters.created_since') });
  await since.click();
  const now = new Date();
  const [y, m, d] = [now.getFullYear(), now.getMonth() + 1, now.getDate()];
  const day =
    lang === 'zh' ? `${y}年${m}月${d}日` : `${d} ${now.toLocaleString('en', { month: 'long' })} ${y}`;
  const dayButton = page.getByRole('button', { name: day, exact: true });
  await expect(dayButton).toBeInViewport();
  await shot('customers-more-filters-calendar');
  await dayButton.click();
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  await expect(since).toHaveValue(iso);
  await panel.getByRole('combobox', { name: msg(lang, 'customers.filters.attribute') }).click();
  await page.getByRole('option', { name: key, exact: true }).click();
  await expect(panel).toBeVisible();
  await panel.getByRole('textbox', { name: msg(lang, 'customers.filters.attributeValue') }).fill('gold');
  await panel.getByRole('button', { name: msg(lang, 'customers.applyFilters') }).click();
  await expect(page).toHaveURL(new RegExp(`created_since=${iso}`));
  await expect(page).toHaveURL(new RegExp(`attr\\.${key}=gold`));
  await expect(row('gold')).toBeVisible();
  await expect(row('silver')).toHaveCount(0);
});

test('at 1024 px with a group chosen, the filters wrap and the Columns button stays whole on screen', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  await signIn('admin');
  const name = `华东区重点客户（双十二大促后需要回访的高价值会员）${Date.now().toString(36)}`;
  const created = await page.request.post('/api/groups', {
    data: { name },
    headers: await csrfHeaders(page),
  });
  // As stored: the server folds the full-width brackets (NFKC).
  const { id, name: stored } = (await created.json()) as { id: string; name: string };
  expect(stored).toContain('双十二');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`/customers?group=${id}`);
  await expect(page.getByRole('button', { name: msg(lang, 'customers.clearFilters') })).toBeVisible();
  const columns = page.getByRole('button', { name: msg(lang, 'customers.columns') });
  // Whole: its label is not clipped, and it ends inside the window.
  const { clipped, right } = await columns.evaluate((button) => {
    const label = button.querySelector('.mantine-Button-label')!;
    return { clipped: label.scrollWidth > label.clientWidth, right: button.getBoundingClientRect().right };
  });
  expect(clipped).toBe(false);
  expect(right).toBeLessThanOrEqual(1024);

  // The chosen group's name, cut short in its box, is whole on hover and in its list.
  const group = page.getByRole('combobox', { name: msg(lang, 'customers.group'), exact: true });
  await expect(group).toHaveAttribute('title', stored);
  await group.click();
  const option = page.getByRole('option', { name: stored });
  await expect(option).toBeVisible();
  const cut = await option.evaluate((o) => o.scrollWidth > o.clientWidth + 1);
  expect(cut).toBe(false);
  await shot('customers-group-list-1024');
  await page.keyboard.press('Escape');
});

test('a customer that does not exist is said so in the page language, with nothing to retry', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('agent');
  await page.goto('/customers/ct_doesnotexist');
  await expect(
    page.getByRole('heading', { name: lang === 'zh' ? '找不到该客户' : 'Customer not found', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('ct_doesnotexist')).toHaveCount(0);
  await expect(page.getByRole('button', { name: lang === 'zh' ? '重试' : 'Try again' })).toHaveCount(0);
});

test('a customers search that runs too long is said so in the page language, with a retry', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('agent');
  // What the server answers past KITH_QUERY_TIMEOUT_MS (src/store/query-timeout.ts).
  await page.route(/\/api\/contacts\?/, (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'query_timeout',
          message:
            'the query took longer than 5000 ms and was stopped; narrow the search or the filters and try again',
          details: { timeout_ms: 5000 },
        },
      }),
    }),
  );
  await page.goto('/customers?q=slow');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(lang === 'zh' ? '查询时间过长' : 'This search took too long');
  await expect(alert).not.toContainText('5000 ms');
  const retry = page.getByRole('button', { name: lang === 'zh' ? '重试' : 'Try again' });
  await expect(retry).toBeVisible();
  // The retry is a button that stands out from the alert's tint, not text indented in it.
  const background = (element: Locator) => element.evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await background(retry)).not.toBe(await background(alert));
});

test('a long timeline shows its newest entries, then older ones on request, down to the creation', async ({
  page,
  lang,
  signIn,
}) => {
  const text = TEXT[lang];
  await signIn('admin');
  const unique = `tl${lang}${Date.now().toString(36)}`;
  const created = await page.request.post('/api/contacts', {
    data: { name: `Timeline ${unique}`, email: `${unique}@example.com` },
    headers: await csrfHeaders(page),
  });
  const { id } = await created.json();
  for (let i = 0; i < 120; i++) {
    const changed = await page.request.patch(`/api/contacts/${id}`, {
      data: { city: `City ${i}` },
      headers: await csrfHeaders(page),
    });
    expect(changed.status()).toBe(200);
  }
  await page.goto(`/customers/${id}`);
  const entries = page.locator('.mantine-Timeline-item');
  await expect(entries).toHaveCount(100);
  await page.getByRole('button', { name: text.older }).click();
  await expect(entries).toHaveCount(121); // 120 changes and the creation
  await expect(page.getByRole('button', { name: text.older })).toHaveCount(0);
  await expect(entries.first()).toContainText(text.updated);
});

test('a customer named like markup shows exactly that text', async ({ page, signIn }) => {
  await signIn('admin');
  const name = `<img src=x onerror=alert(1)> ${Date.now()}`;
  const created = await page.request.post('/api/contacts', {
    data: { name, email: `xss${Date.now()}@example.com` },
    headers: await csrfHeaders(page),
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  await page.goto(`/customers/${id}`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await page.goto(`/customers?q=${encodeURIComponent(name.slice(0, 12))}`);
  await expect(page.getByRole('link', { name })).toBeVisible();
  expect(dialogs).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('a customer with a 200-character name: the page title keeps to two lines, the whole name in its tooltip', async ({
  page,
  signIn,
}) => {
  await signIn('admin');
  const name = `${'Bartholomew Maximilian Fitzgerald-Worthington 欧阳长名字 '.repeat(4)}${Date.now()}`.slice(
    -200,
  );
  const created = await page.request.post('/api/contacts', {
    data: { name, email: `longname${Date.now()}@example.com` },
    headers: await csrfHeaders(page),
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`/customers/${id}`);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(name);
  await expect(heading).toHaveAttribute('title', name);
  const { height, lineHeight } = await heading.evaluate((element) => ({
    height: element.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(element).lineHeight),
  }));
  // It filled nine lines at 1024 px.
  expect(height).toBeLessThanOrEqual(2 * lineHeight + 1);
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('a new customer who probably exists already is shown with a link before being created', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const text = TEXT[lang];
  await signIn('agent');
  const stamp = Date.now().toString(36);
  const email = `dup.${lang}.${stamp}@example.com`;
  const first = await page.request.post('/api/contacts', {
    data: { name: `Jonathan Smithers ${stamp}`, email, city: 'Boston', birthday: '1980-04-12' },
    headers: await csrfHeaders(page),
  });
  expect(first.status()).toBe(201);
  const existing = await first.json();

  await page.goto('/customers');
  // An agent has no import in the navigation.
  await expect(page.getByRole('navigation').getByRole('link', { name: text.imports })).toHaveCount(0);
  await page.getByRole('link', { name: text.newCustomer }).click();
  await expect(page).toHaveURL(/\/customers\/new$/);
  await page.getByRole('textbox', { name: text.name, exact: true }).fill(`Jonathan Smithers ${stamp}`);
  await page.getByRole('textbox', { name: text.city, exact: true }).fill('Boston');
  await page.getByLabel(text.birthday).fill('1980-04-12');
  await page.getByRole('button', { name: text.create }).click();
  await expect(page.getByText(text.likely)).toBeVisible();
  await expect(page.getByRole('link', { name: `Jonathan Smithers ${stamp}` })).toHaveAttribute(
    'href',
    `/customers/${existing.id}`,
  );
  await shot('customer-new-duplicate');
  await page.getByRole('button', { name: text.anyway }).click();
  await expect(page).toHaveURL(/\/customers\/ct_/);
  expect(page.url()).not.toContain(existing.id);

  // The same e-mail cannot be created anyway: the customer holding it is named, by name, with the
  // e-mail it holds, and "create anyway" is not offered.
  await page.goto('/customers/new');
  await page.getByRole('textbox', { name: text.name, exact: true }).fill(`Someone Else ${stamp}`);
  await page.getByRole('textbox', { name: text.email, exact: true }).fill(email.toUpperCase());
  await page.getByRole('button', { name: text.create }).click();
  const likely = page.getByRole('alert').filter({ hasText: text.likely });
  await expect(likely.getByRole('link', { name: `Jonathan Smithers ${stamp}` })).toHaveAttribute(
    'href',
    `/customers/${existing.id}`,
  );
  await expect(likely).toContainText(text.holds);
  await expect(page.getByRole('button', { name: text.anyway })).toHaveCount(0);
  await shot('customer-new-key-held');
});

test('select customers, tag them in bulk, sort the list, and delete them with the typed count', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const zh = lang === 'zh';
  await signIn('admin');
  const batch = `bulk${lang}${Date.now().toString(36)}`;
  for (const [index, name] of ['Ann', 'Bea', 'Cai'].entries()) {
    const created = await page.request.post('/api/contacts', {
      data: { name: `${name} ${batch}`, email: `${name.toLowerCase()}.${batch}@example.com` },
      headers: await csrfHeaders(page),
    });
    expect(created.status(), `customer ${index}`).toBe(201);
  }
  await page.goto(`/customers?q=${batch}&sort=name`);
  await expect(page.getByText(zh ? '3 位客户' : '3 customers')).toBeVisible();
  const names = page.getByRole('table', { name: zh ? '客户' : 'Customers' }).getByRole('link');
  await expect(names).toHaveText([`Ann ${batch}`, `Bea ${batch}`, `Cai ${batch}`]);
  // Sorting by name again reverses it, and the URL says so.
  await page.getByRole('button', { name: zh ? '按姓名排序' : 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=-name/);
  await expect(names).toHaveText([`Cai ${batch}`, `Bea ${batch}`, `Ann ${batch}`]);

  await page
    .getByRole('checkbox', { name: zh ? '选择本页全部客户' : 'Select every customer on this page' })
    .check();
  await expect(page.getByText(zh ? '已选 3 位' : '3 selected')).toBeVisible();
  await page.getByRole('button', { name: zh ? '添加标签' : 'Add tags' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(zh ? '标签' : 'Tags').fill(batch);
  await dialog.getByLabel(zh ? '标签' : 'Tags').press('Enter');
  // Escape closes the suggestions (other tests' tags), not the dialog.
  await dialog.getByLabel(zh ? '标签' : 'Tags').press('Escape');
  await expectAccessible();
  await shot('customers-bulk-tag');
  await dialog.getByRole('button', { name: zh ? '添加标签' : 'Add tags' }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/customers?tag=${batch}`);
  await expect(page.getByText(zh ? '3 位客户' : '3 customers')).toBeVisible();

  // Every customer matching the filter, deleted only once the count is typed.
  await page
    .getByRole('checkbox', { name: zh ? '选择本页全部客户' : 'Select every customer on this page' })
    .check();
  await page.getByRole('button', { name: zh ? '删除' : 'Delete', exact: true }).click();
  const confirm = page.getByRole('button', { name: zh ? '删除 3 位客户' : 'Delete 3 customers' });
  await expect(confirm).toBeDisabled();
  await page.getByRole('dialog').getByRole('textbox').fill('2');
  await expect(confirm).toBeDisabled();
  await page.getByRole('dialog').getByRole('textbox').fill('3');
  // Until when it can be restored, and where, said before and after.
  const where = zh ? '“客户 → 批量删除记录”中恢复' : 'under Customers → Batch deletions';
  await expect(page.getByRole('dialog')).toContainText(where);
  await shot('customers-bulk-delete');
  await confirm.click();
  await expect(page.getByRole('alert').filter({ hasText: where })).toBeVisible();
  await expect(page.getByText(zh ? '没有匹配的客户' : 'No customer matches')).toBeVisible();
});

test('an agent adds a customer to a group and takes them out again, on the customer page', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const zh = lang === 'zh';
  await signIn('admin');
  const stamp = `grp${lang}${Date.now().toString(36)}`;
  const group = await page.request.post('/api/groups', {
    data: { name: `展会 ${stamp}` },
    headers: await csrfHeaders(page),
  });
  expect(group.status()).toBe(201);
  const groupId = ((await group.json()) as { id: string }).id;
  await page.context().clearCookies();
  await signIn('agent');
  const created = await page.request.post('/api/contacts', {
    data: { name: `Gao ${stamp}`, email: `gao.${stamp}@example.com` },
    headers: await csrfHeaders(page),
  });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: string }).id;

  await page.goto(`/customers/${id}`);
  await expect(page.getByText(zh ? '尚未加入任何群组。' : 'In no group yet.')).toBeVisible();
  const picker = page.getByRole('combobox', { name: zh ? '加入群组…' : 'Add to a group…' });
  await picker.click();
  await picker.fill(stamp);
  await page.getByRole('option', { name: `展会 ${stamp}` }).click();
  const groups = page.getByRole('list', { name: zh ? '群组' : 'Groups' });
  const link = groups.getByRole('link', { name: `展会 ${stamp}` });
  await expect(link).toHaveAttribute('href', `/customers?group=${groupId}`);
  await expect(page.getByText(zh ? '尚未加入任何群组。' : 'In no group yet.')).toHaveCount(0);
  await expect(picker).toHaveValue('');
  await picker.press('Escape');
  await expectAccessible();
  await shot('customer-groups');
  // The server has it: the group's list holds the customer.
  const members = await page.request.get(`/api/contacts?group=${groupId}`);
  expect(((await members.json()) as { total: number }).total).toBe(1);

  await page
    .getByRole('button', { name: zh ? `移出群组“展会 ${stamp}”` : `Remove from group “展会 ${stamp}”` })
    .click();
  await expect(page.getByText(zh ? '尚未加入任何群组。' : 'In no group yet.')).toBeVisible();
  const after = await page.request.get(`/api/contacts?group=${groupId}`);
  expect(((await after.json()) as { total: number }).total).toBe(0);
});

test('the list works by keyboard: / to search, arrows to move, Enter to open', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('agent');
  const stamp = `kb${lang}${Date.now().toString(36)}`;
  for (const name of ['Kim', 'Lee']) {
    const created = await page.request.post('/api/contacts', {
      data: { name: `${name} ${stamp}`, email: `${name.toLowerCase()}.${stamp}@example.com` },
      headers: await csrfHeaders(page),
    });
    expect(created.status()).toBe(201);
  }
  await page.goto('/customers?sort=name');
  await expect(page.getByRole('searchbox')).toBeVisible();
  await page.locator('body').press('/');
  await page.keyboard.type(stamp);
  await expect(page).toHaveURL(new RegExp(`q=${stamp}`));
  // The filtered rows, not the previous page still shown while they load.
  await expect(page.getByText(lang === 'zh' ? '2 位客户' : '2 customers')).toBeVisible();
  await expect(
    page.getByRole('table', { name: lang === 'zh' ? '客户' : 'Customers' }).getByRole('link'),
  ).toHaveText([`Kim ${stamp}`, `Lee ${stamp}`]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { name: `Lee ${stamp}` });
  await expect(heading).toBeVisible();
  // Focus follows: the opened page's heading, then Edit; the form opens on its first field; Escape
  // closes it with focus back on Edit.
  await expect(heading).toBeFocused();
  await page.keyboard.press('Tab');
  const editButton = page.getByRole('button', { name: lang === 'zh' ? '编辑' : 'Edit' });
  await expect(editButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('textbox', { name: lang === 'zh' ? '姓名' : 'Name', exact: true }),
  ).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(editButton).toBeFocused();
});

/** The list's header row is on screen: below the app's fixed header, above the window's bottom. */
async function expectHeadInView(page: Page, table: Locator, where: string) {
  const appHeader = await page.locator('header').first().boundingBox();
  const viewport = page.viewportSize()!;
  await expect
    .poll(async () => (await table.locator('thead').boundingBox())!.y, { message: `${where}: header top` })
    .toBeGreaterThanOrEqual(appHeader!.y + appHeader!.height - 0.5);
  expect((await table.locator('thead').boundingBox())!.y, `${where}: header top`).toBeLessThan(
    viewport.height,
  );
}

test('a long list keeps its header row in view while it scrolls, at 1440 and at 1024 px', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const zh = lang === 'zh';
  await signIn('admin');
  const stamp = `long${lang}${Date.now().toString(36)}`;
  const lines = Array.from(
    { length: 60 },
    (_, i) => `row${i}.${stamp}@example.com,Row ${String(i).padStart(2, '0')} ${stamp}`,
  );
  await importFile(page, `${stamp}.csv`, `email,name\r\n${lines.join('\r\n')}\r\n`);

  await page.goto(`/customers?q=${stamp}&sort=name`);
  const table = page.getByRole('table', { name: TEXT[lang].customers });
  // A page of 50 of the 60.
  await expect(table.locator('tbody tr')).toHaveCount(50);
  const firstRow = table.locator('tbody tr').first();
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Scrolled as a reader does, the wheel over the rows, well past the first screenful.
    await table.locator('tbody tr').nth(3).hover();
    for (let step = 0; step < 12; step++) await page.mouse.wheel(0, 300);
    await expectHeadInView(page, table, `${size.width} px, scrolled`);
    // The first rows went by, under the header.
    await expect
      .poll(async () => {
        const head = (await table.locator('thead').boundingBox())!;
        return (await firstRow.boundingBox())!.y + 1 < head.y + head.height;
      })
      .toBe(true);
    await shot(`customers-long-list-${size.width}`);
    // At the page's end the whole list's box is in view, its header and the next page's button too.
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await expectHeadInView(page, table, `${size.width} px, page at its end`);
    await expect(page.getByRole('button', { name: zh ? '下一页' : 'Next page' })).toBeInViewport();
  }
  // The box scrolling up and down is a labelled region the keyboard reaches.
  await expect(page.getByRole('region', { name: TEXT[lang].customers })).toHaveAttribute('tabindex', '0');
  await expectAccessible();
});
