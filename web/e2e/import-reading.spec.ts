/**
 * Reading a file as a new administrator meets it, in English and in Chinese: a semicolon CSV below a
 * title row (its delimiter detected all the same, and from the header row chosen), a workbook whose
 * first sheet is notes (opened on its table, the sheet named), the check of such a workbook (only why
 * rows fail among the reasons they fail; warnings apart), and an import's page naming the encoding as
 * the preview does. Files are generated here, with values unique to each run.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Page } from '@playwright/test';
import { msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Picks an option of a Mantine Select by clicking it, as a person with a mouse does. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function openWizard(page: Page) {
  await page.goto('/imports/new');
  await expect(page.getByTestId('import-file-input')).toBeAttached();
}

test('a semicolon CSV below a title row: semicolons detected, and again from the header row chosen', async ({
  page,
  lang,
  signIn,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const csv = [
    'Exported from HelpDesk — 30 Nov 2026',
    '',
    'Name;Email;Phone number;Gender',
    `Ann Lee;ann-${id}@example.com;+44 20 7946 0000;Female`,
    `Bob Ray;bob-${id}@example.com;abc;Male`,
    '',
  ].join('\r\n');
  await signIn('admin');
  await openWizard(page);
  await page
    .getByTestId('import-file-input')
    .setInputFiles({ name: `helpdesk-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page).toHaveURL(/step=preview/);
  const delimiter = page.getByRole('combobox', { name: m('imports.preview.delimiter'), exact: true });
  const headerRow = page.getByRole('combobox', { name: m('imports.preview.headerRow'), exact: true });
  const table = page.getByRole('table', { name: m('imports.preview.tableTitle') });
  const columns = table.getByRole('columnheader');
  const expectTable = async () => {
    await expect(delimiter).toHaveValue(m('imports.preview.delimiters.semicolon'));
    await expect(columns).toHaveText(['3', 'Name', 'Email', 'Phone number', 'Gender']);
    await expect(table).toContainText(`ann-${id}@example.com`);
  };
  await expectTable();
  await expect(headerRow).toHaveValue(m('imports.preview.rowN', { n: 3 }));
  await expect(page.getByText(m('imports.preview.detected')).first()).toBeVisible();

  // The title as the header reads as one column; the header row chosen again reads the table.
  await choose(page, m('imports.preview.headerRow'), m('imports.preview.rowN', { n: 1 }));
  await expect(columns.first()).toHaveText('1');
  await choose(page, m('imports.preview.headerRow'), m('imports.preview.rowN', { n: 3 }));
  await expectTable();
  await expect(page.getByRole('button', { name: m('imports.preview.next') })).toBeEnabled();
});

test('a title row Kith passes over by itself: the check step says so in the page’s language', async ({
  page,
  lang,
  signIn,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const csv = ['会员名单导出', '姓名,邮箱', `陈静,chen-${id}@example.com`, ''].join('\r\n');
  await signIn('admin');
  await openWizard(page);
  await page
    .getByTestId('import-file-input')
    .setInputFiles({ name: `titled-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page).toHaveURL(/step=preview/);
  await page.getByRole('button', { name: m('imports.preview.next') }).click();
  await expect(page).toHaveURL(/step=mapping/);
  await page.getByRole('button', { name: m('imports.mapping.next') }).click();
  await expect(page).toHaveURL(/step=settings/);
  await page.getByRole('button', { name: m('imports.settings.check') }).click();
  await expect(page).toHaveURL(/step=check/);
  await expect(page.getByText(m('imports.check.titleRows', { row: 2, rows: 1, count: 1 }))).toBeVisible();
});

test('a workbook whose first sheet is notes: opened on its table, the check counts only why rows fail', async ({
  page,
  lang,
  signIn,
}) => {
  test.setTimeout(90_000);
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Read me').addRow(['Customers exported on 30 Nov 2026. The list is on the next sheet.']);
  const sheet = book.addWorksheet('Customers');
  sheet.addRow(['Name', 'Email', 'Phone', 'Gender']);
  const mobile = `139${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  sheet.addRow(['Ann Lee', `ann-${id}@example.com`, mobile, 'Female']);
  // Fails on its phone; its gender would be left out too, but is not why it fails.
  sheet.addRow(['Bob Ray', `bob-${id}@example.com`, 'abc', `Alien-${id}`]);
  for (let i = 0; i < 4; i++) sheet.addRow([`Row ${i}`, `r${i}-${id}@example.com`, `12${i}`, 'Male']);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());

  await signIn('admin');
  await openWizard(page);
  await page.getByTestId('import-file-input').setInputFiles({
    name: `notes-first-${id}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer,
  });
  await expect(page).toHaveURL(/step=preview/);
  const sheetPicker = page.getByRole('combobox', { name: m('imports.preview.sheet'), exact: true });
  await expect(sheetPicker).toHaveValue('Customers');
  await expect(page.getByTestId('sheet-note')).toHaveText(
    m('imports.preview.sheetFirstTable', { sheet: 'Customers', count: 1, skipped: '“Read me”' }),
  );
  await expect(page.getByText(m('imports.preview.shownRows', { count: 6, from: 1, to: 7 }))).toBeVisible();
  const next = page.getByRole('button', { name: m('imports.preview.next') });
  await expect(next).toBeEnabled();
  // The picker stays: the notes sheet may still be chosen, and the note then names the sheet read.
  await choose(page, m('imports.preview.sheet'), 'Read me');
  await expect(page.getByTestId('sheet-note')).toHaveText(
    m('imports.preview.sheetOf', { sheet: 'Read me', count: 1 }),
  );
  await choose(page, m('imports.preview.sheet'), 'Customers');
  await expect(page.getByText(m('imports.preview.shownRows', { count: 6, from: 1, to: 7 }))).toBeVisible();
  await next.click();

  await expect(page).toHaveURL(/step=mapping/);
  const target = (column: string) =>
    page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true });
  await expect(target('Gender')).toHaveValue(m('fields.gender'));
  await page.getByRole('button', { name: m('imports.mapping.next') }).click();
  await expect(page).toHaveURL(/step=settings/);
  await page.getByRole('button', { name: m('imports.settings.check') }).click();

  await expect(page).toHaveURL(/step=check/);
  const counts = page.getByTestId('import-counts');
  await expect(counts.locator('[data-count="failed"]')).toHaveText('5');
  const report = page.getByTestId('failures-report');
  const reasons = report.getByRole('table', { name: m('imports.failures.reasons') });
  await expect(reasons.getByRole('row')).toHaveCount(1);
  await expect(reasons).toContainText(m('fields.phone'));
  await expect(reasons).toContainText('5');
  await expect(reasons).not.toContainText(m('fields.gender'));
  // Bob's row still says what else to fix.
  const failedRows = report.getByRole('table', { name: m('imports.failures.rowsLabel') });
  await expect(failedRows).toContainText(`Alien-${id}`);
});

test('an import’s page names the encoding as the preview does', async ({ page, lang, signIn }) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  await signIn('admin');
  const rows = [
    ['张伟', `zw-${id}@example.com`, '示例贸易有限公司', '北京'],
    ['李娜', `ln-${id}@example.com`, '示例科技', '上海'],
    ['王芳', `wf-${id}@example.com`, '广州市天河区贸易公司', '广州'],
    ['赵磊', `zl-${id}@example.com`, '磊磊商行', '深圳'],
  ];
  const csv = ['姓名;电子邮箱;单位名称;城市', ...rows.map((r) => r.join(';'))].join('\r\n') + '\r\n';
  const started = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: {
      file: { name: `客户-${id}.csv`, mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') },
      options: JSON.stringify({ dry_run: true }),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/imports/${importId}`)).json()) as { status: string }).status,
      {
        timeout: 30_000,
      },
    )
    .toBe('completed');
  await page.goto(`/imports/${importId}`);
  const file = page.locator('dd').filter({ hasText: 'CSV' }).first();
  await expect(file).toContainText(m('imports.preview.encodings.gb18030'));
  await expect(file).toContainText(
    m('imports.detail.delimiter', { d: m('imports.preview.delimiters.semicolon') }),
  );
  await expect(file).not.toContainText(/·\s*gb18030\s*·/);
});
