/**
 * Fix and re-import the failures, as an administrator does it, in English and in Chinese: a file goes
 * through the wizard with rows that fail for different reasons (an invalid e-mail as the only key, no
 * identifier, one e-mail on two rows, a phone and an e-mail of two different customers) and one with only
 * a warning; the result page names and links the customer who owns a failed row's e-mail; the failure
 * file is downloaded from the result page and from the history, fixed as in Excel or a text editor, and
 * uploaded through the wizard again. The second import is recognised as the first one's failure file:
 * its columns mapped as the first (also one mapped by hand), its reason column left out and said so in
 * the page's words, its tags and group set again; its result counts the fixed rows as
 * created or updated and only the rows still broken as failed, for the same reason as before. For a GBK
 * CSV with Chinese headers, an XLSX (its failure file saved again as a workbook) and another CRM's CSV
 * with English headers. Files are made here, existing customers seeded through the API.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Page } from '@playwright/test';
import { type Lang, msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Mobile numbers unique to this run: 137 + 8 digits. */
const phone = (seed: number, i: number) => `137${String((seed + i) % 100_000_000).padStart(8, '0')}`;

type Upload = { name: string; mimeType: string; buffer: Buffer };
type Counts = Partial<Record<'rows' | 'created' | 'updated' | 'unchanged' | 'failed' | 'warned', number>>;

/** Customers that exist before the import: one known by an e-mail, one by a phone (their ids). */
async function seedOwners(page: Page, id: string, ownerPhone: string) {
  const headers = await csrfHeaders(page);
  const ids: string[] = [];
  for (const data of [
    { name: `Email owner ${id}`, email: `owner-${id}@example.com` },
    { name: `Phone owner ${id}`, phone: ownerPhone },
  ]) {
    const created = await page.request.post('/api/contacts', { data, headers });
    expect(created.status()).toBe(201);
    ids.push(((await created.json()) as { id: string }).id);
  }
  return { emailOwner: ids[0]!, phoneOwner: ids[1]! };
}

function wizardSteps(page: Page, lang: Lang) {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const target = (column: string) =>
    page.getByRole('combobox', { name: m('imports.mapping.targetFor', { column }), exact: true });
  const choose = async (column: string, option: string) => {
    await target(column).click();
    await page.getByRole('option', { name: option, exact: true }).click();
    await expect(target(column)).toHaveValue(option);
  };
  return {
    m,
    target,
    choose,
    /** Upload → preview → mapping. */
    async upload(file: Upload) {
      await page.goto('/imports/new');
      await page.getByTestId('import-file-input').setInputFiles(file);
      await expect(page).toHaveURL(/step=preview/);
      await page.getByRole('button', { name: m('imports.preview.next') }).click();
      await expect(page).toHaveURL(/step=mapping/);
    },
    async toSettings() {
      await page.getByRole('button', { name: m('imports.mapping.next') }).click();
      await expect(page).toHaveURL(/step=settings/);
    },
    /** Settings → check → run: the import's id once it has completed. */
    async checkAndRun(toImport: number) {
      await page.getByRole('button', { name: m('imports.settings.check') }).click();
      await expect(page).toHaveURL(/step=check/);
      await page
        .getByRole('button', {
          name: m('imports.check.run', { count: toImport, n: toImport.toLocaleString('en-US') }),
        })
        .click();
      await expect(page).toHaveURL(/\/imports\/imp_/);
      await expect(page.getByText(m('imports.detail.completedTitle'))).toBeVisible({ timeout: 30_000 });
      return /\/imports\/(imp_[^/?]+)/.exec(page.url())![1]!;
    },
    async expectCounts(counts: Counts) {
      const shown = page.getByTestId('import-counts');
      // Grouped by thousands, as both languages write them: 3,001.
      for (const [key, value] of Object.entries(counts))
        await expect(shown.locator(`[data-count="${key}"]`), key).toHaveText(value.toLocaleString('en-US'));
    },
    async addTag(tag: string) {
      const tags = page.getByRole('combobox', { name: m('imports.settings.tags'), exact: true });
      await tags.fill(tag);
      await tags.press('Enter');
    },
  };
}

