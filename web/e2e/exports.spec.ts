/**
 * Exports in the browser: the customers list's Export dialog (a direct download link carrying the view's
 * filters, and a background export followed to its download button), the Exports page, and the orders
 * page's Export menu.
 */
import type { Page } from '@playwright/test';
import { msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

async function apiPost(page: Page, path: string, data: unknown) {
  const response = await page.request.post(path, { data, headers: await csrfHeaders(page) });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return response.json();
}

test('exports: the customers view exported directly and in the background, then listed under Exports', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const tag = `export-${lang}-${Date.now().toString(36)}`;
  for (const name of ['导出 张三', '导出 李四', '=SUM(A1)'])
    await apiPost(page, '/api/contacts', { name: `${name} ${tag}`, tags: [tag] });

  await page.goto(`/customers?tag=${tag}`);
  await expect(page.getByRole('link', { name: new RegExp(`张三 ${tag}`) })).toBeVisible();
  await page.getByRole('button', { name: msg(lang, 'exports.export'), exact: true }).click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'exports.dialogTitle') });
  await expect(dialog.getByTestId('export-what')).toHaveText(msg(lang, 'exports.matching', { formatted: 3 }));
  const tagFilter = msg(lang, 'exports.page.filterItem', { label: msg(lang, 'customers.tag'), value: tag });
  await expect(dialog).toContainText(tagFilter);
  const download = dialog.getByRole('link', { name: msg(lang, 'exports.download'), exact: true });
  await expect(download).toHaveAttribute(
    'href',
    new RegExp(
      `^/api/contacts/export\\?format=csv&columns=id%2Cname%2C.*&column_names=${lang}&time_zone=[\\w%]+&tag=${tag}$`,
    ),
  );
  // Headed in the page's language by default; field keys for other tools, and no choice for JSON.
  const naming = dialog.getByRole('combobox', { name: msg(lang, 'exports.columnNames'), exact: true });
  await expect(naming).toHaveValue(msg(lang, `exports.columnNaming.${lang}`));
  await naming.click();
  await page.getByRole('option', { name: msg(lang, 'exports.columnNaming.keys') }).click();
  await expect(download).toHaveAttribute(
    'href',
    new RegExp(`^/api/contacts/export\\?format=csv&columns=id%2Cname%2C[^&]*&tag=${tag}$`),
  );
  await naming.click();
  await page.getByRole('option', { name: msg(lang, `exports.columnNaming.${lang}`) }).click();
  await dialog.getByRole('combobox', { name: msg(lang, 'exports.format'), exact: true }).click();
  await page.getByRole('option', { name: msg(lang, 'exports.formats.json'), exact: true }).click();
  await expect(naming).toHaveCount(0);
  await dialog.getByRole('combobox', { name: msg(lang, 'exports.format'), exact: true }).click();
  await page.getByRole('option', { name: msg(lang, 'exports.formats.xlsx') }).click();
  await dialog.getByRole('radio', { name: msg(lang, 'exports.columnsAll') }).check();
  await expect(download).toHaveAttribute(
    'href',
    new RegExp(`^/api/contacts/export\\?format=xlsx&column_names=${lang}&time_zone=[\\w%]+&tag=${tag}$`),
  );
  const direct = await page.request.get((await download.getAttribute('href'))!);
  expect(direct.status()).toBe(200);
  expect(direct.headers()['content-type']).toContain('spreadsheetml');
  // The background hint wraps to two lines in both languages: lines apart, none clipped by the next
  // (Mantine's 1.2 line height is too tight for Chinese glyphs).
  const hint = dialog.getByText(msg(lang, 'exports.howBackgroundHint', { days: 7 }));
  const lines = await hint.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const rects = [...range.getClientRects()].sort((a, b) => a.top - b.top);
    const fontSize = parseFloat(getComputedStyle(element).fontSize);
    return {
      count: new Set(rects.map((rect) => Math.round(rect.top))).size,
      overlap: Math.max(0, ...rects.slice(1).map((rect, i) => rects[i]!.bottom - rect.top)),
      spacing: rects.length > 1 ? (rects.at(-1)!.top - rects[0]!.top) / (rects.length - 1) / fontSize : 0,
    };
  });
  expect(lines.count).toBeGreaterThan(1);
  expect(lines.overlap).toBeLessThanOrEqual(0.5);
  expect(lines.spacing).toBeGreaterThanOrEqual(lang === 'zh' ? 1.4 : 1.15);
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('customers-export-dialog');

  // In the background: progress, then a download button for the file.
  await dialog.getByRole('combobox', { name: msg(lang, 'exports.format'), exact: true }).click();
  await page.getByRole('option', { name: msg(lang, 'exports.formats.csv') }).click();
  await dialog.getByRole('radio', { name: msg(lang, 'exports.howBackground') }).check();
  await dialog.getByRole('button', { name: msg(lang, 'exports.start'), exact: true }).click();
  await expect(
    dialog.getByRole('status').filter({ hasText: msg(lang, 'exports.ready', { rows: 3 }) }),
  ).toBeVisible({
    timeout: 30_000,
  });
  const file = dialog.getByRole('link', { name: msg(lang, 'exports.download'), exact: true });
  await expect(file).toHaveAttribute('href', /^\/api\/exports\/exp_[0-9a-z]+\/file$/);
  const body = await (await page.request.get((await file.getAttribute('href'))!)).body();
  const text = body.toString('utf8');
  expect(text.startsWith(`\uFEFF${msg(lang, 'fields.id')},${msg(lang, 'fields.name')},`)).toBe(true);
  expect(text).toContain(`导出 张三 ${tag}`);
  expect(text).toContain(`'=SUM(A1) ${tag}`);
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('customers-export-ready');

  await dialog.getByRole('link', { name: msg(lang, 'exports.allExports') }).click();
  await expect(page).toHaveURL(/\/exports$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg(lang, 'exports.page.title'));
  const row = page.getByTestId('export-row').filter({ hasText: tag }).first();
  await expect(row).toContainText(msg(lang, 'exports.page.states.done'));
  // The filters read as the customers list names them, never as raw keys.
  await expect(row.getByTestId('export-filters')).toHaveText(tagFilter);
  await expect(row.getByRole('link')).toHaveAttribute('href', /^\/api\/exports\/exp_[0-9a-z]+\/file$/);
  await expectAccessible();
  await shot('exports-page');
  // At 1024 px the size stays one line ("460.5 / KB" was broken between number and unit).
  await page.setViewportSize({ width: 1024, height: 768 });
  const size = row.getByTestId('export-size');
  await expect(size).toContainText(/\d.*B$/);
  const sizeLines = await size.evaluate((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
  expect(sizeLines).toBe(1);
  await page.setViewportSize({ width: 1440, height: 900 });

  // Both are on record: the direct download as it started, the background one requested and downloaded.
  await page.goto('/settings/audit?type=export');
  const table = page.getByRole('table', { name: msg(lang, 'settings.audit.title') });
  const streamed = table
    .getByRole('row')
    .filter({ hasText: tag })
    .filter({ hasText: msg(lang, 'settings.audit.actions.streamed') });
  await expect(streamed).toHaveCount(1);
  await expect(streamed).toContainText(
    `${msg(lang, 'settings.audit.fields.kind')}${msg(lang, 'settings.audit.fieldSep')}${msg(lang, 'exports.page.kinds.contacts')}`,
  );
  await expect(streamed).toContainText(
    `${msg(lang, 'settings.audit.fields.format')}${msg(lang, 'settings.audit.fieldSep')}${msg(lang, 'exports.formats.xlsx')}`,
  );
  // Each export named as people know it, never by its id: the streamed one by what and how, the
  // background one by its file.
  await expect(streamed).toContainText(`${msg(lang, 'exports.page.kinds.contacts')} · XLSX`);
  await expect(streamed).not.toContainText('exp_');
  const requested = table
    .getByRole('row')
    .filter({ hasText: tag })
    .filter({ hasText: msg(lang, 'settings.audit.actions.requested') });
  await expect(requested).toHaveCount(1);
  await expect(requested).toContainText(/contacts-\d{4}-\d{2}-\d{2}\.csv/);
  await expect(requested).not.toContainText('exp_');
  await page.mouse.move(0, 0);
  await shot('audit-exports');
});

