import { encodeTmall, tmallItemsText, tmallOrdersText } from '../../bench/tmall-files';
import { msg } from './messages';
import { expect, test } from './fixtures';

const TEXT = {
  en: {
    orders: 'Orders',
    totalSpent: 'Total spent',
    shipped: 'Shipped',
    importOrders: 'Import Tmall orders',
    start: 'Start the import',
    q: 'Order number or nickname',
    since: 'Ordered from',
    to: 'Ordered to (inclusive)',
    minAmount: 'Paid at least',
    maxAmount: 'Paid at most',
    filter: 'Filter',
    clear: 'Clear the filters',
    noMatch: 'No order matches these filters',
    importAction: 'Import orders',
    amountError: 'Enter an amount such as 99.50.',
    anyStatus: 'Any status',
    ignored: 'Some filters in the address were ignored',
    removeIgnored: 'Remove them from the address',
    twoOrders: '2 orders, newest first.',
  },
  zh: {
    orders: '订单',
    totalSpent: '累计消费',
    shipped: '已发货',
    importOrders: '导入天猫订单',
    start: '开始导入',
    q: '订单号或买家昵称',
    since: '下单起始日期',
    to: '下单截止日期（含当天）',
    minAmount: '实付不低于',
    maxAmount: '实付不高于',
    filter: '筛选',
    clear: '清除筛选条件',
    noMatch: '没有符合这些筛选条件的订单',
    importAction: '导入订单',
    amountError: '请填写金额，例如 99.50。',
    anyStatus: '任意状态',
    ignored: '地址中的部分筛选条件已被忽略',
    removeIgnored: '从地址中移除',
    twoOrders: '共 2 个订单，最新的在前。',
  },
};

// The order days below are China days; the page's days are the browser's.
test.use({ timezoneId: 'Asia/Shanghai' });

