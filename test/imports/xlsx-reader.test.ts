/**
 * The XLSX reader on workbooks written by hand (bench/xlsx-bombs.ts): files without cell references,
 * every kind of cell value, sheet selection, damaged files, and bombs refused by the limits of
 * src/imports/read/read-limits.ts (scaled down through their settings, as the config reads them, where a bomb at
 * full size would take long to make). Also the CSV reader's quote errors and the batch size cap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inlineRow,
  understateSize,
  workbookBuffer,
  type WorkbookSpec,
  writeGiantCellBomb,
  writeSharedStringsBomb,
} from '../../bench/xlsx-bombs.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { loadConfig } from '../../src/config.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import { DEFAULT_XLSX_LIMITS, xlsxLimits, type XlsxLimits } from '../../src/imports/read/read-limits.js';
import { prepareRowBatches, type RowPreparationInput } from '../../src/imports/prepare/prepare-rows.js';
import { inspectSource, readSourceRecords, type SourceRecord } from '../../src/imports/read/source-reader.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-xlsx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function workbook(name: string, spec: WorkbookSpec): Promise<string> {
  return fixture(name, await workbookBuffer(spec));
}

async function records(file: string, sheet?: string): Promise<SourceRecord[]> {
  const info = await inspectSource(file, { sheet });
  const out: SourceRecord[] = [{ rowNumber: 0, cells: info.header }];
  for await (const r of readSourceRecords(file, info)) out.push(r);
  return out;
}

/** The XLSX limits these environment variables set (as `loadConfig` reads them). */
const limitsOf = (vars: Record<string, string>): XlsxLimits => xlsxLimits(vars);

