import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRecordCells, type XmlNode, xmlRecordCells } from '../../src/imports/read/document-record.js';
import { detectDocumentFormat, documentHeader } from '../../src/imports/read/document-reader.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const node = (
  name: string,
  text = '',
  children: XmlNode[] = [],
  attributes: Record<string, string> = {},
) => ({
  name,
  attributes,
  text,
  children,
});

describe('document records as columns (pure)', () => {
  it.each([
    [
      { name: '王伟', phone: 13800138000 },
      { name: '王伟', phone: '13800138000' },
    ],
    [
      { tags: ['VIP', '重要'], email: null },
      { tags: 'VIP;重要', email: '' },
    ],
    [
      { identities: { external_id: 'CRM-1' }, attributes: { vip: true, level: 3 } },
      { 'identity.external_id': 'CRM-1', 'attr.vip': 'true', 'attr.level': '3' },
    ],
    [
      { customer: { contact: { mobile: '+8613800138000' }, name: 'Li' } },
      { 'customer.contact.mobile': '+8613800138000', 'customer.name': 'Li' },
    ],
    [{ orders: [{ no: 1 }] }, { orders: '[{"no":1}]' }],
  ])('%j → %j', (record, cells) => {
    expect(Object.fromEntries(jsonRecordCells(record))).toEqual(cells);
  });

  it('reads Kith’s XML layout and other XML by path', () => {
    const kith = node(
      'contact',
      '',
      [
        node('name', ' 李娜 '),
        node('tags', '', [node('tag', 'VIP'), node('tag', '回访')]),
        node('identities', '', [node('identity', 'CRM-1', [], { type: 'external_id' })]),
        node('attributes', '', [node('attribute', '3', [], { key: 'level', type: 'number' })]),
        node('customer', '', [node('contact', '', [node('mobile', '13800138000')])]),
      ],
      { id: 'ct_01', xmlns: 'urn:kith:contacts:1' },
    );
    expect(Object.fromEntries(xmlRecordCells(kith))).toEqual({
      id: 'ct_01',
      name: '李娜',
      tags: 'VIP;回访',
      'identity.external_id': 'CRM-1',
      'attr.level': '3',
      'customer.contact.mobile': '13800138000',
    });
  });

  it.each([
    ['[{"a":1}]', 'json'],
    ['\uFEFF  {"a":1}\n{"a":2}', 'ndjson'],
    ['<?xml version="1.0"?><contacts/>', 'xml'],
    ['name,email\n', null],
  ])('detects %j as %s', (text, format) => expect(detectDocumentFormat(Buffer.from(text))).toBe(format));

  it.each([
    ['broken.ndjson', '{"name":"a"}\n{"name": }\n', 'ndjson', /^line 2: not a JSON record/],
    [
      'scalar.ndjson',
      '{"name":"a"}\n\n"just text"\n',
      'ndjson',
      /^line 3: a record must be a JSON object, not a string/,
    ],
    ['broken.json', '[\n{"name":"a"},\n{"name" "b"}\n]', 'json', /^line 3: the file is not valid JSON/],
    ['numbers.json', '[1, 2]', 'json', /^record 1: a record must be a JSON object, not a number/],
    [
      'broken.xml',
      '<contacts>\n<contact><name>a</name></contact>\n<contact><name>b</contact>\n</contacts>',
      'xml',
      /^line 3, column \d+: the file is not well-formed XML/,
    ],
    ['gbk.xml', '<?xml version="1.0" encoding="GBK"?><contacts/>', 'xml', /in GBK; save it as UTF-8/],
    ['empty.json', '[]', 'json', /holds no records/],
  ])('refuses %s with where it breaks', async (name, text, format, message) => {
    const error = await documentHeader(fixture(name, text), format as 'json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toMatch(message);
  });
});

describe(`document imports on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('imports another system’s nested JSON mapped by path, with its failures by line', async () => {
    const file = fixture(
      'shop.ndjson',
      [
        '{"customer":{"name":"张伟","contact":{"mobile":"138 0013 8001","mail":"zw@shop.example"}},"labels":["复购"]}',
        '{"customer":{"name":"Bad","contact":{"mobile":"12","mail":"nope"}}}',
        '{"customer":{"name":"Ann","contact":{"mail":"ann@shop.example"}},"crm":{"id":"S-3"}}',
      ].join('\n'),
    );
    const preview = await kith.imports.preview({ filePath: file });
    expect(preview.format).toBe('ndjson');
    expect(preview.header).toEqual([
      'customer.name',
      'customer.contact.mobile',
      'customer.contact.mail',
      'labels',
      'crm.id',
    ]);
    const result = await runImport(kith, file, {
      mapping: {
        'customer.name': 'name',
        'customer.contact.mobile': 'phone',
        'customer.contact.mail': 'email',
        labels: 'tags',
        'crm.id': 'identity.external_id',
      },
    });
    expect(result).toMatchObject({ status: 'completed', rows: 3, created: 2, failed: 1 });
    const zhang = (await kith.contacts.list({ q: 'zw@shop.example' })).data[0]!;
    expect(zhang).toMatchObject({ name: '张伟', phone: '+8613800138001', tags: ['复购'] });
    expect((await kith.contacts.list({ q: 'S-3' })).data[0]?.name).toBe('Ann');
  });

  it('refuses a broken document before importing anything', async () => {
    const file = fixture('half.json', '[{"name":"One","email":"one@doc.example"},\n{"name":"Two",');
    await expect(runImport(kith, file)).rejects.toThrow(/not valid JSON/);
    expect((await kith.contacts.list({ q: 'one@doc.example' })).data).toHaveLength(0);
  });

  it.each([
    [
      'deep.json',
      `[{"name":"Deep","a":${'['.repeat(5000)}${']'.repeat(5000)}}]`,
      /record 1: a value is nested more than 32 levels/,
    ],
    [
      'deep.ndjson',
      `{"name":"Ok"}\n{"b":${'{"c":'.repeat(5000)}1${'}'.repeat(5000)}}\n`,
      /line 2: a value is nested more than 32 levels/,
    ],
    [
      'deep.xml',
      `<contacts><contact>${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}</contact></contacts>`,
      /line 1, column \d+: elements are nested more than 32 levels/,
    ],
  ])(
    'refuses %s nested thousands deep, naming where, never running out of stack',
    async (name, text, reason) => {
      const path = fixture(name, text);
      const format = detectDocumentFormat(fs.readFileSync(path));
      await expect(documentHeader(path, format!)).rejects.toSatisfy(
        (e: unknown) => e instanceof ImportFileError && reason.test(e.message) && !/stack/i.test(e.message),
      );
    },
  );
});
