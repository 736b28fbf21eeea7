/**
 * The import wizard and history as an administrator uses them, in English and in Chinese: a GBK CSV with
 * Chinese headers and an XLSX with a title row go through preview, mapping, check (dry run), import,
 * failure file and undo; the wizard by keyboard alone; a large import followed live, reloaded and
 * cancelled; agents see no import at all. Files are generated here (iconv-lite, exceljs), with values
 * unique to each run so the English and Chinese runs do not meet on the shared server.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Page } from '@playwright/test';
import { type Lang, msg } from './messages';
import { csrfHeaders, emailLayout, expect, test } from './fixtures';
import { ADMIN } from './global-setup';

const number = (lang: Lang, n: number) => new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB').format(n);
const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Mobile numbers unique to this run: 139 + 8 digits. */
const phone = (seed: number, i: number) => `139${String((seed + i) % 100_000_000).padStart(8, '0')}`;

/** Work a test leaves behind when it fails half-way (an import still running), undone after it. */
const cleanups: (() => Promise<void>)[] = [];
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});

async function importRecord(page: Page, id: string) {
  const response = await page.request.get(`/api/imports/${id}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { status: string; rows: number; total_rows: number | null };
}

/** Starts an import of `csv` through the API (as a script would) and waits for it to complete: its id. */
async function importCsvThroughApi(
  page: Page,
  name: string,
  csv: string,
  { dryRun = false } = {},
): Promise<string> {
  const started = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: {
      file: { name, mimeType: 'text/csv', buffer: Buffer.from(csv) },
      ...(dryRun ? { options: JSON.stringify({ dry_run: true }) } : {}),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(async () => (await importRecord(page, importId)).status, { timeout: 30_000 })
    .toBe('completed');
  return importId;
}

/** Picks an option of a Mantine Select by clicking it, as a person with a mouse does. */
async function choose(page: Page, label: string | RegExp, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Presses Tab until the element has the focus (a keyboard user's way to reach it). */
/**
 * Picks an option of a select by keyboard: Tab to it, ArrowDown opens it (again, should the page's
 * next preview re-render it closed), `moves` more go down, Enter; until it holds `expected`.
 */
async function pickByKeys(page: Page, select: ReturnType<Page['locator']>, moves: number, expected: string) {
  await expect(async () => {
    if ((await select.getAttribute('aria-expanded')) === 'true') await page.keyboard.press('Escape');
    await tabTo(page, select);
    await page.keyboard.press('ArrowDown');
    await expect(select).toHaveAttribute('aria-expanded', 'true', { timeout: 1000 });
    for (let i = 0; i < Math.abs(moves); i++) await page.keyboard.press(moves < 0 ? 'ArrowUp' : 'ArrowDown');
    await page.keyboard.press('Enter');
    await expect(select).toHaveValue(expected, { timeout: 2000 });
  }).toPass({ timeout: 20_000 });
}

async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)))
      return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

test('a GBK CSV with Chinese headers: preview, mapping change, check, import, failure file, customers, undo', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  test.setTimeout(120_000);
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  // axe takes seconds a page on a busy machine: each screen is checked once per run of the suite, these
  // in English here and in Chinese by the next test.
  const axe = lang === 'en' ? expectAccessible : async () => undefined;
  const id = run();
  const seed = Date.now() % 100_000_000;
  const tag = `展会-${id}`;
  const rows = [
    ['张伟', phone(seed, 1), `zw-${id}@example.com`, '示例贸易有限公司', '北京', '男'],
    ['李娜', phone(seed, 2), `ln-${id}@example.com`, '示例科技', '上海', '女'],
    // Two reasons: neither the phone nor the e-mail can be read.
    ['王芳', '12345', `wf-${id}@`, '', '广州', '女'],
    ['赵磊', phone(seed, 4), `zl-${id}@example.com`, '磊磊商行', '深圳', '外星人'],
  ];
  const csv =
    ['姓名,手机号码,电子邮箱,单位名称,城市,性别', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
  const file = { name: `客户-${id}.csv`, mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') };

  // The file goes to the server once: previews, the check and the run name it by its upload_id.
  const fileUploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/imports(\/preview)?$/.test(new URL(request.url()).pathname)) {
      // Chromium does not hand a body with a file part to the test (null); fields alone it does.
      const body = request.postDataBuffer();
      if (body === null || /filename=/.test(body.toString('latin1'))) fileUploads.push(request.url());
    }
  });

  await signIn('admin');
  await page.goto('/imports');
  await expect(page.getByRole('heading', { name: m('imports.title'), exact: true })).toBeVisible();
  await page
    .getByRole('link', { name: m('imports.history.new') })
    .first()
    .click();
  await expect(page).toHaveURL(/\/imports\/new$/);
  await expect(page.getByText(m('imports.upload.limit', { size: '200 MB' }))).toBeVisible();
  await shot('import-upload');

  // Preview: GBK detected, Chinese read right; another encoding garbles it, GBK again repairs it.
  await page.getByTestId('import-file-input').setInputFiles(file);
  await expect(page).toHaveURL(/step=preview/);
  const table = page.getByRole('table', { name: m('imports.preview.tableTitle') });
  await expect(table).toContainText('示例贸易有限公司');
  const encoding = page.getByRole('combobox', { name: m('imports.preview.encoding'), exact: true });
  await expect(encoding).toHaveValue(m('imports.preview.encodings.gb18030'));
  await axe();
  await shot('import-preview');
  await choose(page, m('imports.preview.encoding'), 'UTF-8');
  await expect(table).not.toContainText('示例贸易有限公司');
  await choose(page, m('imports.preview.encoding'), m('imports.preview.encodings.gb18030'));
  await expect(table).toContainText('示例贸易有限公司');
  await page.getByRole('button', { name: m('imports.preview.next') }).click();

  // Mapping: suggestions from the Chinese headers; 单位名称 is not recognised and becomes the company.
  await expect(page).toHaveURL(/step=mapping/);
  const target = (column: string) =>
    page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true });
  await expect(target('姓名')).toHaveValue(m('fields.name'));
  await expect(target('手机号码')).toHaveValue(m('fields.phone'));
  await expect(target('单位名称')).toHaveValue(m('imports.mapping.ignore'));
  await expect(page.getByRole('status').filter({ hasText: m('imports.mapping.ruleOkTitle') })).toBeVisible();
  // The identifier rule is live: with phone and email left out, no row could be matched.
  await choose(page, m('imports.mapping.targetFor', { column: '手机号码' }), m('imports.mapping.ignore'));
  await choose(page, m('imports.mapping.targetFor', { column: '电子邮箱' }), m('imports.mapping.ignore'));
  await expect(
    page.getByRole('alert').filter({ hasText: m('imports.mapping.ruleMissingTitle') }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: m('imports.mapping.next') })).toBeDisabled();
  await choose(page, m('imports.mapping.targetFor', { column: '手机号码' }), m('fields.phone'));
  await choose(page, m('imports.mapping.targetFor', { column: '电子邮箱' }), m('fields.email'));
  await choose(page, m('imports.mapping.targetFor', { column: '单位名称' }), m('fields.company'));
  await expect(target('单位名称')).toHaveValue(m('fields.company'));
  await axe();
  await shot('import-mapping');
  // Saved under a name, the mapping comes back with one choice.
  await page.getByRole('button', { name: m('imports.mapping.save') }).click();
  await page
    .getByRole('dialog')
    .getByRole('textbox', { name: m('imports.mapping.saveName') })
    .fill(`客户表-${id}`);
  await page
    .getByRole('dialog')
    .getByRole('button', { name: m('common.save') })
    .click();
  await expect(page.getByText(m('imports.mapping.savedNotice', { name: `客户表-${id}` }))).toBeVisible();
  // It is kept by the server, for everyone who imports; the same name again offers to replace it.
  const savedList = await page.request.get('/api/imports/mappings');
  const savedOnServer = (
    (await savedList.json()) as { data: { name: string; mapping: Record<string, string> }[] }
  ).data;
  expect(savedOnServer.find((s) => s.name === `客户表-${id}`)?.mapping['单位名称']).toBe('company');
  await page.getByRole('button', { name: m('imports.mapping.save') }).click();
  const saveDialog = page.getByRole('dialog');
  await saveDialog.getByRole('textbox', { name: m('imports.mapping.saveName') }).fill(`客户表-${id}`);
  await saveDialog.getByRole('button', { name: m('common.save') }).click();
  await expect(saveDialog.getByText(m('imports.mapping.nameTaken', { name: `客户表-${id}` }))).toBeVisible();
  await saveDialog
    .getByRole('button', { name: m('imports.mapping.replace', { name: `客户表-${id}` }) })
    .click();
  await expect(saveDialog).toBeHidden();
  // The team's saved mappings at the most the server keeps (KITH_MAX_SAVED_MAPPINGS, 200 by default):
  // one more is refused, and the dialog says why and what to do.
  const headers = await csrfHeaders(page);
  const present = ((await (await page.request.get('/api/imports/mappings')).json()) as { data: unknown[] })
    .data.length;
  const fillers: string[] = [];
  try {
    for (let i = present; i < 200; i++) {
      const filler = await page.request.post('/api/imports/mappings', {
        headers,
        data: { name: `filler-${id}-${i}`, mapping: { Email: 'email' } },
      });
      expect(filler.status()).toBe(201);
      fillers.push(((await filler.json()) as { id: string }).id);
    }
    await page.getByRole('button', { name: m('imports.mapping.save') }).click();
    const fullDialog = page.getByRole('dialog');
    await fullDialog.getByRole('textbox', { name: m('imports.mapping.saveName') }).fill(`满-${id}`);
    await fullDialog.getByRole('button', { name: m('common.save') }).click();
    await expect(fullDialog.getByRole('alert')).toHaveText(
      m('imports.mapping.tooMany', { count: 200, limit: 200 }),
    );
    await shot('import-saved-mappings-full');
    await fullDialog.getByRole('button', { name: m('common.cancel') }).click();
    await expect(fullDialog).toBeHidden();
  } finally {
    for (const filler of fillers) await page.request.delete(`/api/imports/mappings/${filler}`, { headers });
  }
  await choose(page, m('imports.mapping.targetFor', { column: '单位名称' }), m('imports.mapping.ignore'));
  await choose(
    page,
    m('imports.mapping.savedLabel'),
    m('imports.mapping.savedOption', { name: `客户表-${id}`, count: 6 }),
  );
  await expect(target('单位名称')).toHaveValue(m('fields.company'));
  // The saved mappings, with who saved them; this one is deleted again (its saver may).
  await page.getByTestId('manage-saved-mappings').click();
  const manage = page.getByRole('dialog', { name: m('imports.mapping.manageTitle') });
  await expect(manage.getByTestId(`saved-mapping-客户表-${id}`)).toContainText('Ada Admin');
  await axe();
  await shot('import-saved-mappings');
  await manage
    .getByRole('button', { name: m('imports.mapping.deleteNamed', { name: `客户表-${id}` }) })
    .click();
  await manage.getByRole('button', { name: m('imports.mapping.confirmDelete') }).click();
  await expect(manage.getByTestId(`saved-mapping-客户表-${id}`)).toHaveCount(0);
  await manage
    .getByRole('button', { name: m('common.close') })
    .last()
    .click();
  await page.getByRole('button', { name: m('imports.mapping.next') }).click();

  // Settings: a tag and a new group for everyone in the file.
  await expect(page).toHaveURL(/step=settings/);
  await page.getByRole('combobox', { name: m('imports.settings.tags'), exact: true }).fill(tag);
  await page.getByRole('combobox', { name: m('imports.settings.tags'), exact: true }).press('Enter');
  await page.getByRole('combobox', { name: m('imports.settings.group'), exact: true }).fill(`群组-${id}`);
  await expect(page.getByText(m('imports.settings.groupNew', { name: `群组-${id}` }))).toBeVisible();
  // Where these customers came from, for the whole file: no column gives it, so the values typed here.
  const sourceSettings = page.getByTestId('source-settings');
  await expect(sourceSettings).toContainText(m('imports.settings.noSourceColumns'));
  await sourceSettings
    .getByRole('textbox', { name: m('fields.initial_source'), exact: true })
    .fill(`上海展会来源-${id}`);
  await sourceSettings
    .getByRole('textbox', { name: m('fields.campaign'), exact: true })
    .fill(`春季促销-${id}`);
  await expect(sourceSettings).toContainText(m('imports.settings.sourceFromValues'));
  await expect(sourceSettings.getByRole('radio', { name: m('imports.settings.newOnly') })).toBeChecked();
  await shot('import-settings');
  await page.getByRole('button', { name: m('imports.settings.check') }).click();

  // Check: the dry run's counts, the reason and the failing row, before anything is written.
  await expect(page).toHaveURL(/step=check/);
  const counts = page.getByTestId('import-counts');
  await expect(counts.locator('[data-count="created"]')).toHaveText('3');
  await expect(counts.locator('[data-count="failed"]')).toHaveText('1');
  await expect(counts.locator('[data-count="warned"]')).toHaveText('1');
  await expect(counts).toContainText(m('imports.counts.would.created'));
  // 赵磊's gender is left out, not the customer.
  await expect(page.getByTestId('warnings-report')).toContainText('外星人');
  const report = page.getByTestId('failures-report');
  const phoneReason = m('customer.reasons.phone', { region: 'CN' });
  await expect(report).toContainText(
    m('imports.rowReport.fieldReason', { field: m('fields.phone'), reason: phoneReason }),
  );
  const failedRows = report.getByRole('table', { name: m('imports.failures.rowsLabel') });
  await expect(failedRows).toContainText('王芳');
  // Each failed row's reasons — every one of them — in the page's language, each with its field and
  // the file's value; the file's own (English) words are not needed beside them.
  const rowReasons = failedRows.getByTestId('row-reason');
  await expect(rowReasons).toHaveCount(2);
  await expect(failedRows).not.toContainText('is not a valid');
  for (const [reason, field, value] of [
    [phoneReason, 'phone', '12345'],
    [m('customer.reasons.email'), 'email', `wf-${id}@`],
  ] as const) {
    const shown = rowReasons.filter({ hasText: reason });
    await expect(shown).toHaveCount(1);
    await expect(shown.getByTestId('row-reason-field')).toHaveText(
      m('imports.rowReport.fieldValue', { field: m(`fields.${field}`), value }),
    );
  }
  const before = await page.request.get(`/api/contacts?q=${encodeURIComponent(`zw-${id}@example.com`)}`);
  expect(((await before.json()) as { data: unknown[] }).data).toHaveLength(0);
  await axe();
  await shot('import-check');

  // Run: the import's own page follows it to the end.
  await page.getByRole('button', { name: m('imports.check.run', { count: 3, n: 3 }) }).click();
  await expect(page).toHaveURL(/\/imports\/imp_/);
  const importId = /\/imports\/(imp_[^/?]+)/.exec(page.url())![1]!;
  expect(fileUploads).toHaveLength(1);
  await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible();
  await expect(page.getByTestId('import-counts').locator('[data-count="created"]')).toHaveText('3');
  await expect(page.getByTestId('import-counts').locator('[data-count="failed"]')).toHaveText('1');
  await expect(page.getByTestId('failures-report')).toContainText('12345');
  await axe();
  await shot('import-result');

  // The failure file: UTF-8 with BOM, the original columns plus the reason, the failed row only.
  // In Chinese the reasons are Chinese too, and so is their column's name (an import ignores it).
  const downloading = page.waitForEvent('download');
  await page
    .getByTestId('failures-report')
    .getByRole(lang === 'zh' ? 'button' : 'link', { name: m('imports.failures.download') })
    .click();
  const download = await downloading;
  // Named after the imported file: imported again once fixed, the history says where it came from.
  expect(download.suggestedFilename()).toBe(`客户-${id}-failures.csv`);
  const bytes = fs.readFileSync((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toBe(`姓名,手机号码,电子邮箱,单位名称,城市,性别,${m('imports.failures.column')}`);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(
    lang === 'zh'
      ? /^王芳,12345,wf-.*,女,(?=.*邮箱：邮箱地址无效)(?=.*手机号：手机号无效)/
      : /^王芳,12345,wf-.*,女,"?row 4: (?=.*email: .*valid email)(?=.*phone: .*valid phone)/,
  );

  // The imported customers, filtered by this import, with the mapped company.
  await page.getByRole('link', { name: m('imports.detail.customers', { count: 3, n: 3 }) }).click();
  await expect(page).toHaveURL(new RegExp(`/customers\\?import=${importId}$`));
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(4);
  // The filter's chip names the import by its file.
  await expect(page.getByText(m('imports.customersFilter.label', { name: `客户-${id}.csv` }))).toBeVisible();
  const listed = await page.request.get(`/api/contacts?import=${importId}`);
  const contacts = ((await listed.json()) as { data: { company: string | null; tags: string[] }[] }).data;
  expect(contacts.map((c) => c.company).sort()).toEqual(['磊磊商行', '示例科技', '示例贸易有限公司']);
  expect(contacts.every((c) => c.tags.includes(tag))).toBe(true);
  // New customers all: each took the file's source and campaign, which its page shows.
  const sourced = (await listed.json()) as {
    data: { id: string; initial_source: string | null; campaign: string | null }[];
  };
  expect(
    sourced.data.every((c) => c.initial_source === `上海展会来源-${id}` && c.campaign === `春季促销-${id}`),
  ).toBe(true);
  await page.goto(`/customers/${sourced.data[0]!.id}`);
  await expect(page.getByText(`上海展会来源-${id}`, { exact: true })).toBeVisible();
  await expect(page.getByText(`春季促销-${id}`, { exact: true })).toBeVisible();
  // The import's page says it was set so.
  await page.goto(`/imports/${importId}`);
  await expect(page.getByText(`上海展会来源-${id}`, { exact: true })).toBeVisible();
  await expect(page.getByText(`春季促销-${id}`, { exact: true })).toBeVisible();

  // Undo says what it will do, then shows what it did.
  await page.getByRole('button', { name: m('imports.undo.button') }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(m('imports.undo.deletes', { count: 3, n: 3 }));
  await axe();
  await dialog.getByRole('button', { name: m('imports.undo.confirm') }).click();
  await expect(page.getByText(m('imports.undo.report', { deleted: 3, restored: 0, gone: 0 }))).toBeVisible();
  const after = await page.request.get(`/api/contacts?import=${importId}`);
  expect(((await after.json()) as { data: unknown[] }).data).toHaveLength(0);

  // History: the import alone, marked undone with its counts struck through; its check with the
  // checks shown (kept in the address), marked, its counts what it would do.
  await page.goto('/imports');
  const history = page.getByRole('table', { name: m('imports.history.label') });
  const rowsOfFile = history.getByRole('row').filter({ hasText: file.name });
  await expect(rowsOfFile).toHaveCount(1);
  await expect(rowsOfFile).toContainText(m('imports.status.undone'));
  // What the history shows: imports, or imports and checks.
  const showing = page.locator('.mantine-SegmentedControl-root');
  await expect(
    showing.getByRole('radio', { name: m('imports.history.importsOnly'), exact: true }),
  ).toBeChecked();
  await expect(rowsOfFile.locator('[data-count="created"]')).toHaveCSS(
    'text-decoration-line',
    'line-through',
  );
  await showing.getByText(m('imports.history.withChecks'), { exact: true }).click();
  await expect(page).toHaveURL(/\/imports\?checks=1$/);
  await expect(rowsOfFile).toHaveCount(2);
  const checkRow = rowsOfFile.filter({ hasText: m('imports.status.dryRun') });
  await expect(checkRow).toHaveCount(1);
  await expect(checkRow.locator('[data-count="created"]')).toHaveText(
    `3${m('imports.history.would.created')}`,
  );
  await expect(rowsOfFile.filter({ hasText: m('imports.status.undone') })).toHaveCount(1);
  await axe();
  await shot('imports-history');
  await page.reload();
  await expect(rowsOfFile).toHaveCount(2);
  await showing.getByText(m('imports.history.importsOnly'), { exact: true }).click();
  await expect(page).toHaveURL(/\/imports$/);
  await expect(rowsOfFile).toHaveCount(1);
});

test('an undo that keeps a value changed since the import says which and why, in words', async ({
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
  const email = `kept-${id}@example.com`;
  const created = await page.request.post('/api/contacts', { data: { name: `Kept ${id}`, email }, headers });
  expect(created.status()).toBe(201);
  const contact = (await created.json()) as { id: string };
  // The import gives the customer a gender; someone changes it again before the import is undone.
  const started = await page.request.post('/api/imports', {
    headers,
    multipart: {
      file: {
        name: `kept-${id}.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from(`email,gender\r\n${email},female\r\n`),
      },
      options: JSON.stringify({}),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(async () => (await importRecord(page, importId)).status, { timeout: 30_000 })
    .toBe('completed');
  const changed = await page.request.patch(`/api/contacts/${contact.id}`, {
    data: { gender: 'male' },
    headers,
  });
  expect(changed.status()).toBe(200);
  const undone = await page.request.post(`/api/imports/${importId}/undo`, { headers });
  expect(undone.status()).toBe(200);

  await page.goto(`/imports/${importId}`);
  // The customer by name, not by id.
  const kept = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: `Kept ${id}` }) });
  await expect(kept).toContainText(
    `${m('fields.gender')} · ${m('imports.undo.keptChanged', { now: m('gender.male') })}`,
  );
  // Not the field's key, not the value as stored, not the server's English on a Chinese page.
  await expect(kept).not.toContainText('· gender ·');
  await expect(kept).not.toContainText('"male"');
  await expect(kept).not.toContainText(contact.id);
  if (lang === 'zh') await expect(kept).not.toContainText('changed again');
  await shot('import-undo-kept');
  await expectAccessible();
});

