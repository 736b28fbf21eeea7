/** The pure stages of the import pipeline, each on its own, with tables of real-world cases. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { mergeImportPatch } from '../../src/imports/apply/merge-import-patch.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_HEADER, generateRow, writeGeneratedCsv } from '../../bench/generate-contacts.js';
import {
  keyColumnsOf,
  type PreparedBatch,
  type RowPreparation,
} from '../../src/imports/prepare/prepare-rows.js';
import { RowPreparer } from '../../src/imports/prepare/row-preparer.js';
import { reportKindOf } from '../../src/imports/report/report-columns.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import { DEFAULT_XLSX_LIMITS } from '../../src/imports/read/read-limits.js';
import { inspectSource } from '../../src/imports/read/source-reader.js';
import {
  excelSerialToIsoDate,
  mapRecord,
  type MappingContext,
  type ResolvedMapping,
  resolveMapping,
  suggestMapping,
} from '../../src/imports/map/column-mapping.js';
import { fileKeys, validateRow } from '../../src/imports/validate/row-validation.js';
import {
  matchRowToContact,
  identityKey,
  type OwnerLookup,
  type RowKeys,
} from '../../src/imports/match/match-row-to-contact.js';
import { detectDelimiter } from '../../src/imports/read/detect-delimiter.js';
import { detectEncoding, parseEncodingName } from '../../src/imports/read/detect-encoding.js';
import { protectCell, unprotectCell } from '../../src/domain/csv-cell-safety.js';
import { InFileDuplicateIndex } from '../../src/imports/validate/in-file-duplicates.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';

describe('detectEncoding', () => {
  const text = '姓名,城市\n张伟,杭州\n李娜,北京市朝阳区\n';
  it.each([
    ['UTF-8 with BOM', iconv.encode(text, 'utf-8', { addBOM: true }), 'utf-8', 'certain'],
    ['UTF-8', Buffer.from(text), 'utf-8', 'certain'],
    ['UTF-16 LE with BOM', iconv.encode(text, 'utf-16le', { addBOM: true }), 'utf-16le', 'certain'],
    [
      'UTF-16 BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]),
      'utf-16be',
      'certain',
    ],
    ['UTF-16 LE without BOM', iconv.encode('name,city\nJosé,Köln\n', 'utf-16le'), 'utf-16le', 'likely'],
    ['GBK', iconv.encode(text, 'gbk'), 'gb18030', 'likely'],
    ['GB18030', iconv.encode(text, 'gb18030'), 'gb18030', 'likely'],
    [
      'Windows-1252',
      iconv.encode('name;city\nJosé Müller;Zürich\nFrançoise;Besançon\n', 'win1252'),
      'windows-1252',
      'likely',
    ],
    ['ASCII', Buffer.from('name,email\nA,a@example.com\n'), 'utf-8', 'certain'],
  ] as const)('%s', (_label, bytes, encoding, confidence) => {
    expect(detectEncoding(bytes, true)).toMatchObject({ encoding, confidence });
  });

  it('is unsure about a few ambiguous high bytes', () => {
    expect(detectEncoding(Buffer.from([0x61, 0x2c, 0xb0, 0xa1, 0xe9, 0x20, 0x0a]), true).confidence).toBe(
      'unsure',
    );
  });

  it('reads the encoding names people type', () => {
    expect(
      ['GBK', 'gb2312', 'cp936', 'UTF8', 'latin1', 'ANSI', 'utf-16', 'nope'].map(parseEncodingName),
    ).toEqual(['gb18030', 'gb18030', 'gb18030', 'utf-8', 'windows-1252', 'windows-1252', 'utf-16le', null]);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['name,email\na,b\n', ','],
    ['name;email;city\na;b;c\n', ';'],
    ['name\temail\na\tb\n', '\t'],
    ['name|email\na|b\n', '|'],
    ['name;note\n"Smith, John";"a,b,c"\n', ';'],
    ['"a,b";c\n"d,e";f\n', ';'],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

const ctx: MappingContext = {
  identityTypes: new Set(['external_id', 'wechat_openid']),
  attributeTypes: new Map([
    ['tier', 'list'],
    ['joined', 'date'],
  ]),
  createAttributes: false,
};

describe('suggestMapping', () => {
  it.each([
    ['姓名', 'name'],
    ['名字', 'name'],
    ['客户姓名', 'name'],
    ['手机', 'phone'],
    ['手机号', 'phone'],
    ['手机号码', 'phone'],
    ['电话', 'phone'],
    ['联系电话', 'phone'],
    ['邮箱', 'email'],
    ['电子邮件', 'email'],
    ['电子邮箱', 'email'],
    ['性别', 'gender'],
    ['生日', 'birthday'],
    ['出生日期', 'birthday'],
    ['省份', 'province'],
    ['省', 'province'],
    ['城市', 'city'],
    ['市', 'city'],
    ['地址', 'address'],
    ['详细地址', 'address'],
    ['邮编', 'postcode'],
    ['公司', 'company'],
    ['公司名称', 'company'],
    ['单位', 'company'],
    ['标签', 'tags'],
    ['客户标签', 'tags'],
    ['identifier', 'identity.external_id'],
    ['phone_number', 'phone'],
    ['E-mail Address', 'email'],
    ['Mobile Phone', 'phone'],
    ['First Name', 'first_name'],
    ['Last Name', 'last_name'],
    ['E-mail 1 - Value', 'email'],
    ['Phone 1 - Value', 'phone'],
    ['Organization 1 - Name', 'company'],
    ['Record ID', 'identity.external_id'],
    ['Mobile Phone Number', 'phone'],
    ['wechat_openid', 'identity.wechat_openid'],
    ['identity.wechat_openid', 'identity.wechat_openid'],
    ['attr.tier', 'attr.tier'],
    ['Tier', 'attr.tier'],
    ['external_id', 'identity.external_id'],
    ['Favourite colour', null],
    ['created_at', null],
  ])('%j → %j', (header, target) => {
    expect(suggestMapping([header], [['x']], ctx)[0]?.target).toBe(target);
  });

  it('maps id only when its values are Kith ids', () => {
    expect(suggestMapping(['id'], [['ct_01jd0000000000000000000000']], ctx)[0]?.target).toBe('id');
    expect(suggestMapping(['id'], [['17']], ctx)[0]).toMatchObject({
      target: null,
      warning: expect.stringContaining('identity.external_id'),
    });
  });

  it('maps one column per field and ignores the error column of a failure file', () => {
    expect(suggestMapping(['手机', '电话', '姓名', '客户姓名', 'error'], [], ctx)).toMatchObject([
      { target: 'phone' },
      { target: 'additional_phones' }, // a second phone column is kept as an additional phone
      { target: 'name' },
      { target: null, warning: 'name is already mapped from another column' },
      { target: 'ignore' },
    ]);
  });

  it('knows a report file by its last column however a spreadsheet wrote its name', () => {
    for (const [header, kind] of [
      [['姓名', 'error'], 'failures'],
      [['姓名', ' Error '], 'failures'],
      [['姓名', 'ERROR：'], 'failures'],
      [['姓名', '失败原因'], 'failures'],
      [['姓名', 'Warning'], 'warnings'],
      [['姓名', '警告原因:'], 'warnings'],
      [['error', '姓名'], null], // not last: a column of the customers' own
      [['姓名', 'errors'], null],
    ] as const) {
      expect(reportKindOf(header), header.join('|')).toBe(kind);
      // The mapping and the earlier-import look-up agree: the column left out exactly when the file is known.
      const last = suggestMapping([...header], [], ctx).at(-1);
      expect(last?.target === 'ignore' && last.confidence === 'exact', header.join('|')).toBe(kind !== null);
    }
  });
});

describe('mapRecord', () => {
  const mapping = new Map([
    [0, 'name'],
    [1, 'tags'],
    [2, 'tags'],
    [3, 'birthday'],
    [4, 'attr.joined'],
    [5, 'identity.wechat_openid'],
    [6, 'phone'],
  ]);
  it('leaves empty cells out, joins list columns, converts Excel serial dates and unprotects cells', () => {
    expect(
      mapRecord(['  张伟 ', 'VIP', '老客户', '33000', '45000', '', "'+8613800138000"], mapping, ctx),
    ).toEqual({
      id: null,
      input: {
        name: '张伟',
        tags: 'VIP;老客户',
        birthday: '1990-05-07',
        attributes: { joined: '2023-03-15' },
        phone: '+8613800138000',
      },
    });
  });
  it.each([
    ["'7012345678901", '7012345678901'], // Shopify's Customer ID, marked as text for Excel
    ["'02108", '02108'], // and its Default Address Zip
    ["'+14165550123", '+14165550123'], // its Phone (also a formula-protected cell)
    ["O'Brien", "O'Brien"],
    ["'Neil", "'Neil"],
  ])('a cell %j is read as %j', (cell, value) => {
    expect(mapRecord([cell], new Map([[0, 'identity.external_id']]), ctx).input).toEqual({
      identities: { external_id: value },
    });
  });
  it.each([
    // Salesforce's report footer: one cell, words, in a file of many columns
    [
      ['Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.'],
      new Map([
        [0, 'identity.external_id'],
        [3, 'email'],
      ]),
      false,
    ],
    [
      ['Globex Corporation'],
      new Map([
        [0, 'identity.external_id'],
        [3, 'email'],
      ]),
      false,
    ],
    // A customer known by one value: a value without spaces, its other columns empty, or a one-column file
    [
      ['o6_xKq9'],
      new Map([
        [0, 'identity.external_id'],
        [3, 'email'],
      ]),
      true,
    ],
    [
      ['CRM 42', '', '', ''],
      new Map([
        [0, 'identity.external_id'],
        [3, 'email'],
      ]),
      true,
    ],
    [['CRM 42'], new Map([[0, 'identity.external_id']]), true],
  ] as [string[], ResolvedMapping, boolean][])(
    "a line %j is a customer's row: %s",
    (cells, mapping, isRow) => {
      const v = validateRow(mapRecord(cells, mapping, ctx), {
        region: 'CN',
        identityTypes: new Set(['external_id']),
        attributeDefinitions: new Map(),
      });
      expect(v.ok).toBe(isRow);
      if (!isRow)
        expect(v).toMatchObject({ reason: expect.stringContaining('lines a report adds under its table') });
      if (!isRow)
        expect(
          fileKeys(mapRecord(cells, mapping, ctx), {
            region: 'CN',
            identityTypes: new Set(['external_id']),
            attributeDefinitions: new Map(),
          }),
        ).toEqual([]);
    },
  );
  it.each([
    ['13800138020/13900139020', { phone: '13800138020', additional_phones: '13900139020' }],
    ['13800138021；13900139021', { phone: '13800138021', additional_phones: '13900139021' }],
    ['13800138022, 010-8888 6666', { phone: '13800138022', additional_phones: '010-8888 6666' }],
    [
      '13800138023 / 13900139023 / 13700137023',
      { phone: '13800138023', additional_phones: '13900139023;13700137023' },
    ],
    // Two lines of one switchboard, the second written as the digits that differ.
    ['010-8888 6666/6667', { phone: '010-8888 6666', additional_phones: '010-8888 6667' }],
    ['(415) 555-0100, ext 12', { phone: '(415) 555-0100, ext 12' }], // an extension, not a number
    ['(415) 555-0100', { phone: '(415) 555-0100' }],
  ])('a phone cell %j → %j', (cell, input) => {
    expect(
      mapRecord(
        [cell, '13600136000'],
        new Map([
          [0, 'phone'],
          [1, 'additional_phones'],
        ]),
        ctx,
      ).input,
    ).toEqual({
      ...input,
      additional_phones: [(input as { additional_phones?: string }).additional_phones, '13600136000']
        .filter(Boolean)
        .join(';'),
    });
  });
  it('keeps both numbers of a phone cell through validation (libphonenumber read ";139…" as an extension)', () => {
    const mapped = mapRecord(['13800138021;13900139021'], new Map([[0, 'phone']]), ctx);
    expect(
      validateRow(mapped, { region: 'CN', identityTypes: new Set(), attributeDefinitions: new Map() }),
    ).toMatchObject({ ok: true, patch: { phone: '+8613800138021', additional_phones: ['+8613900139021'] } });
  });
  it.each([
    ['05.03.1990', '1990-03-05'],
    ['Mar 5, 1990', '1990-03-05'],
    ['45000', '2023-03-15'],
    ['03/04/1990', '03/04/1990'], // ambiguous: left for validation to name
    ['soon', 'soon'],
  ])('a date attribute cell %j → %j', (cell, value) => {
    expect(mapRecord([cell], new Map([[0, 'attr.joined']]), ctx).input).toEqual({
      attributes: { joined: value },
    });
  });
  it.each([
    ['45000', '2023-03-15'],
    ['1', null],
    ['20240501', null],
    ['2024-05-01', null],
    ['60000.5', '2064-04-08'],
  ])('Excel serial %j → %j', (value, expected) => {
    expect(excelSerialToIsoDate(value)).toBe(expected);
  });
});

describe('matchRowToContact (id > identity > phone > email)', () => {
  const owners: OwnerLookup = {
    liveIds: new Set(['ct_a', 'ct_b']),
    identityOwner: new Map([
      [identityKey('external_id', 'E1'), 'ct_a'],
      [identityKey('wechat_openid', 'W2'), 'ct_b'],
    ]),
    phoneOwner: new Map([
      ['+8613800000001', 'ct_a'],
      ['+8613800000002', 'ct_b'],
    ]),
    emailOwner: new Map([
      ['a@x.com', 'ct_a'],
      ['b@x.com', 'ct_b'],
    ]),
  };
  const row = (r: Partial<RowKeys>): RowKeys => ({ id: null, identities: {}, phones: [], emails: [], ...r });
  it.each([
    [
      'id wins',
      row({ id: 'ct_b', emails: ['b@x.com'] }),
      { kind: 'update', contactId: 'ct_b', matchedBy: 'id' },
    ],
    ['unknown id fails', row({ id: 'ct_zzz' }), { kind: 'fail', reason: 'id: contact "ct_zzz" not found' }],
    [
      "id with another contact's identity fails",
      row({ id: 'ct_b', identities: { external_id: 'E1' } }),
      { kind: 'fail', reason: 'identity external_id "E1" belongs to another contact ct_a' },
    ],
    [
      'identity before phone',
      row({ identities: { external_id: 'E1' }, phones: ['+8613800000001'] }),
      { kind: 'update', contactId: 'ct_a', matchedBy: 'identity' },
    ],
    [
      'identities of two contacts fail',
      row({ identities: { external_id: 'E1', wechat_openid: 'W2' } }),
      {
        kind: 'fail',
        reason:
          'the row\'s identities belong to different contacts: ct_a (external_id "E1"), ct_b (wechat_openid "W2")',
      },
    ],
    [
      'phone before email',
      row({ phones: ['+8613800000002'], emails: ['b@x.com'] }),
      { kind: 'update', contactId: 'ct_b', matchedBy: 'phone' },
    ],
    ['email alone', row({ emails: ['a@x.com'] }), { kind: 'update', contactId: 'ct_a', matchedBy: 'email' }],
    [
      'phone and email of different contacts fail',
      row({ phones: ['+8613800000001'], emails: ['b@x.com'] }),
      {
        kind: 'fail',
        reason: 'the row matched contact ct_a but email "b@x.com" belongs to another contact ct_b',
      },
    ],
    [
      'identity match but phone of another',
      row({ identities: { wechat_openid: 'W2' }, phones: ['+8613800000001'] }),
      {
        kind: 'fail',
        reason: 'the row matched contact ct_b but phone "+8613800000001" belongs to another contact ct_a',
      },
    ],
    ['nothing known creates', row({ phones: ['+8613800000009'], emails: ['new@x.com'] }), { kind: 'create' }],
  ])('%s', (_label, keys, decision) => {
    expect(matchRowToContact(keys, owners)).toEqual(decision);
  });
});

/** What the generated files (bench/generate-contacts.ts) are read with: region CN, external ids. */
const generatedNormalize = {
  region: 'CN' as const,
  identityTypes: new Set(['external_id']),
  attributeDefinitions: new Map(),
};
const generatedCtx: MappingContext = {
  identityTypes: generatedNormalize.identityTypes,
  attributeTypes: new Map(),
  createAttributes: false,
};