/** The error a promise rejects with, which must be an ImportFileError. */
async function fileError(attempt: Promise<unknown>): Promise<ImportFileError> {
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected an ImportFileError').toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

async function readAll(file: string, limits?: XlsxLimits): Promise<void> {
  const info = await inspectSource(file, { xlsxLimits: limits });
  for await (const _ of readSourceRecords(file, info, { xlsxLimits: limits })) {
    // read to the end
  }
}

const t = (v: string) => `<is><t>${v}</t></is>`;

describe('XLSX without cell references (issue 14, item 5)', () => {
  it('places cells by their order and numbers rows without r consecutively', async () => {
    const file = await workbook('noref.xlsx', {
      sheets: [
        {
          name: 'Sheet1',
          rows:
            `<row><c t="inlineStr">${t('name')}</c><c t="inlineStr">${t('email')}</c><c t="inlineStr">${t('points')}</c></row>` +
            `<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c><v>42</v></c></row>` +
            `<row/>` +
            `<row><c/><c t="inlineStr">${t('only-b@example.com')}</c></row>` +
            `<row r="7"><c r="C7"><v>1</v></c><c><v>2</v></c></row>` +
            `<row><c t="inlineStr">${t('Eve')}</c></row>`,
        },
      ],
      sharedStrings: `<si><t>Ann</t></si><si><t>ann@example.com</t></si>`,
    });
    expect(await records(file)).toEqual([
      { rowNumber: 0, cells: ['name', 'email', 'points'] },
      { rowNumber: 2, cells: ['Ann', 'ann@example.com', '42'] },
      { rowNumber: 4, cells: ['', 'only-b@example.com'] },
      { rowNumber: 7, cells: ['', '', '1', '2'] },
      { rowNumber: 8, cells: ['Eve'] },
    ]);
  });

  it('imports such a file through the service on ' + TEST_DIALECT, async () => {
    const kith = await createTestKith();
    try {
      const file = await workbook('noref-import.xlsx', {
        sheets: [
          {
            name: '客户',
            rows:
              `<row><c t="inlineStr">${t('姓名')}</c><c t="inlineStr">${t('手机号码')}</c></row>` +
              `<row><c t="inlineStr">${t('张伟')}</c><c><v>13800138401</v></c></row>` +
              `<row><c t="inlineStr">${t('李娜')}</c><c t="inlineStr">${t('138 0013 8402')}</c></row>`,
          },
        ],
      });
      const r = await runImport(kith, file);
      expect(r).toMatchObject({ status: 'completed', rows: 2, created: 2, failed: 0 });
      expect((await kith.contacts.list({ q: '8401' })).data[0]).toMatchObject({
        name: '张伟',
        phone: '+8613800138401',
      });
    } finally {
      await kith.destroy();
    }
  });
});

describe('XLSX cell values', () => {
  it('reads inline and shared strings (rich text, phonetic runs, escapes), numbers, booleans, errors and formulas', async () => {
    const file = await workbook('values.xlsx', {
      sheets: [
        {
          name: 'S',
          rows:
            inlineRow(1, ['text', 'number', 'bool', 'other']) +
            `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>1.5</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c></row>` +
            `<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>1E-3</v></c><c r="C3" t="b"><v>0</v></c><c r="D3" t="str"><f>A3&amp;"!"</f><v>ruby!</v></c></row>` +
            `<row r="4"><c r="A4" t="inlineStr"><is><r><t>in</t></r><r><rPr><b/></rPr><t xml:space="preserve">line </t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></is></c><c r="B4"><v>13800138000</v></c><c r="C4"><f>1+1</f><v>2</v></c><c r="D4"><f>NOW()</f></c></row>` +
            `<row r="5"><c r="A5" t="s"><v>2</v></c><c r="B5" t="n"><v></v></c><c r="C5" t="b"><f>TRUE()</f><v>1</v></c><c r="D5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`,
        },
      ],
      sharedStrings:
        `<si><t>plain &amp; &lt;simple&gt;</t></si>` +
        `<si><r><t>東京</t></r><r><rPr><i/></rPr><t>都</t></r><rPh sb="0" eb="2"><t>とうきょう</t></rPh><phoneticPr fontId="1"/></si>` +
        `<si><t>a_x000D_b</t></si>`,
    });
    expect((await records(file)).slice(1)).toEqual([
      { rowNumber: 2, cells: ['plain & <simple>', '1.5', 'true'] }, // an error reads as empty
      { rowNumber: 3, cells: ['東京都', '0.001', 'false', 'ruby!'] },
      { rowNumber: 4, cells: ['inline ', '13800138000', '2'] },
      { rowNumber: 5, cells: ['a\rb', '', 'true'] },
    ]);
  });

  it('reads date-formatted numbers as dates (built-in, custom and East Asian formats, 1904 dates)', async () => {
    const styles =
      `<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy/mm/dd;@"/><numFmt numFmtId="165" formatCode="#,##0.00 &quot;d&quot;"/></numFmts>` +
      `<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="31"/></cellXfs>`;
    const rows =
      inlineRow(1, ['general', 'd14', 'custom', 'number fmt', 'date time', 'zh date']) +
      `<row r="2"><c r="A2"><v>45000</v></c><c r="B2" s="1"><v>45000</v></c><c r="C2" s="2"><v>33725</v></c><c r="D2" s="3"><v>45000</v></c><c r="E2" s="4"><v>45000.5</v></c><c r="F2" s="5"><v>45000</v></c></row>`;
    const file = await workbook('dates.xlsx', { sheets: [{ name: 'S', rows }], styles });
    expect((await records(file))[1]).toEqual({
      rowNumber: 2,
      cells: ['45000', '2023-03-15', '1992-05-01', '45000', '2023-03-15 12:00:00', '2023-03-15'],
    });
    const file1904 = await workbook('dates1904.xlsx', {
      sheets: [
        { name: 'S', rows: inlineRow(1, ['d']) + `<row r="2"><c r="A2" s="1"><v>43538</v></c></row>` },
      ],
      styles,
      date1904: true,
    });
    expect((await records(file1904))[1]!.cells).toEqual(['2023-03-15']);
  });

  it('reads what ExcelJS writes as before: dates, numbers, booleans, rich text, formulas', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('客户');
    sheet.addRow(['name', 'born', 'points', 'vip', 'note', 'total']);
    sheet.addRow([
      '赵敏',
      new Date(Date.UTC(1992, 4, 1)),
      12.25,
      true,
      { richText: [{ text: 'very ' }, { font: { bold: true }, text: 'rich' }] },
      { formula: 'C2*2', result: 24.5 },
    ]);
    sheet.addRow([
      'at noon',
      new Date(Date.UTC(2024, 0, 2, 12, 0, 0)),
      -3,
      false,
      null,
      { formula: 'A3', result: 'at noon' },
    ]);
    const file = fixture('exceljs.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    expect(await records(file)).toEqual([
      { rowNumber: 0, cells: ['name', 'born', 'points', 'vip', 'note', 'total'] },
      { rowNumber: 2, cells: ['赵敏', '1992-05-01', '12.25', 'true', 'very rich', '24.5'] },
      // A date and time as the sheet shows it, with no zone: the import reads it in its own zone.
      { rowNumber: 3, cells: ['at noon', '2024-01-02 12:00:00', '-3', 'false', '', 'at noon'] },
    ]);
  });

  it('lists the sheets in tab order and reads the one chosen by name', async () => {
    const file = await workbook('sheets.xlsx', {
      sheets: [
        { name: '客户', rows: inlineRow(1, ['姓名']) + inlineRow(2, ['张伟']) },
        { name: 'Other & more', rows: inlineRow(1, ['email']) + inlineRow(3, ['x@example.com']) },
      ],
    });
    expect(await inspectSource(file)).toMatchObject({
      sheets: ['客户', 'Other & more'],
      sheet: '客户',
      header: ['姓名'],
    });
    expect(await records(file, 'Other & more')).toEqual([
      { rowNumber: 0, cells: ['email'] },
      { rowNumber: 3, cells: ['x@example.com'] },
    ]);
    const missing = await fileError(inspectSource(file, { sheet: 'Nope' }));
    expect(missing.message).toBe('the workbook has no sheet "Nope"; it has "客户", "Other & more"');
  });
});

