/**
 * The CSV delimiter judged by how consistently it splits the first lines, so that a title row above
 * the table cannot decide it, and detected from the header row the user chose (the preview, the API
 * and the CLI read the file through the same ImportService.inspect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDelimiter, scoreDelimiters } from '../../src/imports/read/detect-delimiter.js';
import { ADMIN, fixture } from '../support/import-helpers.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

const HELPDESK_TITLE = 'Exported from HelpDesk — 30 Nov 2026';
const SEMICOLON_TABLE = [
  'Name;Email;Phone number;Gender',
  'Ann Lee;ann@example.com;+44 20 7946 0000;Female',
  'Bob Ray;bob@example.com;abc;Male',
  'Cai Wen;cai@example.com;13800138000;Other',
].join('\n');

describe('detectDelimiter', () => {
  it.each([
    ['a comma file', 'name,email\na,b\n', ','],
    ['a semicolon file', 'name;email;city\na;b;c\n', ';'],
    ['a tab file', 'name\temail\tnote\na\tb\tx, y; z\nc\td\t\n', '\t'],
    ['a pipe file', 'name|email\na|b\nc|d\n', '|'],
    ['a comma file with commas inside quoted cells', 'name,note\n"Smith, John","a,b,c"\n"Lee, Ann",x\n', ','],
    ['semicolons with commas inside quoted cells', 'name;note\n"Smith, John";"a,b,c"\n', ';'],
    ['quoted cells holding commas on every line', '"a,b";c\n"d,e";f\n', ';'],
    ['a one-column file', 'phone\n13800138000\n13900139000\n', ','],
    ['a one-column file with a comma in one cell', 'note\nhello, world\nbye\nok\n', ','],
    ['a title row, a blank line, then semicolon data', `${HELPDESK_TITLE}\n\n${SEMICOLON_TABLE}\n`, ';'],
    ['a title row then semicolon data', `${HELPDESK_TITLE}\n${SEMICOLON_TABLE}\n`, ';'],
    ['a title row with a comma in it above semicolon data', `Export, 30 Nov\n${SEMICOLON_TABLE}\n`, ';'],
    ['a title row with commas above a semicolon header alone', 'Export, 30 Nov, HelpDesk\nName;Email\n', ';'],
    [
      'a title with a comma above a one-row semicolon table',
      'Export, 30 Nov\nName;Email\nAnn;a@x.com\n',
      ';',
    ],
    [
      'Chinese headers with full-width commas in values',
      '姓名,手机号,备注\n张伟,13800138000,老客户，常买茶叶\n李娜,13900139000,新客户，杭州\n',
      ',',
    ],
    [
      'Chinese headers, semicolons, full-width commas',
      '姓名;手机号;备注\n张伟;13800138000;老客户，常买茶叶\n',
      ';',
    ],
    ['CRLF line ends', 'name;email\r\na;b\r\nc;d\r\n', ';'],
    ['a sample cut in its last line', 'name;email\na;b\nc;d\n"x, y, z, w', ';'],
    ['an empty file', '', ','],
  ])('%s', (_case, text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });

  it.each([
    ['the header row chosen below a title', `${HELPDESK_TITLE}\n\n${SEMICOLON_TABLE}\n`, 3, ';'],
    [
      'a title of commas above the chosen row',
      `Export, 30 Nov, A, B\nExport, 1 Dec, C, D\n${SEMICOLON_TABLE}\n`,
      3,
      ';',
    ],
    ['tab data below two comma lines', `a,b,c\nd,e,f\nName\tEmail\nAnn\ta@x.com\n`, 3, '\t'],
    ['the first row chosen', 'name|email\na|b\n', 1, '|'],
  ])('%s', (_case, text, fromLine, delimiter) => {
    expect(detectDelimiter(text, { fromLine })).toBe(delimiter);
  });

  it('keeps the last line of a complete sample', () => {
    expect(detectDelimiter('title, a\nName;Email', { complete: true })).toBe(';');
  });

  it('scores by the lines that agree, not by the first line', () => {
    const scores = scoreDelimiters([HELPDESK_TITLE.replace('—', ','), ...SEMICOLON_TABLE.split('\n')]);
    expect(scores.find((s) => s.delimiter === ';')).toMatchObject({ agreeing: 4, fields: 4, last: true });
    expect(scores.find((s) => s.delimiter === ',')).toMatchObject({ agreeing: 1, fields: 2, last: false });
    expect(scores.find((s) => s.delimiter === '|')).toMatchObject({ agreeing: 0, fields: 1 });
  });
});

describe('previewing a CSV file with a title row', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.close();
  });

  it.each([
    ['with a blank line', `${HELPDESK_TITLE}\n\n${SEMICOLON_TABLE}\n`, 3],
    ['without a blank line', `${HELPDESK_TITLE}\n${SEMICOLON_TABLE}\n`, 2],
  ])('reads the semicolons %s, found or chosen as the header row', async (_case, text, headerRow) => {
    const file = fixture('helpdesk.csv', text);
    const expected = {
      delimiter: ';',
      header_row: headerRow,
      header: ['Name', 'Email', 'Phone number', 'Gender'],
    };
    const found = await kith.imports.preview({ filePath: file });
    expect(found).toMatchObject(expected);
    expect(found.rows[0]).toEqual(['Ann Lee', 'ann@example.com', '+44 20 7946 0000', 'Female']);
    const chosen = await kith.imports.preview({ filePath: file, headerRow });
    expect(chosen).toMatchObject(expected);
    expect(chosen.rows).toHaveLength(3);
  });

  it('keeps a delimiter the user chose over the one detected from the header row', async () => {
    const file = fixture('helpdesk.csv', `${HELPDESK_TITLE}\n\n${SEMICOLON_TABLE}\n`);
    const preview = await kith.imports.preview({ filePath: file, headerRow: 3, delimiter: ',' });
    expect(preview.delimiter).toBe(',');
    expect(preview.header).toEqual(['Name;Email;Phone number;Gender']);
  });

  it('imports such a file with the detected delimiter', async () => {
    const file = fixture('helpdesk.csv', `${HELPDESK_TITLE}\n\n${SEMICOLON_TABLE}\n`);
    const record = await kith.imports.start(
      {
        filePath: file,
        fileName: 'helpdesk.csv',
        headerRow: 3,
        mapping: { Name: 'name', Email: 'email', 'Phone number': 'phone', Gender: 'gender' },
        dryRun: true,
      },
      ADMIN,
    );
    expect(record.delimiter).toBe(';');
    expect(record.mapping).toMatchObject({ Name: 'name', Gender: 'gender' });
  });
});