describe('fileKeys (pass 1) agrees with validateRow (pass 2)', () => {
  it('gives every valid generated row the same keys as full validation does', () => {
    const header = GENERATED_HEADER;
    const mapping = resolveMapping(header, {}, suggestMapping(header, [], generatedCtx), generatedCtx);
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const mapped = mapRecord(generateRow(i), mapping, generatedCtx);
      const v = validateRow(mapped, generatedNormalize);
      if (!v.ok) continue;
      const expected = [
        ...(v.keys.id ? [`id\u0000${v.keys.id}`] : []),
        ...Object.entries(v.keys.identities).map(([t, value]) => `identity\u0000${t}\u0000${value}`),
        ...v.keys.phones.map((p) => `phone\u0000${p}`),
        ...v.keys.emails.map((e) => `email\u0000${e}`),
      ];
      expect(fileKeys(mapped, generatedNormalize).sort()).toEqual(expected.sort());
      compared++;
    }
    expect(compared).toBeGreaterThan(350);
  });

  it("reads pass 1's phones in the row's country, as pass 2 does (a HubSpot export)", () => {
    const header = ['Record ID', 'Email', 'Phone Number', 'Mobile Phone Number', 'City', 'Country/Region'];
    const mapping = resolveMapping(header, {}, suggestMapping(header, [], generatedCtx), generatedCtx);
    const cells = ['51234501', 'jane@acme.com', '(415) 555-0100', '415 555 0199', 'SF', 'United States'];
    const v = validateRow(mapRecord(cells, mapping, generatedCtx), generatedNormalize);
    expect(v).toMatchObject({ ok: true, keys: { phones: ['+14155550100', '+14155550199'] } });
    expect(fileKeys(mapRecord(cells, keyColumnsOf(mapping), generatedCtx), generatedNormalize)).toEqual([
      'identity\u0000external_id\u000051234501',
      'phone\u0000+14155550100',
      'phone\u0000+14155550199',
      'email\u0000jane@acme.com',
    ]);
  });
});

