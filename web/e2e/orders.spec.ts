import { encodeTmall, tmallItemsText, tmallOrdersText } from '../../bench/tmall-files';
import { expect, test } from './fixtures';

const TEXT = {
  en: {
    orders: 'Orders',
    totalSpent: 'Total spent',
    shipped: 'Shipped',
    importOrders: 'Import Tmall orders',
    start: 'Start the import',
  },
  zh: {
    orders: '订单',
    totalSpent: '累计消费',
    shipped: '已发货',
    importOrders: '导入天猫订单',
    start: '开始导入',
  },
};

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
    name: zh ? '下载宝贝失败文件' : 'Download the item failures',
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
  await expect(facts).toContainText('148.50');
  await expect(page.getByRole('button', { name: number(1) })).toBeVisible();
  await expect(page.getByText(text.shipped, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: number(1) }).click();
  await expect(page.getByRole('button', { name: number(1) })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText('1 × 龙井茶 250g (规格：礼盒装) · 128.50')).toBeVisible();
  await shot('customer-orders');
  await expectAccessible();

  // The Orders page: its filters live in the URL; an order leads to its customer's Orders tab.
  await page.goto(`/orders?status=completed&q=${number(1)}`);
  await expect(page.getByRole('heading', { name: text.orders, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: number(1) })).toBeVisible();
  await expect(page.getByRole('link', { name: number(2) })).toHaveCount(0);
  await shot('orders');
  await expectAccessible();
  await page.getByRole('link', { name: number(1) }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${buyer}\\?tab=orders`));
});