test("a Tmall import from the browser shows on the buyer's Orders tab, with the items of an order", async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const text = TEXT[lang];
  await signIn('admin');
  // Unique per run and language: order numbers and the buyer's phone.
  const stamp = String(Date.now()).slice(-7) + (lang === 'en' ? '1' : '2');
  const phone = `139${stamp}`.slice(0, 11);
  const number = (k: number) => `28363${stamp}${k}`;
  const order = (k: number, status: string, paid: string) => ({
    number: number(k),
    nick: `e2e_${stamp}`,
    goods: paid,
    paid,
    status,
    receiver: '周八',
    address: '浙江省 杭州市 西湖区 文三路1号(310000)',
    phone,
    createdAt: `2026-11-0${k} 10:00:00`,
    paidAt: `2026-11-0${k} 10:01:00`,
  });
  const orders = encodeTmall(
    tmallOrdersText([order(1, '交易成功', '128.50'), order(2, '卖家已发货，等待买家确认', '20.00')]),
    'gbk',
  );
  const items = encodeTmall(
    tmallItemsText([
      { number: number(1), title: '龙井茶 250g', price: '128.50', quantity: '1', properties: '规格：礼盒装' },
      { number: number(2), title: '茶杯', price: '10.00', quantity: '2' },
      // An item whose order is not in the orders file: an item failure, downloadable from the import.
      { number: `${number(1).slice(0, -1)}9`, title: '茶盘', price: '30.00', quantity: '1' },
    ]),
    'gbk',
  );
  // Both reports chosen together in the browser, then followed on the import's page.
  await page.goto('/imports');
  await page.getByRole('link', { name: text.importOrders }).click();
  await expect(page).toHaveURL(/\/imports\/orders\/new$/);
  const files = page.locator('input[type=file]');
  // Another shop's export, then the two reports the wrong way round: refused before anything is
  // queued, in the page's language, with the headers the file lacks and the ones it has instead.
  const listed = (...names: string[]) => names.join(msg(lang, 'orders.import.layout.separator'));
  const otherShop = Buffer.from(`Order number,Buyer mobile,订单状态\n${number(1)},${phone},paid\n`);
  await files.nth(0).setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: otherShop });
  await files.nth(1).setInputFiles({ name: '宝贝报表.csv', mimeType: 'text/csv', buffer: items });
  await page.getByRole('button', { name: text.start }).click();
  const refused = page.getByRole('alert');
  await expect(refused).toContainText(
    msg(lang, 'orders.import.layout.notOrders', {
      missing: listed(
        '订单编号',
        '买家会员名',
        '买家实际支付金额',
        '收货人姓名',
        '收货地址',
        '联系手机',
        '订单创建时间',
      ),
    }),
  );
  await expect(refused).toContainText(
    msg(lang, 'orders.import.layout.unknown', { headers: listed('Order number', 'Buyer mobile') }),
  );
  await files.nth(0).setInputFiles({ name: '宝贝报表.csv', mimeType: 'text/csv', buffer: items });
  await files.nth(1).setInputFiles({ name: '订单报表.csv', mimeType: 'text/csv', buffer: orders });
  await page.getByRole('button', { name: text.start }).click();
  await expect(refused).toContainText(msg(lang, 'orders.import.layout.swapped'));
  if (lang === 'zh') await expect(refused).not.toContainText('Tmall');
  await expect(page).toHaveURL(/\/imports\/orders\/new$/);

  await files.nth(0).setInputFiles({ name: '订单报表.csv', mimeType: 'text/csv', buffer: orders });
  await files.nth(1).setInputFiles({ name: '宝贝报表.csv', mimeType: 'text/csv', buffer: items });
  await shot('orders-import');
  await expectAccessible();
  await page.getByRole('button', { name: text.start }).click();
  await expect(page).toHaveURL(/\/imports\/imp_/);
  const importId = /\/imports\/(imp_[0-9a-z]+)/.exec(page.url())![1]!;
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/imports/${importId}`)).json()) as { status: string }).status,
    )
    .toBe('completed');
  // The import's page tells what the two reports gave, and hands over the item failures.
  const zh = lang === 'zh';
  await expect(page.getByRole('heading', { name: zh ? '天猫报表' : 'Tmall reports' })).toBeVisible();
  await expect(
    page.getByText(
      zh ? /3 行宝贝：2 行关联到订单，1 行失败/ : /3 item rows: 2 joined to their orders, 1 failed/,
    ),
  ).toBeVisible();
  const itemFailures = page.getByRole('link', {
    name: zh ? '下载宝贝的失败记录文件' : 'Download the item failures',
  });
  await expect(itemFailures).toHaveAttribute('href', `/api/imports/${importId}/item-failures`);
  await shot('orders-import-result');
  const list = (await (await page.request.get(`/api/orders?q=${number(1)}`)).json()) as {
    data: { contact_id: string }[];
  };
  const buyer = list.data[0]!.contact_id;

  await page.goto(`/customers/${buyer}?tab=orders`);
  await expect(page.getByRole('tab', { name: text.orders })).toHaveAttribute('aria-selected', 'true');
  const facts = page.getByTestId('purchase-facts');
  await expect(facts).toContainText(text.totalSpent);
  // Money in the reader's way, with the orders' currency: ¥ in Chinese, CN¥ in English.
  const yuan = zh ? '¥' : 'CN¥';
  await expect(facts).toContainText(`${yuan}148.50`);
  await expect(page.getByRole('button', { name: number(1) })).toBeVisible();
  await expect(page.getByText(text.shipped, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: number(1) }).click();
  await expect(page.getByRole('button', { name: number(1) })).toHaveAttribute('aria-expanded', 'true');
  await expect(
    page.getByText(
      `1 × ${msg(lang, 'customer.orders.itemTitle', { title: '龙井茶 250g', properties: '规格：礼盒装' })} · ${yuan}128.50`,
    ),
  ).toBeVisible();
  await shot('customer-orders');
  await expectAccessible();

  // The Orders page: its filters live in the URL; an order leads to its customer's Orders tab.
  await page.goto(`/orders?status=completed&q=${number(1)}`);
  await expect(page.getByRole('heading', { name: text.orders, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: number(1) })).toBeVisible();
  await expect(page.getByRole('link', { name: number(2) })).toHaveCount(0);
  // Each order names its customer, a link to them.
  await expect(page.getByRole('link', { name: '周八', exact: true })).toHaveAttribute(
    'href',
    `/customers/${buyer}`,
  );
  await shot('orders');
  await expectAccessible();
  // Beside long names (a company buyer, a long receiver) and a shop's long order number, at 1024 px: the
  // status keeps its whole word (it showed "Clos…"), the order number stays on one line (it broke at
  // each hyphen) and the list scrolls sideways in its own box instead of past the window's edge.
  const found = (await (await page.request.get(`/api/orders?q=${number(1)}`)).json()) as {
    data: Record<string, unknown>[];
  };
  const longName =
    'Maximilian-Alexander Wolfeschlegelsteinhausen-Bergerdorff 上海浦东陆家嘴某某科技有限公司采购部';
  const longNumber = `${number(1)}-SPLIT-2026-TMALL-FLAGSHIP`;
  await page.route(/\/api\/orders\?/, (route) =>
    route.fulfill({
      json: {
        ...found,
        data: found.data.map((order) => ({
          ...order,
          order_number: longNumber,
          receiver_name: longName,
          buyer_nick: longName,
        })),
      },
    }),
  );
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.reload();
  const numberLink = page.getByRole('link', { name: longNumber });
  await expect(numberLink).toBeVisible();
  expect(await numberLink.evaluate((el) => el.getClientRects().length)).toBe(1);
  const status = page.getByRole('row').filter({ has: numberLink }).locator('.mantine-Badge-label');
  expect(await status.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    'no sideways scroll of the whole page',
  ).toBe(true);
  await shot('orders-1024');
  await page.unroute(/\/api\/orders\?/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.reload();
  await page.getByRole('link', { name: number(1) }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${buyer}\\?tab=orders`));

  // The filter form follows the URL: Back after a search shows the unfiltered list and an empty box.
  const nick = `e2e_${stamp}`;
  const one = page.getByRole('link', { name: number(1) });
  const two = page.getByRole('link', { name: number(2) });
  await page.goto('/orders');
  const search = page.getByLabel(text.q);
  // `/` goes to the search box, as on the customers list.
  await expect(search).toBeVisible();
  await page.locator('body').press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
  await search.fill(number(1));
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/orders\\?q=${number(1)}$`));
  await expect(one).toBeVisible();
  await expect(two).toHaveCount(0);
  await page.goBack();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(search).toHaveValue('');
  await page.goForward();
  await expect(search).toHaveValue(number(1));

  // The end day is inclusive: from 2026-11-01 to 2026-11-01 is that whole day's orders.
  await page.goto(`/orders?q=${nick}`);
  await expect(one).toBeVisible();
  await expect(two).toBeVisible();
  await expect(page.getByText(text.twoOrders)).toBeVisible();
  // By keyboard: the rows are one tab stop, the arrows move, Enter opens the buyer's Orders tab.
  const orderRows = page.locator('tbody tr[data-row]');
  await expect(orderRows).toHaveCount(2);
  await expect(orderRows.first()).toHaveAttribute('tabindex', '0');
  await expect(orderRows.nth(1)).toHaveAttribute('tabindex', '-1');
  await orderRows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(orderRows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/customers/${buyer}\\?tab=orders`));
  await page.goBack();
  await expect(page.getByText(text.twoOrders)).toBeVisible();
  await page.getByLabel(text.since).fill('2026-11-01');
  // The calendar speaks the page's language whatever the browser's (a native date input follows the
  // browser's): a day picked there is the day filtered on.
  await page.getByLabel(text.to).click();
  const calendar = page.getByText(lang === 'zh' ? /^\d{4}年\d{1,2}月$/ : /^[A-Z][a-z]+ \d{4}$/);
  // One calendar: the first field's closes as the second's opens.
  await expect(calendar).toHaveCount(1);
  await expect(calendar).toBeVisible();
  await shot('orders-date-calendar');
  await expectAccessible();
  await page.getByLabel(text.to).fill('2026-11-01');
  await page.keyboard.press('Escape');
  await expect(calendar).toHaveCount(0);
  await page.getByRole('button', { name: text.filter, exact: true }).click();
  await expect(page).toHaveURL(/since=2026-11-01&to=2026-11-01/);
  await expect(one).toBeVisible();
  await expect(two).toHaveCount(0);
  await shot('orders-one-day');
  // A link with the older, exclusive `before` shows the same orders, its end read as the day before.
  await page.goto(`/orders?q=${nick}&before=2026-11-02`);
  await expect(page.getByLabel(text.to)).toHaveValue('2026-11-01');
  await expect(one).toBeVisible();
  await expect(two).toHaveCount(0);

  // Amounts: one the server would read (¥100) filters; one that is no amount is named under its field.
  await page.goto(`/orders?q=${nick}`);
  await page.getByLabel(text.minAmount).fill('¥100');
  await page.getByLabel(text.maxAmount).fill('abc');
  await page.getByRole('button', { name: text.filter, exact: true }).click();
  await expect(page.getByText(text.amountError)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/orders\\?q=${nick}$`));
  await page.getByLabel(text.maxAmount).fill('');
  await page.getByRole('button', { name: text.filter, exact: true }).click();
  await expect(page).toHaveURL(/min_amount=100/);
  await expect(one).toBeVisible();
  await expect(two).toHaveCount(0);

  // Filters that match nothing: say so and offer to clear them, not to import.
  await page.goto(`/orders?q=${nick}&min_amount=1000`);
  await expect(page.getByRole('heading', { name: text.noMatch })).toBeVisible();
  await expect(page.getByRole('link', { name: text.importAction })).toHaveCount(0);
  await shot('orders-no-match');
  await expectAccessible();
  await page.getByRole('button', { name: text.clear }).last().click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByLabel(text.q)).toHaveValue('');
  await expect(page.getByLabel(text.minAmount)).toHaveValue('');

  // Values in the URL the page cannot filter by are ignored, saying so in words, never the server's.
  await page.goto(`/orders?status=bogus&q=${nick}&min_amount=abc&since=2026-13-45&source=Not%20a%20source`);
  const notice = page.getByRole('status').filter({ hasText: text.ignored });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('bogus');
  await expect(notice).toContainText('abc');
  await expect(notice).toContainText('2026-13-45');
  await expect(page.getByText(/must be one of|must be an ISO date|must be a decimal/)).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByPlaceholder(text.anyStatus)).toBeVisible();
  await expect(one).toBeVisible();
  await expect(two).toBeVisible();
  await shot('orders-ignored-filters');
  await expectAccessible();
  await notice.getByRole('button', { name: text.removeIgnored }).click();
  await expect(page).toHaveURL(new RegExp(`/orders\\?q=${nick}$`));
  await expect(notice).toHaveCount(0);

  // Undo says what it does in orders — the two it created, the buyer it created — and then what it did.
  await page.goto(`/imports/${importId}`);
  await page.getByRole('button', { name: msg(lang, 'imports.undo.button') }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(msg(lang, 'imports.undo.ordersDeletes', { count: 2, n: 2 }));
  await expect(dialog).toContainText(msg(lang, 'imports.undo.buyersDeletes', { count: 1, n: 1 }));
  await expect(dialog).not.toContainText(msg(lang, 'imports.undo.deletes', { count: 2, n: 2 }));
  await dialog.getByRole('button', { name: msg(lang, 'imports.undo.confirm') }).click();
  await expect(
    page.getByText(msg(lang, 'imports.undo.ordersReport', { orders: 2, deleted: 1, gone: 0 })),
  ).toBeVisible();
  const left = (await (await page.request.get(`/api/orders?q=${number(1)}`)).json()) as { total: number };
  expect(left.total).toBe(0);
});