test('an undo that takes long may be closed after 3 s: the dialog says it goes on, the history shows Undoing… and then Undone', async ({
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
  const fileName = `slow-undo-${id}.csv`;
  const started = await page.request.post('/api/imports', {
    headers,
    multipart: {
      file: {
        name: fileName,
        mimeType: 'text/csv',
        buffer: Buffer.from(
          `name,email\r\nSlow ${id} A,slow-a-${id}@example.com\r\nSlow ${id} B,slow-b-${id}@example.com\r\n`,
        ),
      },
      options: JSON.stringify({}),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(async () => (await importRecord(page, importId)).status, { timeout: 30_000 })
    .toBe('completed');
  cleanups.push(async () => {
    const record = (await importRecord(page, importId)) as { undone_at?: string | null };
    if (!record.undone_at) await page.request.post(`/api/imports/${importId}/undo`, { headers });
  });

  // A slow undo, made slow here rather than by a file large enough on this machine: the browser's undo
  // request is held until the test lets it go, and while it is held the server's answers about this
  // import say what they say during a long undo — claimed (undone_at) with no report yet
  // (src/imports/import-service.ts: the claim is written first, the report when the last batch ends).
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = true;
  let undoAsked = false;
  await page.route(`**/api/imports/${importId}/undo`, async (route) => {
    undoAsked = true;
    await released;
    await route.continue();
  });
  const claimed = (record: Record<string, unknown>) =>
    record.id === importId && holding && undoAsked
      ? { ...record, undone_at: new Date().toISOString(), undo_report: null }
      : record;
  await page.route(/\/api\/imports(\/[^/?]+)?(\?|$)/, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const response = await route.fetch();
    if (!response.ok()) return route.fulfill({ response });
    const body = (await response.json()) as Record<string, unknown> & { data?: Record<string, unknown>[] };
    const json = Array.isArray(body.data) ? { ...body, data: body.data.map(claimed) } : claimed(body);
    await route.fulfill({ response, json });
  });

  await page.goto('/imports');
  const row = page.getByRole('row').filter({ hasText: fileName });
  await row.getByRole('button', { name: m('imports.history.actionsFor', { file: fileName }) }).click();
  await page.getByRole('menuitem', { name: m('imports.undo.menu') }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: m('imports.undo.confirm') }).click();
  // At first the undo may not be left: the dialog waits for its answer.
  await expect(dialog.getByRole('button', { name: m('common.cancel') })).toBeDisabled();
  await expect(dialog.getByRole('button', { name: m('common.close') })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(m('imports.undo.continues'))).toHaveCount(0);
  // Past 3 s it says the undo goes on in Kith, and may be closed.
  const continues = dialog.getByRole('status').filter({ hasText: m('imports.undo.continues') });
  await expect(continues).toBeVisible({ timeout: 10_000 });
  // The footer's button (the header's × bears the same name).
  const close = dialog.getByRole('button', { name: m('common.close'), exact: true }).last();
  await expect(close).toBeEnabled();
  // Not after the network is idle: the held undo request keeps it busy (and on PostgreSQL the page
  // had not been idle once before it).
  await shot('import-undo-slow', { idle: false });
  await expectAccessible();
  await close.click();
  await expect(dialog).toHaveCount(0);

  // The history follows it: Undoing… (撤销中…) while it goes on, then Undone with its toast.
  await expect(row.getByText(m('imports.status.undoing'), { exact: true })).toBeVisible();
  await shot('import-history-undoing', { idle: false });
  holding = false;
  release();
  await expect(row.getByText(m('imports.status.undone'), { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText(m('imports.status.undoing'), { exact: true })).toHaveCount(0);
  await expect(page.getByText(m('imports.undo.doneTitle'))).toBeVisible();
  const record = (await importRecord(page, importId)) as { undone_at?: string | null };
  expect(record.undone_at).toBeTruthy();
});

test('an XLSX with a title row, by keyboard alone: sheet, header row, mapping, settings, check, import', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  test.setTimeout(120_000);
  const seed = (Date.now() + 5000) % 100_000_000;
  // The screens the previous test checks in English are checked here in Chinese.
  const axe = lang === 'zh' ? expectAccessible : async () => undefined;
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('说明').addRows([['本文件由会员系统导出'], ['请勿修改列名']]);
  const sheet = workbook.addWorksheet('客户');
  sheet.addRow([`会员名单导出 ${id}`]);
  sheet.addRow(['会员号', '姓名', '手机', '性别', '备注']);
  sheet.addRow([`M-${id}-1`, '陈静', phone(seed, 1), '女', 'VIP']);
  sheet.addRow([`M-${id}-2`, '刘洋', phone(seed, 2), '男', '']);
  sheet.addRow([`M-${id}-3`, '黄敏', phone(seed, 2), '女', '同一手机号']);
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());

  await signIn('admin');
  await page.goto('/imports/new');
  await expect(page.getByRole('heading', { name: m('imports.wizard.title') })).toBeVisible();
  await (lang === 'en' ? expectAccessible() : undefined);

  // Choose the file: Tab to the button, Enter opens the chooser.
  // (Waiting for the chooser before the key press lets Playwright intercept it in time.)
  const choosing = page.waitForEvent('filechooser');
  await tabTo(page, page.getByRole('button', { name: m('imports.upload.choose') }));
  await page.keyboard.press('Enter');
  await (await choosing).setFiles({ name: `会员-${id}.xlsx`, mimeType: 'application/octet-stream', buffer });
  await expect(page).toHaveURL(/step=preview/);

  // The first sheet is the notes: the workbook opens on the customers' sheet, and the page says so.
  const sheetInput = page.getByRole('combobox', { name: m('imports.preview.sheet'), exact: true });
  await expect(sheetInput).toHaveValue('客户');
  await expect(page.getByTestId('sheet-note')).toHaveText(
    m('imports.preview.sheetFirstTable', { sheet: '客户', count: 1, skipped: '“说明”' }),
  );
  // The sheet stays the user's to choose, by keyboard: the notes, then the customers' sheet again.
  await pickByKeys(page, sheetInput, -1, '说明');
  await expect(page.getByTestId('sheet-note')).toHaveText(
    m('imports.preview.sheetOf', { sheet: '说明', count: 1 }),
  );
  await pickByKeys(page, sheetInput, 1, '客户');
  const table = page.getByRole('table', { name: m('imports.preview.tableTitle') });
  const headerRow = page.getByRole('combobox', { name: m('imports.preview.headerRow'), exact: true });
  // Kith passes over the title row by itself: the header is found on row 2, and the page says so.
  await expect(table.getByRole('columnheader').nth(1)).toHaveText('会员号');
  await expect(headerRow).toHaveValue(m('imports.preview.rowN', { n: 2 }));
  await expect(page.getByText(m('imports.preview.skipped', { count: 1 }))).toBeVisible();
  // Reading the sheet again keeps the keyboard user's place: the picker still has the focus.
  await expect(sheetInput).toBeFocused();
  // The header row is still the user's to choose, by keyboard: row 1 reads the title as a one-column
  // header, and the page points at the real one.
  await pickByKeys(page, headerRow, -1, m('imports.preview.rowN', { n: 1 }));
  await expect(table.getByRole('columnheader').nth(1)).toHaveText(`会员名单导出 ${id}`);
  await expect(page.getByRole('button', { name: m('imports.preview.useRow', { n: 2 }) })).toBeVisible();
  await pickByKeys(page, headerRow, 1, m('imports.preview.rowN', { n: 2 }));
  await expect(table.getByRole('columnheader').nth(1)).toHaveText('会员号');
  await expect(page.getByText(m('imports.preview.skipped', { count: 1 }))).toBeVisible();
  await axe();
  await shot('import-preview-xlsx');
  await tabTo(page, page.getByRole('button', { name: m('imports.preview.next') }));
  await page.keyboard.press('Enter');

  // Mapping by keyboard: 会员号 is recognised as the membership number (an identity made on first use);
  // 备注 (notes, left out) becomes tags.
  await expect(page).toHaveURL(/step=mapping/);
  const target = (column: string) =>
    page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true });
  // (Created by the first run on this server, the type exists in the second: then it is listed plainly;
  // either way in the page's language.)
  await expect(target('会员号')).toHaveValue(new RegExp(`^${m('identityTypes.member_no')} \\(member_no\\)`));
  await expect(target('备注')).toHaveValue(m('imports.mapping.ignore'));
  await tabTo(page, target('备注'));
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(m('fields.tags'));
  // The list filtered to what was typed before a key picks from it: an Enter before that picked nothing,
  // and the box, still showing the typed text, went back to "ignore" when the focus left it.
  await expect(page.getByRole('option', { name: m('fields.tags'), exact: true })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(target('备注')).toHaveValue(m('fields.tags'));
  await axe();
  await tabTo(page, page.getByRole('button', { name: m('imports.mapping.next') }));
  await page.keyboard.press('Enter');

  // Settings by keyboard: a tag, and "the last row wins" for the two rows sharing a phone.
  await expect(page).toHaveURL(/step=settings/);
  await tabTo(page, page.getByRole('combobox', { name: m('imports.settings.tags'), exact: true }));
  await page.keyboard.type(`会员-${id}`);
  await page.keyboard.press('Enter');
  const reject = page.getByRole('radio', { name: m('imports.settings.reject') });
  await tabTo(page, reject);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: m('imports.settings.last') })).toBeChecked();
  await (lang === 'en' ? expectAccessible() : undefined);
  await tabTo(page, page.getByRole('button', { name: m('imports.settings.check') }));
  await page.keyboard.press('Enter');

  // Check, then import: rows 4 (刘洋) and 5 (黄敏) share a phone but each has its own member number, so
  // both are imported without it (a shared line tells no one apart), each with a warning.
  await expect(page).toHaveURL(/step=check/);
  await expect(page.getByTestId('import-counts').locator('[data-count="created"]')).toHaveText('3');
  await axe();
  const runButton = page.getByRole('button', { name: m('imports.check.run', { count: 3, n: 3 }) });
  await tabTo(page, runButton);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/imports\/imp_/);
  await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible();

  // The page is the import's: a reload shows the same result.
  await page.reload();
  await expect(page.getByTestId('import-counts').locator('[data-count="created"]')).toHaveText('3');
  await expect(page.getByTestId('import-counts').locator('[data-count="failed"]')).toHaveText('0');
  await axe();
  const importId = /\/imports\/(imp_[^/?]+)/.exec(page.url())![1]!;
  const listed = await page.request.get(`/api/contacts?import=${importId}`);
  const contacts = (
    (await listed.json()) as { data: { name: string; identities: Record<string, string>; tags: string[] }[] }
  ).data;
  expect(
    contacts.map((c) => `${c.name}:${c.identities.member_no}:${c.tags.sort().join('+')}`).sort(),
  ).toEqual(
    [
      `陈静:M-${id}-1:VIP+会员-${id}`,
      `刘洋:M-${id}-2:会员-${id}`,
      `黄敏:M-${id}-3:会员-${id}+同一手机号`,
    ].sort(),
  );

  // Undo by keyboard too.
  await tabTo(page, page.getByRole('button', { name: m('imports.undo.button') }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toContainText(m('imports.undo.deletes', { count: 3, n: 3 }));
  await tabTo(page, page.getByRole('dialog').getByRole('button', { name: m('imports.undo.confirm') }));
  await page.keyboard.press('Enter');
  await expect(page.getByText(m('imports.undo.report', { deleted: 3, restored: 0, gone: 0 }))).toBeVisible();
});

