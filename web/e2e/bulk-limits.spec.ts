/**
 * How many customers one bulk action may cover, said honestly before it is confirmed and, should the
 * server refuse all the same, in the page's language. An agent's limit (AGENT_BULK_LIMIT, 1,000 selected
 * by a filter) shows it with a thousand customers; an admin's 10,000 would need ten times as many on the
 * shared server, so that one is tested without a browser (test/web/bulk-limit.test.ts,
 * test/segments/contact-bulk-limit.test.ts). The customers are deleted at the end.
 */
import { csrfHeaders, expect, importFile, test } from './fixtures';

test('an agent selecting more customers than one action may cover is told so, counted exactly, before and after confirming', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  test.setTimeout(300_000);
  const zh = lang === 'zh';
  await signIn('admin');
  const stamp = `lim${lang}${Date.now().toString(36)}`;
  const lines = Array.from(
    { length: 1000 },
    (_, i) => `c${i}.${stamp}@example.com,Lim ${String(i).padStart(4, '0')} ${stamp}`,
  );
  await importFile(page, `${stamp}.csv`, `email,name\r\n${lines.join('\r\n')}\r\n`);

  await page.context().clearCookies();
  await signIn('agent');
  await page.goto(`/customers?q=${stamp}`);
  const selectPage = page.getByRole('checkbox', {
    name: zh ? '选择本页全部客户' : 'Select every customer on this page',
  });
  await selectPage.check();
  await page.getByRole('button', { name: zh ? /选择全部/ : /Select all/ }).click();
  const bar = page.getByText(zh ? '已选 1,000 位' : '1,000 selected', { exact: true });
  await expect(bar).toBeVisible();
  await page.getByRole('button', { name: zh ? '添加标签' : 'Add tags' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(zh ? '为 1,000 位客户添加标签' : 'Add tags to 1,000 customers');
  const tagsField = dialog.getByLabel(zh ? '标签' : 'Tags');
  await tagsField.fill(stamp);
  await tagsField.press('Enter');
  await tagsField.press('Escape');

  // Meanwhile one more customer matches: the server refuses, and the dialog says why in the page's words.
  const more = await page.request.post('/api/contacts', {
    data: { name: `Lim 1000 ${stamp}`, email: `c1000.${stamp}@example.com` },
    headers: await csrfHeaders(page),
  });
  expect(more.status()).toBe(201);
  await dialog.getByRole('button', { name: zh ? '添加标签' : 'Add tags' }).click();
  const refusal = dialog.getByRole('alert');
  await expect(refusal).toHaveText(
    zh
      ? '客服一次最多处理 1,000 位客户，当前选中 1,001 位。请缩小筛选范围分批操作，或请管理员处理。'
      : 'As an agent you can act on at most 1,000 customers at once, and this selection holds 1,001. Narrow the filter and act on each part, or ask an administrator.',
  );
  await expect(refusal).not.toContainText('selection.filter');
  await shot('customers-bulk-refused');
  await dialog.getByRole('button', { name: zh ? '取消' : 'Cancel' }).click();

  // Now the list's total is a lower bound (a search counts to 1,000); the selection is counted exactly.
  await page.reload();
  await expect(page.getByText(zh ? '超过 1,000 位客户' : 'More than 1,000 customers')).toBeVisible();
  await selectPage.check();
  await page
    .getByRole('button', {
      name: zh ? '选择全部匹配的客户（超过 1,000 位）' : 'Select all customers matching (more than 1,000)',
    })
    .click();
  await expect(page.getByText(zh ? '已选 1,001 位' : '1,001 selected', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: zh ? '加入群组' : 'Add to group' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    zh
      ? '客服一次最多处理 1,000 位客户，当前选中 1,001 位。请缩小筛选范围分批操作，或请管理员处理。'
      : 'As an agent you can act on at most 1,000 customers at once, and this selection holds 1,001. Narrow the filter and act on each part, or ask an administrator.',
  );
  await expect(dialog.getByRole('button', { name: zh ? '加入群组' : 'Add to group' })).toBeDisabled();
  await shot('customers-bulk-limit');
  await dialog.getByRole('button', { name: zh ? '取消' : 'Cancel' }).click();

  // An admin may act on them all; the typed count is the exact number deleted, not the list's bound.
  await page.context().clearCookies();
  await signIn('admin');
  await page.reload();
  await selectPage.check();
  await page
    .getByRole('button', {
      name: zh ? '选择全部匹配的客户（超过 1,000 位）' : 'Select all customers matching (more than 1,000)',
    })
    .click();
  await expect(page.getByText(zh ? '已选 1,001 位' : '1,001 selected', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: zh ? '删除' : 'Delete', exact: true }).click();
  await expect(dialog.getByText(zh ? '输入 1,001 以确认' : 'Type 1,001 to confirm')).toBeVisible();
  await dialog.getByRole('textbox').fill('1001');
  await dialog.getByRole('button', { name: zh ? '删除 1,001 位客户' : 'Delete 1,001 customers' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(page.getByText(zh ? '没有匹配的客户' : 'No customer matches')).toBeVisible();
});
