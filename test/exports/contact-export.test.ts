import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact } from '../../src/domain/contact/contact-fields.js';
import { ADMIN, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-export-'));

async function defineSchema(kith: TestKith) {
  await kith.identityTypes.create({ key: 'member_no' }, ADMIN);
  await kith.attributes.create({ key: 'level', type: 'number' }, ADMIN);
  await kith.attributes.create({ key: 'vip', type: 'boolean' }, ADMIN);
  await kith.attributes.create({ key: 'since', type: 'date' }, ADMIN);
  await kith.attributes.create({ key: 'tier', type: 'list', options: ['gold', 'silver'] }, ADMIN);
  await kith.attributes.create({ key: 'note', type: 'text' }, ADMIN);
}

async function exportTo(kith: TestKith, format: string, options: { columns?: string; query?: object } = {}) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.${format}`);
  const prepared = await kith.exports.prepare({
    format,
    query: options.query ?? {},
    columns: options.columns,
  });
  const rows = await prepared.writeTo(fs.createWriteStream(file));
  return { file, rows };
}

/** A contact without what another store gives it anew (id, timestamps). */
const portable = ({ id: _id, created_at: _c, updated_at: _u, ...rest }: Contact) => rest;
const byKey = (a: { email: string | null; name: string | null }, b: typeof a) =>
  `${a.email}${a.name}`.localeCompare(`${b.email}${b.name}`);

describe(`contacts export on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let originals: Contact[];
  let groupId: string;

  beforeAll(async () => {
    kith = await createTestKith();
    await defineSchema(kith);
    const wang = await kith.contacts.create(
      {
        name: '王伟',
        first_name: '伟',
        last_name: '王',
        email: 'wang.wei@example.cn',
        additional_emails: ['ww@example.com', 'wei.w@example.org'],
        phone: '13800138000',
        additional_phones: ['+14155550123'],
        gender: 'male',
        birthday: '1988-02-29',
        country: 'CN',
        province: '浙江',
        city: '杭州',
        address: '西湖区 "文三路" 1号,\n2单元',
        postcode: '310000',
        company: '=HYPERLINK("http://evil.example")',
        tags: ['VIP', '重要客户'],
        initial_source: '展会',
        campaign: '2026 春季',
        identities: { external_id: 'CRM-1', member_no: 'M-0001' },
        attributes: { level: 3.5, vip: true, since: '2020-05-01', tier: 'gold', note: '喜欢 "茶"; 不喝咖啡' },
      },
      ADMIN,
    );
    await kith.contacts.create({ email: 'only.email@example.com' }, ADMIN);
    await kith.contacts.create(
      { name: 'Zoë Müller', phone: '+4930123456', attributes: { vip: false, level: 0 } },
      ADMIN,
    );
    groupId = (await kith.groups.create({ name: '华东客户' }, ADMIN)).id;
    await kith.groups.addMembers(groupId, [wang.id], ADMIN);
    originals = (await kith.contacts.list({ limit: 10 })).data;
  });
  afterAll(async () => kith.destroy());

  describe.each(['csv', 'xlsx', 'json', 'ndjson', 'xml'])('%s', (format) => {
    it('reads back through the import into an empty store as the same records', async () => {
      const { file, rows } = await exportTo(kith, format);
      expect(rows).toBe(3);
      const other = await createTestKith();
      try {
        await defineSchema(other);
        const result = await runImport(other, file, { mapping: { id: 'ignore' } });
        expect(result).toMatchObject({ status: 'completed', rows: 3, created: 3, failed: 0 });
        const back = (await other.contacts.list({ limit: 10 })).data;
        expect(back.map(portable).sort(byKey)).toEqual(originals.map(portable).sort(byKey));
      } finally {
        await other.destroy();
      }
    });
  });

  it('writes CSV as UTF-8 with a BOM, lists joined by ";", formulas neutralised', async () => {
    const { file } = await exportTo(kith, 'csv', { columns: 'name,tags,company,groups' });
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('name,tags,company,groups');
    expect(text).toContain(`王伟,VIP;重要客户,"'=HYPERLINK(""http://evil.example"")",华东客户`);
  });

  it('writes XLSX with number attributes as numbers', async () => {
    const { file } = await exportTo(kith, 'xlsx', { columns: 'name,attr.level,attr.vip' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Contacts')!;
    const values = sheet
      .getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1));
    expect(values).toContainEqual(['王伟', 3.5, 'true']);
  });

  it.each(['json', 'ndjson'])('writes %s records as the API shows them, with groups', async (format) => {
    const { file } = await exportTo(kith, format);
    const text = fs.readFileSync(file, 'utf8');
    const records =
      format === 'json'
        ? (JSON.parse(text) as Contact[])
        : text
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as Contact);
    expect(records).toHaveLength(3);
    for (const original of originals) {
      const record = records.find((r) => r.id === original.id)!;
      const { groups, ...contact } = record as Contact & { groups: string[] };
      expect(contact).toEqual(original);
      expect(groups).toEqual(original.name === '王伟' ? ['华东客户'] : []);
    }
  });

  it('writes well-formed XML with every value', async () => {
    const { file } = await exportTo(kith, 'xml');
    const text = fs.readFileSync(file, 'utf8');
    const parser = new SaxesParser({ xmlns: true });
    const contacts: Record<string, string>[] = [];
    let current: Record<string, string> | null = null;
    let at = '';
    parser.on('opentag', (tag) => {
      if (tag.local === 'contact') current = {};
      at = (tag.attributes.key?.value ?? tag.attributes.type?.value ?? tag.local) as string;
    });
    parser.on('text', (t) => {
      if (current && t.trim()) current[at] = current[at] ? `${current[at]}|${t}` : t;
    });
    parser.on('closetag', (tag) => {
      if (tag.local === 'contact' && current) contacts.push(current);
    });
    parser.write(text).close();
    expect(contacts).toHaveLength(3);
    const wang = contacts.find((c) => c.name === '王伟')!;
    expect(wang).toMatchObject({
      address: originals.find((c) => c.name === '王伟')!.address,
      tag: 'VIP|重要客户',
      group: '华东客户',
      email: 'wang.wei@example.cn|ww@example.com|wei.w@example.org',
      member_no: 'M-0001',
      level: '3.5',
      note: '喜欢 "茶"; 不喝咖啡',
    });
    const bare = contacts.find((c) => c.email === 'only.email@example.com')!;
    expect(Object.keys(bare).sort()).toEqual(['created_at', 'email', 'updated_at']);
  });

  it('exports the list’s selection: a tag, a group, ids', async () => {
    expect((await exportTo(kith, 'ndjson', { query: { tag: 'vip' } })).rows).toBe(1);
    expect((await exportTo(kith, 'ndjson', { query: { group: groupId } })).rows).toBe(1);
    expect((await exportTo(kith, 'ndjson', { query: { attributes: { vip: 'false' } } })).rows).toBe(1);
    const ids = originals.slice(0, 2).map((c) => c.id);
    expect((await exportTo(kith, 'ndjson', { query: { ids } })).rows).toBe(2);
    await expect(exportTo(kith, 'pdf')).rejects.toThrow(
      /format: must be one of csv, xlsx, json, ndjson, xml/,
    );
    await expect(exportTo(kith, 'csv', { columns: 'name,attr.nope' })).rejects.toThrow(/attr.nope/);
  });
});