test('a large import shows live progress, survives a reload and can be cancelled', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  test.setTimeout(90_000);
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const total = 60_000;
  const lines = ['name,email'];
  for (let i = 0; i < total; i++) lines.push(`Customer ${i},c${i}-${id}@example.com`);
  await signIn('admin');
  await page.goto('/imports');
  const response = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: {
      file: { name: `big-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) },
      options: JSON.stringify({ tags: [`big-${id}`] }),
    },
  });
  expect(response.status()).toBe(202);
  const importId = ((await response.json()) as { id: string }).id;
  // A failure below must not leave it running for the tests after this one.
  cleanups.push(async () => {
    const headers = await csrfHeaders(page);
    if (['queued', 'running'].includes((await importRecord(page, importId)).status))
      await page.request.post(`/api/imports/${importId}/cancel`, { headers });
    await expect
      .poll(async () => (await importRecord(page, importId)).status, { timeout: 30_000 })
      .not.toMatch(/queued|running/);
    const record = (await importRecord(page, importId)) as { rows: number; undone_at?: string | null };
    if (record.rows > 0 && !record.undone_at)
      await page.request.post(`/api/imports/${importId}/undo`, { headers, timeout: 60_000 });
  });

  // The first pass counts the rows; the page says so, and a reload finds the import where it is.
  await page.goto(`/imports/${importId}`);
  const progress = page.getByTestId('import-progress');
  await expect(progress).toBeVisible();
  await page.reload();
  await expect(progress).toBeVisible();
  // Then rows of rows, with the rate and the time left; cancel as soon as they show.
  await expect(progress).toContainText(
    m('imports.progress.rows', { done: '', total: number(lang, total) }).trim(),
    { timeout: 30_000 },
  );
  const [before, after] = m('imports.progress.rate', { rate: '\u0000' }).split('\u0000') as [string, string];
  await expect(progress).toContainText(new RegExp(`${before}[\\d,.]+${after}`));
  await shot('import-running');
  await page.getByRole('button', { name: m('imports.cancel.button') }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: m('imports.cancel.confirm') })
    .click();
  await expect
    .poll(async () => (await importRecord(page, importId)).status, { timeout: 20_000 })
    .toBe('cancelled');
  await expect(page.getByText(m('imports.detail.cancelledTitle'), { exact: true }).last()).toBeVisible();
  const record = await importRecord(page, importId);
  expect(record.rows).toBeGreaterThan(0);
  expect(record.rows).toBeLessThan(total);
  await (lang === 'zh' ? expectAccessible() : undefined);

  // What it imported before the cancel goes with an undo.
  await page.getByRole('button', { name: m('imports.undo.button') }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: m('imports.undo.confirm') })
    .click();
  // Undo writes every imported row back; a busy 2-core machine needs its time.
  await expect(page.getByText(m('imports.status.undone'), { exact: true })).toBeVisible({ timeout: 90_000 });
});

/** A `kith serve` of this test's own (with short job leases), to stop and start again. */
function ownServer(port: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-e2e-restart-'));
  const env = {
    ...process.env,
    KITH_DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    KITH_JOB_LEASE_SECONDS: '2',
  };
  const cli = path.resolve('dist/cli/main.js');
  execFileSync(process.execPath, [cli, 'migrate'], { env, stdio: 'pipe' });
  execFileSync(
    process.execPath,
    [cli, 'users', 'create', '--email', ADMIN.email, '--password', ADMIN.password, '--role', 'admin'],
    {
      env,
      stdio: 'pipe',
    },
  );
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async start() {
      child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
        env,
        stdio: 'ignore',
      });
      await expect
        .poll(async () => (await fetch(`${url}/api/health`).catch(() => null))?.status ?? 0, {
          timeout: 30_000,
        })
        .toBe(200);
    },
    async crash() {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child?.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (child && child.exitCode === null) await this.crash();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

test('an import survives a server restart: its page keeps asking and follows it on', async ({
  page,
  lang,
  shot,
}) => {
  test.skip(lang === 'zh', 'one server of its own is enough; the Chinese page is the same page');
  test.setTimeout(150_000);
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const server = ownServer(Number(process.env.KITH_E2E_PORT ?? 4310) + 7);
  cleanups.push(() => server.close());
  await server.start();
  expect((await page.request.post(`${server.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
  const total = 100_000;
  const lines = ['name,email'];
  for (let i = 0; i < total; i++) lines.push(`Restart ${i},r${i}@example.com`);
  const started = await page.request.post(`${server.url}/api/imports`, {
    headers: await csrfHeaders(page),
    multipart: {
      file: { name: 'restart.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) },
      options: JSON.stringify({}),
    },
  });
  expect(started.status()).toBe(202);
  const importId = ((await started.json()) as { id: string }).id;

  await page.goto(`${server.url}/imports/${importId}`);
  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText(
    m('imports.progress.rows', { done: '', total: number(lang, total) }).trim(),
    {
      timeout: 30_000,
    },
  );
  // The server dies mid-import: the page says it is waiting, and keeps asking.
  const before = (await (await page.request.get(`${server.url}/api/imports/${importId}`)).json()) as {
    rows: number;
  };
  await server.crash();
  await expect(page.getByText(m('imports.detail.reconnecting'))).toBeVisible({ timeout: 20_000 });
  // It comes back and resumes the import from its last batch; the page follows it on.
  await server.start();
  await expect(page.getByText(m('imports.detail.reconnecting'))).toHaveCount(0, { timeout: 20_000 });
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`${server.url}/api/imports/${importId}`)).json()) as { rows: number })
          .rows,
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThan(before.rows);
  await expect(progress).toContainText(
    m('imports.progress.rows', { done: '', total: number(lang, total) }).trim(),
  );
  await shot('import-resumed');
});