/** The failure file from the result page (in Chinese rewritten in the page, so a button there). */
async function failureFileFromResult(page: Page, lang: Lang) {
  const downloading = page.waitForEvent('download');
  await page
    .getByTestId('failures-report')
    .getByRole(lang === 'zh' ? 'button' : 'link', { name: msg(lang, 'imports.failures.download') })
    .click();
  const download = await downloading;
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}

/** The same file from the history's row menu (the import's row, not its check's). */
async function failureFileFromHistory(page: Page, lang: Lang, importId: string, fileName: string) {
  await page.goto('/imports');
  await page
    .getByRole('table', { name: msg(lang, 'imports.history.label') })
    .locator(`tr[data-import="${importId}"]`)
    .getByRole('button', { name: msg(lang, 'imports.history.actionsFor', { file: fileName }) })
    .click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: msg(lang, 'imports.failures.download') }).click();
  const download = await downloading;
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}

/** A failure file's rows: UTF-8 with a BOM, as Excel needs for Chinese. */
function rowsOf(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes.subarray(3).toString('utf8'), { relax_column_count: true }) as string[][];
}

/** The second import's mapping as a person meets it: the earlier import named, the reason column out. */
async function expectRecognised(page: Page, lang: Lang, firstFile: string, reasonColumn: string) {
  const { m, target } = wizardSteps(page, lang);
  const notice = page.getByTestId('earlier-import');
  await expect(notice).toContainText(m('imports.mapping.earlierFailures', { file: firstFile }));
  await expect(target(reasonColumn)).toHaveValue(m('imports.mapping.ignore'));
  const reasonRow = page.locator('tr', { has: target(reasonColumn) });
  await expect(reasonRow).toContainText(m('imports.mapping.reasonColumn'));
  // Not the server's English sentence, on either page.
  await expect(reasonRow).not.toContainText('is ignored');
}

/**
 * On a result page, Ed's e-mail owner (the row with "Clash") merged into another customer since: named
 * as the survivor, whose page the link opens; then deleted: said so with the id, and no link.
 */
async function expectOwnerMergedThenDeleted(
  page: Page,
  lang: Lang,
  id: string,
  emailOwner: string,
  shot: (name: string) => Promise<void>,
) {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const headers = await csrfHeaders(page);
  const created = await page.request.post('/api/contacts', { data: { name: `Survivor ${id}` }, headers });
  const survivorId = ((await created.json()) as { id: string }).id;
  const merged = await page.request.post('/api/contacts/merge', {
    data: { contact_ids: [survivorId, emailOwner], survivor_id: survivorId },
    headers,
  });
  expect(merged.status()).toBe(200);
  const survivor = ((await merged.json()) as { contact: { name: string } }).contact;
  await page.reload();
  const ed = page
    .getByTestId('failures-report')
    .getByRole('table', { name: m('imports.failures.rowsLabel') })
    .locator('tr', { hasText: 'Clash' });
  await expect(ed.getByRole('link', { name: survivor.name, exact: true })).toHaveAttribute(
    'href',
    `/customers/${survivorId}`,
  );
  const deleted = await page.request.delete(`/api/contacts/${survivorId}`, { headers });
  expect(deleted.ok()).toBe(true);
  await page.reload();
  const email = m('imports.reasons.keyValue', { field: m('fields.email'), value: `owner-${id}@example.com` });
  await expect(ed).toContainText(m('imports.reasons.ownedByDeleted', { key: email, owner: emailOwner }));
  await expect(ed.getByRole('link')).toHaveCount(0);
  await shot('import-failures-owner-deleted');
}