describe('InFileDuplicateIndex', () => {
  it('rejects every row sharing a key, naming the others; chains are followed per key', () => {
    const index = new InFileDuplicateIndex(':memory:');
    index.add(2, ['email\u0000a@x.com']);
    index.add(3, ['email\u0000b@x.com']);
    index.add(4, ['email\u0000a@x.com', 'phone\u0000+861']);
    index.add(5, ['phone\u0000+861']);
    index.settle('reject');
    expect(index.reasonsFor([2, 3, 4, 5])).toEqual(
      new Map([
        [2, 'the same email "a@x.com" is also on row 4 of this file'],
        [4, 'the same email "a@x.com", phone "+861" is also on rows 2, 5 of this file'],
        [5, 'the same phone "+861" is also on row 4 of this file'],
      ]),
    );
    index.close();
    const again = new InFileDuplicateIndex(':memory:');
    again.add(2, ['email\u0000a@x.com']);
    again.add(3, ['email\u0000b@x.com']);
    again.add(4, ['email\u0000a@x.com', 'phone\u0000+861']);
    again.add(5, ['phone\u0000+861']);
    again.settle('last');
    expect(again.reasonsFor([2, 3, 4, 5])).toEqual(
      new Map([
        [2, 'superseded by row 4, which has the same email "a@x.com"'],
        [4, 'superseded by row 5, which has the same phone "+861"'],
      ]),
    );
    again.close();
  });
});