test('exports: the orders page exports its filtered orders in each format', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('agent');
  await page.goto('/orders?status=completed&min_amount=10');
  const link = page.getByRole('link', { name: msg(lang, 'exports.orders.menuLabel') });
  await expect(link).toHaveAttribute('href', '/api/orders/export?format=csv&status=completed&min_amount=10');
  await page.getByRole('combobox', { name: msg(lang, 'exports.format'), exact: true }).click();
  await page.getByRole('option', { name: msg(lang, 'exports.formats.xlsx') }).click();
  await expect(link).toHaveAttribute('href', '/api/orders/export?format=xlsx&status=completed&min_amount=10');
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('orders-export');
  const xlsx = await page.request.get((await link.getAttribute('href'))!);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  const csv = '/api/orders/export?format=csv&status=completed&min_amount=10';
  const response = await page.request.get(csv);
  expect(response.status()).toBe(200);
  expect((await response.body()).toString('utf8')).toMatch(/^\uFEFFid,source,order_number,/);
});

test('exports: a requester deletes their export from the Exports page, by keyboard, after confirming', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const tag = `delete-${lang}-${Date.now().toString(36)}`;
  await apiPost(page, '/api/contacts', { name: `删除 王五 ${tag}`, tags: [tag] });
  const started = await apiPost(page, '/api/exports', { format: 'csv', filters: { tag } });
  await expect
    .poll(async () => (await (await page.request.get(`/api/exports/${started.id}`)).json()).state, {
      timeout: 30_000,
    })
    .toBe('done');

  await page.goto('/exports');
  const row = page.getByTestId('export-row').filter({ hasText: tag });
  await expect(row).toContainText(msg(lang, 'exports.page.states.done'));
  const remove = row.getByRole('button', {
    name: msg(lang, 'exports.page.deleteNamed', { file: started.file_name }),
  });
  // Reached from the file's link with Tab, opened with Enter; the dialog's confirm button has focus.
  await row.getByRole('link').focus();
  await page.keyboard.press('Tab');
  await expect(remove).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', {
    name: msg(lang, 'exports.page.deleteTitle', { file: started.file_name }),
  });
  await expect(dialog).toContainText(msg(lang, 'exports.page.deleteBody'));
  const confirm = dialog.getByRole('button', { name: msg(lang, 'exports.page.delete'), exact: true });
  await expect(confirm).toBeFocused();
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('exports-delete-confirm');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(
    page.getByRole('alert').filter({
      hasText: msg(lang, 'exports.page.deletedDone', { file: started.file_name }),
    }),
  ).toBeVisible();
  await expect(row).toContainText(msg(lang, 'exports.page.states.deleted'));
  await expect(row.getByRole('link')).toHaveCount(0);
  await expect(row.getByRole('button')).toHaveCount(0);
  await expectAccessible();
  await shot('exports-deleted');

  // The file is gone for good: its download answers 410, saying so.
  const gone = await page.request.get(`/api/exports/${started.id}/file`);
  expect(gone.status()).toBe(410);
  expect((await gone.json()).error.code).toBe('export_deleted');
});