/** What a result page must not show for a re-imported failure file: a warning about its reason column. */
async function expectNoReasonColumnWarning(page: Page, lang: Lang) {
  await expect(page.getByText(msg(lang, 'imports.check.warnings'), { exact: true })).toHaveCount(0);
  await expect(page.getByText(/error column|reason column/)).toHaveCount(0);
}

test('a GBK CSV with Chinese headers: the failure file fixed and imported again through the wizard', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  test.setTimeout(150_000);
  const id = run();
  const seed = Date.now() % 100_000_000;
  const ownerPhone = phone(seed, 50);
  await signIn('admin');
  const { emailOwner } = await seedOwners(page, id, ownerPhone);
  const w = wizardSteps(page, lang);
  const { m } = w;
  const tag = `展会-${id}`;
  const group = `华东-${id}`;
  const rows = [
    ['张伟', phone(seed, 1), `zw-${id}@example.com`, '示例贸易', '男'],
    // The only key, an e-mail without its domain's end.
    ['李娜', '', `ln-${id}@example`, '示例科技', '女'],
    // No phone, no e-mail: nothing to match or create by.
    ['王芳', '', '', '广州商行', '女'],
    // One e-mail on two rows: both fail, each naming the other.
    ['赵磊', '', `dup-${id}@example.com`, '', '男'],
    ['赵磊二', '', `dup-${id}@example.com`, '', '男'],
    // The phone of one customer, the e-mail of another.
    ['孙八', ownerPhone, `owner-${id}@example.com`, '', '男'],
    // Imported, the gender left out with a warning.
    ['周九', phone(seed, 7), '', '', '外星人'],
  ];
  const header = ['姓名', '手机号码', '电子邮箱', '单位名称', '性别'];
  const csv = [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
  const fileName = `客户-${id}.csv`;

  // The first import: 单位名称 is mapped by hand (its name suggests nothing), a tag and a group for all.
  await w.upload({ name: fileName, mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') });
  await expect(page.getByTestId('earlier-import')).toHaveCount(0);
  await expect(w.target('单位名称')).toHaveValue(m('imports.mapping.ignore'));
  await w.choose('单位名称', m('fields.company'));
  await w.toSettings();
  await w.addTag(tag);
  await page.getByRole('combobox', { name: m('imports.settings.group'), exact: true }).fill(group);
  const firstId = await w.checkAndRun(2);
  await w.expectCounts({ rows: 7, created: 2, failed: 5, warned: 1 });

  // The failure file: named after the file, the original columns and the reason, the failed rows.
  const fromResult = await failureFileFromResult(page, lang);
  expect(fromResult.name).toBe(`客户-${id}-failures.csv`);
  const failed = rowsOf(fromResult.bytes);
  expect(failed[0]).toEqual([...header, m('imports.failures.column')]);
  expect(failed.slice(1).map((r) => r[0])).toEqual(['李娜', '王芳', '赵磊', '赵磊二', '孙八']);
  // Each reason after its row of the first file, in the page's language: 赵磊 on row 5 names row 6.
  const reasonOf = (name: string) => failed.find((r) => r[0] === name)!.at(-1)!;
  expect(reasonOf('赵磊')).toMatch(
    lang === 'zh' ? /^第 5 行：.*第 6 行/ : /^row 5: the same email .* is also on row 6/,
  );
  // 孙八's e-mail is another customer's: the result page names that customer, linked to open them and
  // decide whom to keep; the file keeps the id (a file has no links).
  expect(reasonOf('孙八')).toContain(emailOwner);
  const ownerName = `Email owner ${id}`;
  const sunBa = page
    .getByTestId('failures-report')
    .getByRole('table', { name: m('imports.failures.rowsLabel') })
    .locator('tr', { hasText: '孙八' });
  const email = m('imports.reasons.keyValue', { field: m('fields.email'), value: `owner-${id}@example.com` });
  await expect(sunBa).toContainText(m('imports.reasons.ownedBy', { key: email, owner: ownerName }));
  await expect(sunBa).not.toContainText(emailOwner);
  await expectAccessible();
  await shot('import-failures-owner');
  await sunBa.getByRole('link', { name: ownerName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${emailOwner}$`));
  await expect(page.getByRole('heading', { name: ownerName, level: 1 })).toBeVisible();

  // The history gives the same file, also in Chinese.
  const fromHistory = await failureFileFromHistory(page, lang, firstId, fileName);
  expect(fromHistory.name).toBe(fromResult.name);
  expect(fromHistory.bytes.equals(fromResult.bytes)).toBe(true);

  // Fixed as in Excel: 李娜's e-mail completed, a phone for 王芳, 孙八's e-mail (another customer's)
  // removed; the two rows of one e-mail left as they are. Saved as Excel saves a CSV on a Chinese
  // Windows (GBK), under the same name.
  const fixed = failed.map((row) => {
    const r = [...row];
    if (r[0] === '李娜') r[2] = `ln-${id}@example.com`;
    if (r[0] === '王芳') r[1] = phone(seed, 3);
    if (r[0] === '孙八') r[2] = '';
    return r;
  });
  await w.upload({
    name: fromResult.name,
    mimeType: 'text/csv',
    buffer: iconv.encode(stringify(fixed, { record_delimiter: '\r\n' }), 'gbk'),
  });

  // Recognised: mapped as the first import (单位名称 too), the reason column left out.
  await expectRecognised(page, lang, fileName, m('imports.failures.column'));
  await expect(w.target('单位名称')).toHaveValue(m('fields.company'));
  await expect(w.target('姓名')).toHaveValue(m('fields.name'));
  await expectAccessible();
  await shot('import-round-trip-mapping');
  // Its tags and group set again.
  await w.toSettings();
  await expect(page.getByTestId('earlier-settings')).toContainText(fileName);
  await expect(page.getByRole('combobox', { name: m('imports.settings.group'), exact: true })).toHaveValue(
    group,
  );
  await expect(page.locator('.mantine-TagsInput-pill', { hasText: tag })).toBeVisible();
  await shot('import-round-trip-settings');

  // The result: the two fixed rows created, 孙八 now the phone's customer, updated; the two rows of one
  // e-mail fail again for the same reason; no warning about the reason column.
  const secondId = await w.checkAndRun(3);
  await w.expectCounts({ rows: 5, created: 2, updated: 1, failed: 2 });
  const report = page.getByTestId('failures-report');
  const sameEmail = report.getByRole('table', { name: m('imports.failures.reasons') });
  await expect(sameEmail.getByRole('row')).toHaveCount(1);
  await expect(sameEmail).toContainText('2');
  await expect(report.getByRole('table', { name: m('imports.failures.rowsLabel') })).toContainText('赵磊二');
  // The row's values under the file's own column names, each label as the page's language writes one.
  await expect(report.getByRole('table', { name: m('imports.failures.rowsLabel') })).toContainText(
    lang === 'zh' ? '姓名：赵磊二' : '姓名: 赵磊二',
  );
  await expectNoReasonColumnWarning(page, lang);
  await expectAccessible();
  await shot('import-round-trip-result');
  // The reason of the second time is the reason of the first.
  const secondFailures = rowsOf((await failureFileFromResult(page, lang)).bytes);
  expect(secondFailures.slice(1).map((r) => r[0])).toEqual(['赵磊', '赵磊二']);
  expect(secondFailures[1]!.at(-1)).toMatch(
    lang === 'zh'
      ? /^第 4 行：邮箱“dup-.*”与本文件第 5 行相同$/
      : /^row 4: the same email "dup-.*" is also on row 5/,
  );

  // The fixed customers joined the first import's tag and group, with the company mapped by hand.
  const listed = await page.request.get(`/api/contacts?import=${secondId}`);
  const contacts = (
    (await listed.json()) as { data: { name: string; company: string | null; tags: string[] }[] }
  ).data;
  // 孙八 is the phone's customer now, named as the file names him.
  expect(contacts.map((c) => c.name).sort()).toEqual(['孙八', '李娜', '王芳'].sort());
  expect(contacts.every((c) => c.tags.includes(tag))).toBe(true);
  expect(contacts.find((c) => c.name === '王芳')?.company).toBe('广州商行');
  const record = (await (await page.request.get(`/api/imports/${secondId}`)).json()) as {
    mapping: Record<string, string>;
    settings: { group: string | null };
    warnings: string[];
  };
  expect(record.mapping).not.toHaveProperty(m('imports.failures.column'));
  expect(record.settings.group).toBe(group);
  expect(record.warnings).toEqual([]);

  // The history lists both, the second under a name that says where it came from.
  await page.goto('/imports');
  const history = page.getByRole('table', { name: m('imports.history.label') });
  await expect(history.locator(`tr[data-import="${firstId}"]`)).toContainText(fileName);
  await expect(history.locator(`tr[data-import="${secondId}"]`)).toContainText(`客户-${id}-failures.csv`);
  await shot('import-round-trip-history');
});

test('an XLSX: its failure file is a CSV with the Chinese headers; saved as a workbook again, it is still recognised', async ({
  page,
  lang,
  signIn,
}) => {
  test.setTimeout(120_000);
  const id = run();
  const seed = (Date.now() + 7000) % 100_000_000;
  await signIn('admin');
  const w = wizardSteps(page, lang);
  const { m } = w;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('会员');
  sheet.addRow(['姓名', '手机', '邮箱', '性别']);
  sheet.addRow(['陈静', phone(seed, 1), '', '女']);
  sheet.addRow(['刘洋', '', `ly-${id}@example`, '男']);
  sheet.addRow(['黄敏', '', '', '女']);
  sheet.addRow(['吴昊', phone(seed, 4), '', 'Agender']);
  const fileName = `会员-${id}.xlsx`;
  await w.upload({
    name: fileName,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
  });
  await w.toSettings();
  await w.addTag(`会员-${id}`);
  await w.checkAndRun(2);
  await w.expectCounts({ rows: 4, created: 2, failed: 2, warned: 1 });

  // A CSV (UTF-8 with a BOM), named after the workbook, its Chinese headers kept.
  const failures = await failureFileFromResult(page, lang);
  expect(failures.name).toBe(`会员-${id}-failures.csv`);
  const failed = rowsOf(failures.bytes);
  expect(failed[0]).toEqual(['姓名', '手机', '邮箱', '性别', m('imports.failures.column')]);
  expect(failed.slice(1).map((r) => r.slice(0, 4))).toEqual([
    ['刘洋', '', `ly-${id}@example`, '男'],
    ['黄敏', '', '', '女'],
  ]);

  // Opened in Excel, fixed, saved as a workbook.
  const fixedBook = new ExcelJS.Workbook();
  const fixedSheet = fixedBook.addWorksheet(`会员-${id}-failures`);
  for (const row of failed) {
    if (row[0] === '刘洋') row[2] = `ly-${id}@example.com`;
    if (row[0] === '黄敏') row[1] = phone(seed, 3);
    fixedSheet.addRow(row);
  }
  await w.upload({
    name: `会员-${id}-failures.xlsx`,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(await fixedBook.xlsx.writeBuffer()),
  });
  await expectRecognised(page, lang, fileName, m('imports.failures.column'));
  await w.toSettings();
  await expect(page.locator('.mantine-TagsInput-pill', { hasText: `会员-${id}` })).toBeVisible();
  await w.checkAndRun(2);
  await w.expectCounts({ rows: 2, created: 2, failed: 0 });
  await expectNoReasonColumnWarning(page, lang);
});

test('another CRM’s CSV with English headers: a column mapped by hand comes back, the duplicates fail again', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  test.setTimeout(120_000);
  const id = run();
  const seed = (Date.now() + 14_000) % 100_000_000;
  const ownerPhone = phone(seed, 60);
  await signIn('admin');
  const { emailOwner } = await seedOwners(page, id, ownerPhone);
  const w = wizardSteps(page, lang);
  const { m } = w;
  const header = ['First Name', 'Last Name', 'Email', 'Phone Number', 'Lifecycle Stage', 'Gender'];
  const lines = [
    header,
    ['Ada', 'Ok', `ada-${id}@example.com`, '', 'customer', ''],
    ['Bea', 'Bad', `bea-${id}@@example.com`, '', 'lead', ''],
    ['Cy', 'None', '', '', 'lead', ''],
    ['Di', 'Twice', `twice-${id}@example.com`, '', 'lead', ''],
    ['Di', 'Again', `twice-${id}@example.com`, '', 'lead', ''],
    ['Ed', 'Clash', `owner-${id}@example.com`, `+86 ${ownerPhone}`, 'customer', ''],
    ['Flo', 'Warned', `flo-${id}@example.com`, '', 'customer', 'Agender'],
  ];
  const fileName = `contacts-export-${id}.csv`;
  await w.upload({
    name: fileName,
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.map((r) => r.join(',')).join('\n') + '\n'),
  });
  // The lifecycle stage as tags, by hand.
  await w.choose('Lifecycle Stage', m('fields.tags'));
  await w.toSettings();
  await w.checkAndRun(2);
  await w.expectCounts({ rows: 7, created: 2, failed: 5, warned: 1 });
  const failed = rowsOf((await failureFileFromResult(page, lang)).bytes);
  await expectOwnerMergedThenDeleted(page, lang, id, emailOwner, shot);

  // Fixed in a text editor, which keeps the BOM; the two rows of one e-mail left as they are.
  const fixed = failed.map((row) => {
    const r = [...row];
    if (r[0] === 'Bea') r[2] = `bea-${id}@example.com`;
    if (r[0] === 'Cy') r[3] = phone(seed, 3);
    if (r[0] === 'Ed') r[2] = '';
    return r;
  });
  await w.upload({
    name: 'contacts fixed.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${stringify(fixed)}`),
  });
  await expectRecognised(page, lang, fileName, m('imports.failures.column'));
  await expect(w.target('Lifecycle Stage')).toHaveValue(m('fields.tags'));
  await w.toSettings();
  const secondId = await w.checkAndRun(3);
  await w.expectCounts({ rows: 5, created: 2, updated: 1, failed: 2 });
  await expectNoReasonColumnWarning(page, lang);
  const report = page
    .getByTestId('failures-report')
    .getByRole('table', { name: m('imports.failures.rowsLabel') });
  await expect(report.getByRole('row')).toHaveCount(3);
  const bea = await page.request.get(`/api/contacts?q=${encodeURIComponent(`bea-${id}@example.com`)}`);
  expect(((await bea.json()) as { data: { tags: string[] }[] }).data[0]?.tags).toEqual(['lead']);
  void secondId;
});

/** The failure file as a workbook, from the result page or the history's menu. */
async function failureWorkbook(download: Promise<import('@playwright/test').Download>) {
  const file = await download;
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await file.path())!);
  return { name: file.suggestedFilename(), sheet: book.worksheets[0]! };
}