describe('damaged XLSX files give a clear ImportFileError', () => {
  it.each([
    [
      'malformed XML',
      inlineRow(1, ['a']) + '<row r="2"><c r="A2"><v>1</c></row>',
      /damaged: sheet "S" \(xl\/worksheets\/sheet1\.xml\) is not well-formed XML/,
    ],
    [
      'a reference naming no column',
      inlineRow(1, ['a']) + '<row r="2"><c r="12"><v>1</v></c></row>',
      /row 2 has a cell with the reference "12", which names no column/,
    ],
    [
      'rows out of order',
      inlineRow(1, ['a']) + inlineRow(5, ['b']) + inlineRow(3, ['c']),
      /has row 3 after row 5; rows must be in order/,
    ],
    [
      'a missing shared string',
      inlineRow(1, ['a']) + '<row r="2"><c r="A2" t="s"><v>7</v></c></row>',
      /cell A2 refers to shared string 7, which the workbook does not have/,
    ],
    [
      'a column beyond 1000',
      inlineRow(1, ['a']) + '<row r="2"><c r="ALM2"><v>1</v></c></row>',
      /^row 2 has 1001 columns; at most 1000 are supported$/,
    ],
  ] as const)('%s', async (_label, rows, message) => {
    const spec = { sheets: [{ name: 'S', rows }], sharedStrings: '<si><t>only</t></si>' };
    const file = await workbook('damaged.xlsx', spec);
    const error = await fileError(readAll(file));
    expect(error.message).toMatch(message);
  });

  it('refuses a truncated archive, an OpenDocument file and an encrypted workbook', async () => {
    const whole = await workbookBuffer({ sheets: [{ name: 'S', rows: inlineRow(1, ['a']) }] });
    const truncated = fixture('truncated.xlsx', whole.subarray(0, whole.length - 30));
    expect((await fileError(inspectSource(truncated))).message).toMatch(
      /damaged: its zip directory is missing/,
    );
    const ods = new JSZip();
    ods.file('mimetype', 'application/vnd.oasis.opendocument.spreadsheet');
    ods.file('content.xml', '<office:document-content/>');
    const odsFile = fixture('sheet.ods', await ods.generateAsync({ type: 'nodebuffer' }));
    expect((await fileError(inspectSource(odsFile))).message).toMatch(/OpenDocument spreadsheet/);
    const ole = fixture('locked.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect((await fileError(inspectSource(ole))).message).toMatch(/password-protected workbook/);
  });
});

describe('XLSX bombs are refused early, naming the limit (issue 14, item 3)', () => {
  it('refuses a shared strings table larger than a part may be, from its declared size', async () => {
    const file = path.join(dir, 'strings-bomb.xlsx');
    await writeSharedStringsBomb(file, { strings: 600, chars: 20_000 }); // 12 MB of strings
    {
      const error = await fileError(
        inspectSource(file, { xlsxLimits: limitsOf({ KITH_XLSX_MAX_PART_MB: '8' }) }),
      );
      expect(error.message).toMatch(
        /^the shared strings \(xl\/sharedStrings\.xml\) unpacks to 11 MB; one part of an XLSX file may unpack to at most 8 MB \(KITH_XLSX_MAX_PART_MB\)/,
      );
      expect(error.details).toMatchObject({ limit: 'KITH_XLSX_MAX_PART_MB' });
    }
  });

  it('refuses, at the upload check, shared strings that would not fit in their memory limit', async () => {
    const file = path.join(dir, 'strings-memory.xlsx');
    await writeSharedStringsBomb(file, { strings: 150, chars: 20_000 }); // 3 MB of strings
    const oneMegabyte = limitsOf({ KITH_XLSX_MAX_SHARED_STRINGS_MB: '1' });
    const error = await fileError(inspectSource(file, { xlsxLimits: oneMegabyte }));
    expect(error.message).toMatch(
      /the workbook's shared strings take more than 1 MB of memory .*\(KITH_XLSX_MAX_SHARED_STRINGS_MB\)/,
    );
    // The job's reading refuses it too, whatever the upload check said.
    const info = await inspectSource(file);
    const rows = readSourceRecords(file, info, { xlsxLimits: oneMegabyte });
    expect((await fileError(rows.next())).message).toMatch(/\(KITH_XLSX_MAX_SHARED_STRINGS_MB\)/);
  });

  it('refuses a part whose compression ratio is a bomb’s', async () => {
    const file = path.join(dir, 'ratio.xlsx');
    await writeGiantCellBomb(file, { chars: 24 * 1024 * 1024 });
    const error = await fileError(inspectSource(file));
    expect(error.message).toMatch(
      /^sheet "Sheet1" \(xl\/worksheets\/sheet1\.xml\) unpacks to more than 100 times its packed size .*KITH_XLSX_MAX_RATIO=100/,
    );
  });

  it('refuses a giant cell at its first megabyte, and a cell longer than Excel allows', async () => {
    const giant = path.join(dir, 'giant-cell.xlsx');
    await writeGiantCellBomb(giant, { chars: 4 * 1024 * 1024 });
    const error = await fileError(readAll(giant));
    expect(error.message).toBe(
      'sheet "Sheet1", row 2: more than 1 MB of text without markup; a cell holds at most 32,767 characters',
    );
    const long = await workbook('long-cell.xlsx', {
      sheets: [{ name: 'S', rows: inlineRow(1, ['name']) + inlineRow(2, ['y'.repeat(40_000)]) }],
    });
    expect((await fileError(readAll(long))).message).toBe(
      'sheet "S", row 2: cell A2 holds more than 32,767 characters, Excel\'s own limit for a cell',
    );
  });

  it('refuses a row whose shared strings repeat past a megabyte, and a sheet whose text passes the part limit', async () => {
    const column = (i: number) => (i < 26 ? '' : 'A') + String.fromCharCode(65 + (i % 26));
    const ref = (col: number, row: number) => `<c r="${column(col)}${row}" t="s"><v>0</v></c>`;
    const row = (n: number, cells: number) =>
      `<row r="${n}">${Array.from({ length: cells }, (_, i) => ref(i, n)).join('')}</row>`;
    const spec = (cells: number, rows: number): WorkbookSpec => ({
      sheets: [
        {
          name: 'S',
          rows: inlineRow(1, ['a']) + Array.from({ length: rows }, (_, i) => row(i + 2, cells)).join(''),
        },
      ],
      sharedStrings: `<si><t>${'z'.repeat(30_000)}</t></si>`,
    });
    const wide = await workbook('wide-row.xlsx', spec(40, 1));
    expect((await fileError(readAll(wide))).message).toBe(
      'sheet "S", row 2: the row holds more than 1 MB of text',
    );
    const tall = await workbook('tall.xlsx', spec(20, 40)); // 24 MB of text from a tiny sheet
    expect((await fileError(readAll(tall, limitsOf({ KITH_XLSX_MAX_PART_MB: '4' })))).message).toMatch(
      /^the cells of sheet "S" hold more than 4 MB of text by row 8 .*\(KITH_XLSX_MAX_PART_MB\)/,
    );
  });

  it('refuses an archive that understates what a part unpacks to, whatever it claims', async () => {
    const file = path.join(dir, 'lying.xlsx');
    await writeSharedStringsBomb(file, { strings: 600, chars: 20_000 });
    const packed = fs.statSync(file).size;
    understateSize(file, 'xl/sharedStrings.xml', packed * 4);
    // The upload check reads only the strings the header uses: the lie shows when the job reads on.
    await inspectSource(file);
    expect((await fileError(readAll(file))).message).toMatch(
      /^the XLSX file is damaged: the shared strings \(xl\/sharedStrings\.xml\) unpacks to more than the \d+ bytes its zip entry declares$/,
    );
    understateSize(file, 'xl/sharedStrings.xml', 1000);
    expect((await fileError(inspectSource(file))).message).toMatch(
      /declares that it unpacks to fewer bytes than it packs/,
    );
  });

  it('refuses parts that together unpack to more than the total limit', async () => {
    const file = path.join(dir, 'total.xlsx');
    await writeSharedStringsBomb(file, { strings: 150, chars: 20_000 });
    const twoMegabytes = limitsOf({ KITH_XLSX_MAX_TOTAL_MB: '2' });
    expect((await fileError(inspectSource(file, { xlsxLimits: twoMegabytes }))).message).toMatch(
      /^the parts of the XLSX file to read unpack to 2\.\d+ MB; all of them together may unpack to at most 2 MB \(KITH_XLSX_MAX_TOTAL_MB\)/,
    );
    // A mistyped limit stops the process at start (loadConfig), naming the variable.
    expect(() => loadConfig({ KITH_XLSX_MAX_RATIO: 'lots' })).toThrow(
      'KITH_XLSX_MAX_RATIO must be a positive number of times (got "lots")',
    );
  });

  it('checks the upload by reading only the start of the sheet', async () => {
    // The sheet breaks after row 3,001, past the first chunk the upload check (header, preview) reads.
    const rows =
      inlineRow(1, ['name', 'email']) +
      Array.from({ length: 3000 }, (_, i) => inlineRow(i + 2, [`P${i}`, `p${i}@example.com`])).join('') +
      '<row r="4000"><c r="A4000"><v>1</c>';
    const file = await workbook('late-damage.xlsx', { sheets: [{ name: 'S', rows }] });
    const info = await inspectSource(file);
    let previewed = 0;
    for await (const _ of readSourceRecords(file, info, { limit: 10 })) previewed++;
    expect(previewed).toBe(10);
    expect((await fileError(readAll(file))).message).toMatch(/not well-formed XML/);
  });
});

describe(`kith import contacts with XLSX on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());
  const cli = (...args: string[]) => runCli(args, kith.database.env);

  it('imports a workbook without cell references and prints its JSON', async () => {
    const file = await workbook('cli-noref.xlsx', {
      sheets: [
        {
          name: 'S',
          rows:
            `<row><c t="inlineStr">${t('name')}</c><c t="inlineStr">${t('email')}</c></row>` +
            `<row><c t="inlineStr">${t('Cli Noref')}</c><c t="inlineStr">${t('cli-noref@example.com')}</c></row>`,
        },
      ],
    });
    const r = await cli('import', 'contacts', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', rows: 1, created: 1 });
  });

  it('prints a JSON error on stdout and exits 1 when the file is refused', async () => {
    const file = await workbook('cli-damaged.xlsx', {
      sheets: [{ name: 'S', rows: '<row><c t="inlineStr"><is><t>name</t></is></c><c><v>1</c></row>' }],
    });
    const r = await cli('import', 'contacts', file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'unreadable_file',
        message: expect.stringMatching(/^the XLSX file is damaged: sheet "S" .* is not well-formed XML/),
      },
    });
    expect(r.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
  });

  it('prints the failed import with its error object when the job finds the damage', async () => {
    const file = path.join(dir, 'cli-lying.xlsx');
    await writeSharedStringsBomb(file, { strings: 600, chars: 20_000 });
    understateSize(file, 'xl/sharedStrings.xml', fs.statSync(file).size * 4);
    const r = await cli('import', 'contacts', file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'failed',
      error: {
        code: 'import_failed',
        message: expect.stringMatching(/unpacks to more than the \d+ bytes its zip entry declares/),
      },
    });
  });

  it('refuses a bomb through the service before queueing anything', async () => {
    const file = path.join(dir, 'service-bomb.xlsx');
    await writeGiantCellBomb(file, { chars: 24 * 1024 * 1024 });
    const before = (await kith.imports.list()).length;
    const error = await fileError(kith.imports.start({ filePath: file, fileName: 'bomb.xlsx' }, ADMIN));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/KITH_XLSX_MAX_RATIO/);
    expect((await kith.imports.list()).length).toBe(before);
  });
});

describe(`POST /api/imports with XLSX on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    const admin = await server.kith.users.create(
      { email: 'xlsx-admin@example.com', password: 'xlsx admin pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    token = (await server.kith.tokens.create(admin.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => server.close());
  const upload = async (route: string, file: string) => {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(file)]), 'book.xlsx');
    const r = await fetch(`${server.baseUrl}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  it('previews a workbook without cell references, and answers 422 naming what is wrong otherwise', async () => {
    const noref = await workbook('api-noref.xlsx', {
      sheets: [
        {
          name: 'S',
          rows:
            `<row><c t="inlineStr">${t('name')}</c><c t="inlineStr">${t('email')}</c></row>` +
            `<row><c t="inlineStr">${t('Api Noref')}</c><c t="inlineStr">${t('api-noref@example.com')}</c></row>`,
        },
      ],
    });
    const preview = await upload('/api/imports/preview', noref);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ format: 'xlsx', header: ['name', 'email'] });
    const damaged = await workbook('api-damaged.xlsx', {
      sheets: [{ name: 'S', rows: '<row><c t="inlineStr"><is><t>name</t></is></c><c><v>1</c></row>' }],
    });
    const refused = await upload('/api/imports', damaged);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'unreadable_file',
      message: expect.stringMatching(/^the XLSX file is damaged: sheet "S" .* is not well-formed XML/),
    });
    const bomb = path.join(dir, 'api-bomb.xlsx');
    await writeGiantCellBomb(bomb, { chars: 24 * 1024 * 1024 });
    const refusedBomb = await upload('/api/imports', bomb);
    expect(refusedBomb.status).toBe(422);
    expect(refusedBomb.body.error.message).toMatch(/KITH_XLSX_MAX_RATIO/);
  });
});

describe('CSV quote errors name the line where the quote opened', () => {
  const lines = (n: number, from = 2) =>
    Array.from({ length: n }, (_, i) => `P${i + from},p${i + from}@example.com\n`).join('');

  it('a quote never closed', async () => {
    const file = fixture(
      'open-quote.csv',
      `name,email\n${lines(15)}"Unclosed,u@example.com\n${lines(20, 18)}`,
    );
    const error = await fileError(readAll(file));
    expect(error.message).toBe(
      'line 17: a quote opened here is never closed; close it, and write a quote inside a quoted cell as ""',
    );
    expect(error.details).toEqual({ row: 17, line: 17 });
  });

  it('a quote left open for more than a megabyte', async () => {
    const file = fixture(
      'long-quote.csv',
      `name,email\nA,a@example.com\n"Open,${'x'.repeat(100)}\n${lines(60_000, 4)}`,
    );
    const error = await fileError(readAll(file));
    expect(error.message).toMatch(/^line 3: a quote opened here is not closed within 1 MiB/);
  });

  it('a quote closed lines later by another cell’s quote, after cells spanning lines', async () => {
    const file = fixture('late-close.csv', `name,note\nA,"two\nlines"\n"Broken,x\nB,"b",c\n`);
    const error = await fileError(readAll(file));
    expect(error.message).toMatch(
      /^line 5: a quoted cell that opened at line 4 \(row 3\) ends here and is followed by more text/,
    );
  });
});

describe('batches', () => {
  it('end at 4 M characters of cell text as well as at the row count', async () => {
    const big = 'x'.repeat(600_000);
    const file = fixture(
      'big-rows.csv',
      `name,email\n${Array.from({ length: 30 }, (_, i) => `${big},b${i}@example.com\n`).join('')}`,
    );
    const source = await inspectSource(file);
    const input: RowPreparationInput = {
      path: file,
      source,
      xlsxLimits: DEFAULT_XLSX_LIMITS,
      mapping: new Map([[1, 'email']]),
      mappingCtx: { identityTypes: new Set(), attributeTypes: new Map(), createAttributes: false },
      normalize: { region: 'CN', identityTypes: new Set(), attributeDefinitions: new Map() },
      afterRow: 0,
      batchRows: 1000,
    };
    const sizes: number[] = [];
    for await (const batch of prepareRowBatches('keys', input)) sizes.push(batch.length);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
  });
});