describe('mergeImportPatch', () => {
  it('adds what is missing and never drops what the contact has', () => {
    const current = {
      ...emptyContactState(),
      email: 'a@x.com',
      phone: '+861',
      tags: ['old'],
      identities: { external_id: 'E1' },
    };
    const { patch, warnings } = mergeImportPatch(
      current,
      {
        scalars: { city: '杭州', initial_source: 'fair' },
        email: 'b@x.com',
        phone: '+861',
        tags: ['OLD', 'new'],
        identities: { external_id: 'E2', wechat_openid: 'W' },
      },
      { tags: ['import'], sourcePolicy: 'new-only' },
    );
    expect(patch).toEqual({
      scalars: { city: '杭州' },
      additional_emails: ['b@x.com'],
      tags: ['old', 'new', 'import'],
      identities: { wechat_openid: 'W' },
    });
    expect(warnings).toEqual([
      'identities.external_id: the contact already has "E1"; the file\'s "E2" was not imported',
    ]);
  });
});

describe('formula injection protection', () => {
  it.each([
    ['=HYPERLINK("x")', '\'=HYPERLINK("x")'],
    ['+8613800138000', "'+8613800138000"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['张伟', '张伟'],
    ["'quoted", "'quoted"],
  ])('%j ↔ %j', (value, protectedValue) => {
    expect(protectCell(value)).toBe(protectedValue);
    expect(unprotectCell(protectedValue)).toBe(value);
  });
});

describe('RowPreparer (read → map → validate, in-process or on a worker thread)', () => {
  async function collect<K extends RowPreparation>(thread: boolean, kind: K, file: string, afterRow = 0) {
    const source = await inspectSource(file);
    const mapping = resolveMapping(
      source.header,
      {},
      suggestMapping(source.header, [], generatedCtx),
      generatedCtx,
    );
    const preparer = new RowPreparer({ thread });
    try {
      const input = {
        path: file,
        source,
        xlsxLimits: DEFAULT_XLSX_LIMITS,
        mapping,
        mappingCtx: generatedCtx,
        normalize: generatedNormalize,
        afterRow,
        batchRows: 400,
      };
      const batches: PreparedBatch[K][] = [];
      for await (const batch of preparer.batches(kind, input)) batches.push(batch);
      // One thread serves several passes, as the pipeline's two passes share one.
      const again: PreparedBatch[K][] = [];
      for await (const batch of preparer.batches(kind, input)) again.push(batch);
      expect(again).toEqual(batches);
      return batches;
    } finally {
      await preparer.close();
    }
  }

  it('gives the same batches on a thread as in-process, resuming after a row', async () => {
    const file = path.join(os.tmpdir(), `kith-prepare-${Date.now()}.csv`);
    await writeGeneratedCsv(file, 1000);
    try {
      for (const kind of ['keys', 'validated'] as const) {
        const inProcess = await collect(false, kind, file, 150);
        // Spreadsheet rows 2…1001 (the header is row 1): 151…1001 remain.
        expect(inProcess.map((b) => b.length)).toEqual([400, 400, 51]);
        expect(await collect(true, kind, file, 150)).toEqual(inProcess);
      }
      const validated = (await collect(true, 'validated', file)).flat();
      expect(validated[0]!.record.rowNumber).toBe(2);
      expect(validated.filter((r) => !r.validation.ok).length).toBeGreaterThan(0);
      // Pass 1 maps only the key columns, and finds the keys full validation finds.
      const keys = new Map((await collect(true, 'keys', file)).flat().map((r) => [r.rowNumber, r.keys]));
      for (const { record, validation } of validated) {
        if (!validation.ok) continue;
        const expected = [
          ...Object.entries(validation.keys.identities).map(([t, v]) => `identity\u0000${t}\u0000${v}`),
          ...validation.keys.phones.map((p) => `phone\u0000${p}`),
          ...validation.keys.emails.map((e) => `email\u0000${e}`),
        ];
        expect(keys.get(record.rowNumber)!.sort()).toEqual(expected.sort());
      }
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('fails an unreadable file from the thread with the same error and line', async () => {
    const file = path.join(os.tmpdir(), `kith-prepare-quote-${Date.now()}.csv`);
    fs.writeFileSync(file, 'name,email\n"Ann,ann@example.com\nBob,bob@example.com\n');
    try {
      const errors = [];
      for (const thread of [false, true]) {
        const failure = await collect(thread, 'keys', file).then(
          () => null,
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(ImportFileError);
        errors.push((failure as Error).message);
      }
      expect(errors[1]).toBe(errors[0]);
      expect(errors[0]).toMatch(/line \d/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