test('history: the original file from a row menu; a reload past the first step asks for the file again; templates', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  const id = run();
  const csv = `email,name\r\nh-${id}@example.com,History ${id}\r\n`;
  const started = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: {
      file: { name: `history-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) },
      options: JSON.stringify({ dry_run: true }),
    },
  });
  expect(started.status()).toBe(202);
  await page.goto('/imports?checks=1');
  const row = page
    .getByRole('table', { name: m('imports.history.label') })
    .getByRole('row')
    .filter({
      hasText: `history-${id}.csv`,
    });
  await expect(row).toContainText(m('imports.status.dryRun'));
  await (lang === 'en' ? expectAccessible() : undefined);
  await row
    .getByRole('button', { name: m('imports.history.actionsFor', { file: `history-${id}.csv` }) })
    .click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: m('imports.detail.original') }).click();
  const original = fs.readFileSync((await (await downloading).path())!, 'utf8');
  expect(original).toBe(csv);

  // The check imported for real from its own page: a new import of the same file, which writes.
  const dryRunId = ((await started.json()) as { id: string }).id;
  await page.goto(`/imports/${dryRunId}`);
  await expect(page.getByRole('button', { name: m('imports.detail.importForReal') })).toBeVisible();
  await shot('import-dry-run-done');
  await page.getByRole('button', { name: m('imports.detail.importForReal') }).click();
  await expect(page).not.toHaveURL(new RegExp(dryRunId));
  await expect(page).toHaveURL(/\/imports\/imp_[0-9a-z]+$/);
  await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByRole('link', { name: m('imports.detail.customers', { count: 1, n: 1 }) }),
  ).toBeVisible();
  // Back on the check: it leads to its real import instead of offering to import it a second time.
  const realUrl = page.url();
  await page.goto(`/imports/${dryRunId}`);
  await page.getByRole('link', { name: m('imports.detail.importedForReal') }).click();
  await expect(page).toHaveURL(realUrl);
  await expect(page.getByRole('button', { name: m('imports.detail.importForReal') })).toHaveCount(0);

  await page.goto('/imports/new?step=mapping');
  await expect(page).toHaveURL(/\/imports\/new$/);
  await expect(page.getByText(m('imports.wizard.lostTitle'))).toBeVisible();

  // Refusals: a file that is not CSV or XLSX never leaves the browser; one the server cannot read is
  // explained in the user's language, with the server's own words under it.
  await page
    .getByTestId('import-file-input')
    .setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
  await expect(page.getByText(m('imports.upload.wrongType', { name: 'notes.pdf' }))).toBeVisible();
  await page.getByTestId('import-file-input').setInputFiles({
    name: 'old.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
  });
  const refused = page.getByRole('alert').filter({ hasText: m('imports.errors.unreadable_file') });
  await expect(refused).toBeVisible();
  await expect(refused).toContainText(m('imports.fileReasons.xls'));
  await page
    .getByTestId('import-file-input')
    .setInputFiles({ name: 'blank.csv', mimeType: 'text/csv', buffer: Buffer.from(',,\n,,\n') });
  await expect(refused).toContainText(m('imports.fileReasons.noHeader'));
  await expect(page).toHaveURL(/\/imports\/new$/);

  // A file that reads as text in two encodings: both readings side by side, the user picks.
  await page.getByTestId('import-file-input').setInputFiles({
    name: 'korean.csv',
    mimeType: 'text/csv',
    buffer: iconv.encode('이름,전화\n김철수,010-1234-5678\n', 'euc-kr'),
  });
  await expect(page).toHaveURL(/step=preview/);
  await expect(page.getByTestId('encoding-candidate')).toHaveCount(2);
  await expect(page.getByRole('button', { name: m('imports.preview.next') })).toBeDisabled();
  await shot('import-encoding-choice');
  await page
    .getByRole('button', {
      name: m('imports.preview.useReading', { encoding: m('imports.preview.encodings.euc-kr') }),
    })
    .click();
  await expect(page.getByRole('combobox', { name: m('imports.preview.encoding'), exact: true })).toHaveValue(
    m('imports.preview.encodings.euc-kr'),
  );
  await expect(page.getByRole('table', { name: m('imports.preview.tableTitle') })).toContainText('김철수');
  await expect(page.getByTestId('encoding-candidate')).toHaveCount(0);
  await expect(page.getByRole('button', { name: m('imports.preview.next') })).toBeEnabled();
  await page.goto('/imports/new');

  for (const [name, header] of [
    [m('imports.templates.english'), 'Name,Email,Phone'],
    [m('imports.templates.chinese'), '姓名,电子邮箱,手机号码'],
  ] as const) {
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name }).click();
    const bytes = fs.readFileSync((await (await downloading).path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').slice(1)).toMatch(new RegExp(`^${header}`));
  }

  // The Chinese template maps every column by itself.
  await page
    .getByTestId('import-file-input')
    .setInputFiles('web/src/features/imports/templates/customers-zh.csv');
  await expect(page).toHaveURL(/step=preview/);
  await page.getByRole('button', { name: m('imports.preview.next') }).click();
  for (const column of [
    '姓名',
    '电子邮箱',
    '手机号码',
    '性别',
    '生日',
    '公司',
    '城市',
    '标签',
    '客户来源',
    '营销活动',
    '客户编号',
  ])
    await expect(
      page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true }),
    ).not.toHaveValue(m('imports.mapping.ignore'));
});

test('history: an administrator deletes an import’s files; the history and its page say so and offer no download', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  /** A message's words before its first value: what it says whatever the date. */
  const lead = (key: string) => m(key, { when: '\u0000', who: '\u0000' }).split('\u0000')[0]!.trim();
  await signIn('admin');
  const id = run();
  const file = `files-${id}.csv`;
  const csv = `email,name\r\nf-${id}@example.com,Files ${id}\r\nnot an email,Bad ${id}\r\n`;
  const importId = await importCsvThroughApi(page, file, csv);

  await page.goto('/imports');
  const row = page
    .getByRole('table', { name: m('imports.history.label') })
    .getByRole('row')
    .filter({ hasText: file });
  await expect(row.getByTestId('import-files')).toContainText(lead('imports.files.keptUntil'));
  const menu = row.getByRole('button', { name: m('imports.history.actionsFor', { file }) });
  await menu.click();
  await page.getByRole('menuitem', { name: m('imports.files.menu') }).click();
  const dialog = page.getByRole('dialog', { name: m('imports.files.title', { file }) });
  await expect(dialog).toContainText(m('imports.files.keepsUndo'));
  await shot('import-delete-files');
  await dialog.getByRole('button', { name: m('imports.files.confirm') }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByTestId('import-files')).toContainText(lead('imports.files.deleted'));

  // The menu says so instead of offering the files, and offers no second deletion; undo stays.
  await menu.click();
  await expect(page.getByRole('menuitem', { name: m('imports.detail.original') })).toHaveCount(0);
  await expect(page.getByRole('menuitem', { name: m('imports.failures.download') })).toHaveCount(0);
  await expect(page.getByRole('menuitem', { name: m('imports.files.menu') })).toHaveCount(0);
  await expect(
    page.getByRole('menuitem', { name: new RegExp(lead('imports.files.deleted')) }),
  ).toBeDisabled();
  await expect(page.getByRole('menuitem', { name: m('imports.undo.menu') })).toBeVisible();
  await page.keyboard.press('Escape');

  // Its page: no download of the original or the failure file, the deletion said, undo still offered.
  await page.goto(`/imports/${importId}`);
  await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible();
  await expect(page.getByRole('link', { name: m('imports.detail.original') })).toHaveCount(0);
  await expect(page.getByRole('button', { name: m('imports.files.button') })).toHaveCount(0);
  await expect(page.getByTestId('failures-report')).toContainText(lead('imports.files.deleted'));
  await expect(
    page.getByTestId('failures-report').getByRole('link', { name: m('imports.failures.download') }),
  ).toHaveCount(0);
  await expect(page.getByRole('button', { name: m('imports.undo.button') })).toBeVisible();
  await shot('import-files-deleted');
  expect((await page.request.get(`/api/imports/${importId}/source`)).status()).toBe(410);
});

test('history at 1024 px: every count in view, every status badge shows its whole word, and no heading or file name breaks inside a word', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  await signIn('admin');
  await page.setViewportSize({ width: 1024, height: 768 });
  const id = run();
  const file = `narrow-${id}.csv`;
  const csv = `email,name\r\nn-${id}@example.com,N ${id}\r\n`;
  // A check first: its row carries two badges (Completed, Check), the widest status.
  await importCsvThroughApi(page, `check-${id}.csv`, csv, { dryRun: true });
  // A name with nothing to break at, as another tool's export names its file.
  await importCsvThroughApi(page, `customers_export_from_the_old_crm_${id}.csv`, csv);
  await importCsvThroughApi(page, file, csv);

  await page.goto('/imports?checks=1');
  const history = page.getByRole('table', { name: m('imports.history.label') });
  const row = history.getByRole('row').filter({ hasText: file });
  await expect(row).toContainText(m('imports.status.completed'));
  // A badge that clips its label keeps it in the DOM: what is cut is measured, not read.
  const clipped = await history
    .locator('.mantine-Badge-label')
    .evaluateAll((labels) => labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent));
  expect(clipped).toEqual([]);
  // Each heading on one line: "Updated" / 更新 stacked letter by letter read as two words.
  for (const key of ['updated', 'unchanged', 'failed']) {
    const heading = history.getByRole('columnheader', { name: m(`imports.counts.did.${key}`), exact: true });
    const lines = await heading.evaluate((th) => {
      const range = document.createRange();
      range.selectNodeContents(th);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    });
    expect(lines, key).toBe(1);
  }
  // Every count in view without scrolling sideways: Failed ends inside the history's visible box.
  const failed = history.getByRole('columnheader', { name: m('imports.counts.did.failed'), exact: true });
  const past = await failed.evaluate((th) => {
    const box = th.closest('table')!.parentElement!.getBoundingClientRect();
    return th.getBoundingClientRect().right - box.right;
  });
  expect(past).toBeLessThanOrEqual(0);
  // File names wrap between their pieces, never inside one ("bad_rows.cs / v"): measured as an address is.
  for (const name of [`check-${id}.csv`, `customers_export_from_the_old_crm_${id}.csv`, file]) {
    const shown = history.getByRole('row').filter({ hasText: name }).locator('.kith-file-name');
    expect((await emailLayout(shown)).cut, name).toEqual([]);
  }
  await shot('imports-history-1024');
});

test("a Shopify export: Address2 is shown as the address's second line, and left out when set to ignore", async ({
  page,
  lang,
  signIn,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const csv = [
    'Email,Default Address Address1,Default Address Address2,Default Address City',
    `jane-${id}@example.com,123 Main St,Apt 4B,New York`,
    `lee-${id}@example.com,9 Elm St,Unit 7,Boston`,
  ].join('\r\n');
  await signIn('admin');
  await page.goto('/imports/new');
  await page
    .getByTestId('import-file-input')
    .setInputFiles({ name: `customers_export-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page).toHaveURL(/step=preview/);
  await page.getByRole('button', { name: m('imports.preview.next') }).click();

  await expect(page).toHaveURL(/step=mapping/);
  const target = (column: string) =>
    page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true });
  await expect(target('Default Address Address1')).toHaveValue(m('fields.address'));
  await expect(target('Default Address Address2')).toHaveValue(m('fields.address_line_2'));
  await choose(
    page,
    m('imports.mapping.targetFor', { column: 'Default Address Address2' }),
    m('imports.mapping.ignore'),
  );
  await page.getByRole('button', { name: m('imports.mapping.next') }).click();
  await expect(page).toHaveURL(/step=settings/);
  await page.getByRole('button', { name: m('imports.settings.check') }).click();
  await expect(page).toHaveURL(/step=check/);
  await page.getByRole('button', { name: m('imports.check.run', { count: 2, n: 2 }) }).click();
  await expect(page).toHaveURL(/\/imports\/imp_/);
  await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible();
  const importId = /\/imports\/(imp_[^/?]+)/.exec(page.url())![1]!;
  cleanups.push(async () => {
    await page.request.post(`/api/imports/${importId}/undo`, { headers: await csrfHeaders(page) });
  });
  const found = await page.request.get(`/api/contacts?q=${encodeURIComponent(`jane-${id}@example.com`)}`);
  expect(((await found.json()) as { data: { address: string | null }[] }).data).toMatchObject([
    { address: '123 Main St' },
  ]);
});

test('agents see no Import in the navigation and are told at /imports', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const m = (key: string) => msg(lang, key);
  await signIn('agent');
  await page.goto('/customers');
  const nav = page.getByRole('navigation', { name: m('nav.label') });
  // Exact names: 客户 is also part of 重复客户.
  await expect(nav.getByRole('link', { name: m('nav.customers'), exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: m('nav.imports'), exact: true })).toHaveCount(0);
  // Nor are the other admin screens shown to them (the rule editor was, until it was saved).
  for (const path of ['/imports', '/imports/new', '/automation/rules/new', '/imports/orders/new']) {
    await page.goto(path);
    await expect(page.getByRole('alert')).toContainText(m('common.errors.forbiddenTitle'));
  }
  await shot('imports-forbidden');
});