test('the failure file as an Excel workbook: thousands of rows of text cells, leading zeros kept, fixed and imported again', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  test.setTimeout(150_000);
  const id = run();
  await signIn('admin');
  const w = wizardSteps(page, lang);
  const { m } = w;
  // Member numbers Excel would take for numbers, opening a CSV: 20 digits, leading zeros.
  const seed = String((Date.now() + (lang === 'zh' ? 50_000_000 : 0)) % 100_000_000).padStart(8, '0');
  const member = (i: number) => `000${seed}${String(i).padStart(9, '0')}`;
  const ROWS = 3000;
  const header = ['姓名', '会员卡号', '电子邮箱'];
  // One customer to import; every other row's only e-mail lacks its domain's end: an invalid key.
  const rows = [
    ['会员甲', member(ROWS), `ok-${id}@example.com`],
    ...Array.from({ length: ROWS }, (_, i) => [`会员${i}`, member(i), `m${i}-${id}@example`]),
  ];
  const fileName = `会员卡-${id}.csv`;
  await w.upload({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(stringify([header, ...rows])) });
  await w.toSettings();
  await w.checkAndRun(1);
  await w.expectCounts({ rows: ROWS + 1, created: 1, failed: ROWS });

  // From the result page: a workbook named after the file, every cell text and formatted as text, the
  // reason column in the page's language, all rows (more than fflate compresses without a worker, which
  // the page's CSP refuses).
  const downloading = page.waitForEvent('download');
  await page
    .getByTestId('failures-report')
    .getByRole('button', { name: m('imports.failures.downloadWorkbook') })
    .click();
  const { name, sheet } = await failureWorkbook(downloading);
  expect(name).toBe(`会员卡-${id}-failures.xlsx`);
  expect(sheet.name).toBe(m('imports.failures.sheet'));
  expect(sheet.rowCount).toBe(ROWS + 1);
  expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...header, m('imports.failures.column')]);
  const first = sheet.getRow(2);
  expect(first.getCell(2).value).toBe(member(0));
  expect(first.getCell(2).type).toBe(ExcelJS.ValueType.String);
  expect(first.getCell(2).numFmt).toBe('@');
  expect(String(first.getCell(4).value)).toMatch(lang === 'zh' ? /邮箱/ : /email/);
  expect(sheet.getRow(ROWS + 1).getCell(2).value).toBe(member(ROWS - 1));
  await shot('import-failures-workbook');

  // The history's menu offers the same workbook.
  await page.goto('/imports');
  await page
    .getByRole('table', { name: m('imports.history.label') })
    .locator('tr', { hasText: fileName })
    .first()
    .getByRole('button', { name: m('imports.history.actionsFor', { file: fileName }) })
    .click();
  const fromMenu = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: m('imports.failures.menuWorkbook') }).click();
  expect((await failureWorkbook(fromMenu)).sheet.rowCount).toBe(ROWS + 1);

  // Ten rows fixed in Excel (their e-mails given their end), the rest left for later, and saved: imported
  // again, the member numbers as written. (Not all 3,000: the browser tests share one server, and a
  // sync test sends every customer to its address book.)
  const FIXED = 10;
  const fixedBook = new ExcelJS.Workbook();
  const fixedSheet = fixedBook.addWorksheet(sheet.name);
  for (let n = 1; n <= FIXED + 1; n++) {
    const cells = (sheet.getRow(n).values as unknown[]).slice(1).map(String);
    if (n > 1) cells[2] = `${cells[2]}.com`;
    fixedSheet.addRow(cells);
  }
  const fixed = Buffer.from(await fixedBook.xlsx.writeBuffer());
  await w.upload({ name: `会员卡-${id}-failures.xlsx`, mimeType: 'application/octet-stream', buffer: fixed });
  await expectRecognised(page, lang, fileName, m('imports.failures.column'));
  await w.toSettings();
  await w.checkAndRun(FIXED);
  await w.expectCounts({ rows: FIXED, created: FIXED, failed: 0 });
  await expectNoReasonColumnWarning(page, lang);
  const found = await page.request.get(`/api/contacts?q=${encodeURIComponent(`m7-${id}@example.com`)}`);
  const contact = ((await found.json()) as { data: { identities: Record<string, string> }[] }).data[0];
  expect(Object.values(contact?.identities ?? {})).toContain(member(7));
});
