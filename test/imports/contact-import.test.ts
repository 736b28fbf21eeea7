import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { writeGeneratedCsv } from '../../bench/generate-contacts.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import {
  ADMIN,
  fixture,
  readFailureReasons,
  readFailureRows,
  readFailures,
  runImport,
} from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const honest = (r: { rows: number; created: number; updated: number; unchanged: number; failed: number }) =>
  expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);

describe(`contact import on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'member_no' }, ADMIN);
  });
  afterAll(async () => kith.destroy());

  it('reads a Chatwoot export: row-number ids are not Kith ids, identifier is the external id', async () => {
    const file = fixture(
      'chatwoot.csv',
      'id,name,email,phone_number,identifier,company\n1,Asha Rao,asha@example.in,919876543210,cw-1,Acme\n2,Li Lei,lilei@example.cn,8613800138100,cw-2,\n',
    );
    const preview = await kith.imports.preview({ filePath: file });
    expect(preview.suggested_mapping.map((s) => s.target)).toEqual([
      null,
      'name',
      'email',
      'phone',
      'identity.external_id',
      'company',
    ]);
    expect(preview.warnings.join(' ')).toMatch(/id.*not Kith ids.*identity\.external_id/);
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ status: 'completed', rows: 2, created: 2, failed: 0 });
    const asha = (await kith.contacts.list({ q: 'asha' })).data[0]!;
    expect(asha).toMatchObject({
      phone: '+919876543210',
      company: 'Acme',
      identities: { external_id: 'cw-1' },
    });
    const li = (await kith.contacts.list({ q: 'lilei@example.cn' })).data[0]!;
    expect(li.phone).toBe('+8613800138100');
  });

  it('imports text holding NUL characters without them, and fails a row whose bad e-mail holds one, on either database', async () => {
    // A CSV with NUL bytes is refused as binary; a JSON document can still carry "\u0000", which
    // PostgreSQL cannot store in text: it must cost neither the row nor the import.
    const file = fixture(
      'nul.ndjson',
      [
        '{"name":"Nu\\u0000l Name","email":"nul1@example.com","identities":{"member_no":"M-\\u00009"},"company":"Ac\\u0000me"}',
        '{"name":"Bad","email":"bad\\u0000@example.com"}',
      ].join('\n'),
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ status: 'completed', rows: 2, created: 1, failed: 1 });
    const nul = (await kith.contacts.list({ q: 'nul1@example.com' })).data[0]!;
    expect(nul).toMatchObject({ name: 'Nul Name', company: 'Acme', identities: { member_no: 'M-9' } });
    expect(await readFailureReasons(kith, r.id)).toMatch(/email.*not a valid email address/);
  });

  it('rejects every row of a file that shares an email, naming the others; the rest is created', async () => {
    const file = fixture(
      'dup.csv',
      'name,email\nOne,same@example.com\nTwo,two@example.com\nThree,SAME@example.com\n',
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ rows: 3, created: 1, failed: 2 });
    honest(r);
    const failures = await readFailureReasons(kith, r.id);
    expect(failures).toContain('row 2: the same email "same@example.com" is also on row 4 of this file');
    expect(failures).toContain('row 4: the same email "same@example.com" is also on row 2 of this file');
    expect((await kith.contacts.list({ q: 'two@example.com' })).data).toHaveLength(1);
    expect((await kith.contacts.list({ q: 'same@example.com' })).data).toHaveLength(0);
  });

  it('keeps the last of in-file duplicates only when asked', async () => {
    const file = fixture('last.csv', 'name,email\nOld,last@example.com\nNew,last@example.com\n');
    const r = await runImport(kith, file, { onFileDuplicate: 'last' });
    expect(r).toMatchObject({ created: 1, failed: 1 });
    expect(await readFailureReasons(kith, r.id)).toContain('row 2: superseded by row 3');
    expect((await kith.contacts.list({ q: 'last@example.com' })).data[0]?.name).toBe('New');
  });

  it('gives an existing contact matched by email the phone it lacked, and loses nothing', async () => {
    const existing = await kith.contacts.create(
      { name: 'Matched', email: 'match@example.com', tags: ['old'] },
      ADMIN,
    );
    const file = fixture('gain.csv', 'email,phone,tags\nmatch@example.com,13700137001,new\n');
    const r = await runImport(kith, file, { tags: ['batch'] });
    expect(r).toMatchObject({ updated: 1, created: 0 });
    const after = await kith.contacts.get(existing.id);
    expect(after).toMatchObject({
      phone: '+8613700137001',
      email: 'match@example.com',
      tags: ['batch', 'new', 'old'],
    });
    const history = await kith.contacts.history(existing.id);
    expect(history[0]).toMatchObject({ channel: 'import', channel_ref: r.id });
    expect((await kith.contacts.timeline(existing.id))[0]).toMatchObject({
      type: 'imported',
      channel_ref: r.id,
    });
  });

  it('fails a row whose phone and email belong to two different contacts, touching neither', async () => {
    const a = await kith.contacts.create({ name: 'Phone owner', phone: '13700137002' }, ADMIN);
    const b = await kith.contacts.create({ name: 'Email owner', email: 'owner-b@example.com' }, ADMIN);
    const r = await runImport(
      kith,
      fixture('split.csv', 'name,phone,email\nMixed,137-0013-7002,owner-b@example.com\n'),
    );
    expect(r).toMatchObject({ failed: 1, updated: 0, created: 0 });
    expect(await readFailureReasons(kith, r.id)).toContain(
      `the row matched contact ${a.id} but email "owner-b@example.com" belongs to another contact ${b.id}`,
    );
    expect((await kith.contacts.get(a.id)).updated_at).toBe(a.updated_at);
    expect((await kith.contacts.get(b.id)).updated_at).toBe(b.updated_at);
  });

  const chineseRows =
    '客户姓名,手机号码,电子邮箱,性别,出生日期,省份,城市,详细地址,客户标签\n张伟,+86 138 0013 8201,zw@example.cn,男,1990/1/2,浙江,杭州,西湖区 1 号,VIP、老客户\n王芳,１３８００１３８２０２,,女,19851203,广东,深圳,,\n刘强,008613800138203,lq@example.cn,M,,,,,\n';

  it('reads a GBK file with Chinese headers and messy phones', async () => {
    const file = fixture('gbk.csv', chineseRows, 'gbk');
    const preview = await kith.imports.preview({ filePath: file });
    expect(preview).toMatchObject({ encoding: 'gb18030', encoding_confidence: 'likely' });
    expect(preview.suggested_mapping.map((s) => s.target)).toEqual([
      'name',
      'phone',
      'email',
      'gender',
      'birthday',
      'province',
      'city',
      'address',
      'tags',
    ]);
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ created: 3, failed: 0 });
    const zhang = (await kith.contacts.list({ q: '8201' })).data[0]!;
    expect(zhang).toMatchObject({
      name: '张伟',
      gender: 'male',
      birthday: '1990-01-02',
      province: '浙江',
      tags: ['VIP', '老客户'],
    });
    expect((await kith.contacts.list({ q: '8202' })).data[0]).toMatchObject({
      name: '王芳',
      birthday: '1985-12-03',
      gender: 'female',
    });
    expect((await kith.contacts.list({ q: '8203' })).data[0]?.phone).toBe('+8613800138203');
  });

  it('reads the same data from XLSX, with Excel dates', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户姓名', '手机号码', '出生日期', '备注日期']);
    sheet.addRow(['赵敏', 13800138301, new Date(Date.UTC(1992, 4, 1)), 45000]);
    sheet.addRow(['周芷若', '138 0013 8302', '1993-06-07', null]);
    const file = fixture('people.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    await kith.attributes.create({ key: 'remark_date', type: 'date' }, ADMIN);
    const preview = await kith.imports.preview({ filePath: file });
    expect(preview).toMatchObject({ format: 'xlsx', sheets: ['客户'], sheet: '客户' });
    const r = await runImport(kith, file, { mapping: { 备注日期: 'attr.remark_date' } });
    expect(r).toMatchObject({ created: 2, failed: 0 });
    expect((await kith.contacts.list({ q: '8301' })).data[0]).toMatchObject({
      name: '赵敏',
      birthday: '1992-05-01',
      phone: '+8613800138301',
      attributes: { remark_date: '2023-03-15' },
    });
    expect((await kith.contacts.list({ q: '8302' })).data[0]?.birthday).toBe('1993-06-07');
  });

  it('keeps emoji, reads Latin-1, and refuses an unsure encoding', async () => {
    const emoji = await runImport(
      kith,
      fixture('emoji.csv', 'name,email\n🐼 Panda Li 🎉,panda@example.com\n', 'utf-8', true),
    );
    expect(emoji.created).toBe(1);
    expect((await kith.contacts.list({ q: 'panda@' })).data[0]?.name).toBe('🐼 Panda Li 🎉');
    const latin = await runImport(
      kith,
      fixture('latin1.csv', 'name;email;city\nJosé Müller;jose@example.de;München\n', 'latin1'),
    );
    expect(latin).toMatchObject({ created: 1 });
    expect((await kith.contacts.list({ q: 'jose@' })).data[0]).toMatchObject({
      name: 'José Müller',
      city: 'München',
    });
    const unsure = fixture(
      'unsure.csv',
      Buffer.concat([
        Buffer.from('name,email\n'),
        Buffer.from([0xb0, 0xa1, 0xe9, 0x20]),
        Buffer.from(',x@example.com\n'),
      ]),
    );
    await expect(kith.imports.start({ filePath: unsure, fileName: 'unsure.csv' }, ADMIN)).rejects.toThrow(
      /could not be detected with confidence/,
    );
  });

  it('fails rows with no identifier, unknown ids and identities of two contacts, each with its reason; an invalid birthday only warns', async () => {
    const one = await kith.contacts.create({ name: 'M1', identities: { member_no: 'M-1' } }, ADMIN);
    const two = await kith.contacts.create({ name: 'X2', external_id: 'X-2' }, ADMIN);
    const file = fixture(
      'reasons.csv',
      `id,name,external_id,member_no,phone,birthday\n,Nobody,,,,\nct_01jdzzzzzzzzzzzzzzzzzzzzzz,Ghost,,,,\n,Both,X-2,M-1,,\n${one.id},Direct,,,,1990-13-01\n,Bad,,,123,\n`,
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ rows: 5, failed: 4, updated: 1, warned: 1 });
    const failures = await readFailureReasons(kith, r.id);
    expect(failures).toContain('row 2: the row has no id, identity, phone or email');
    expect(failures).toContain('row 3: id: contact "ct_01jdzzzzzzzzzzzzzzzzzzzzzz" not found');
    expect(failures).toContain(
      `row 4: the row's identities belong to different contacts: ${two.id} (external_id "X-2"), ${one.id} (member_no "M-1")`,
    );
    expect(failures).not.toContain('row 5');
    const warning = await kith.store.db
      .selectFrom('import_rows')
      .select(['action', 'warning'])
      .where('import_id', '=', r.id)
      .where('row_number', '=', 5)
      .executeTakeFirstOrThrow();
    expect(warning).toEqual({
      action: 'updated',
      warning: 'birthday was not imported: is not a real calendar date (got "1990-13-01")',
    });
    expect(failures).toContain('row 6: phone: is not a valid phone number');
  });

  it('matches by id and adds identities, warning about a conflicting identity instead of overwriting', async () => {
    const c = await kith.contacts.create({ name: 'Held', external_id: 'E-OLD' }, ADMIN);
    const r = await runImport(
      kith,
      fixture('byid.csv', `id,external_id,member_no,city\n${c.id},E-NEW,M-77,上海\n`),
    );
    expect(r).toMatchObject({ updated: 1 });
    expect(await kith.contacts.get(c.id)).toMatchObject({
      city: '上海',
      identities: { external_id: 'E-OLD', member_no: 'M-77' },
    });
    const row = await kith.store.db
      .selectFrom('import_rows')
      .select('warning')
      .where('import_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.warning).toContain(
      'identities.external_id: the contact already has "E-OLD"; the file\'s "E-NEW" was not imported',
    );
  });

  it('writes nothing on a dry run but reports the same counts and failures', async () => {
    const before = (await kith.contacts.list({ limit: 500 })).data.length;
    const file = fixture('dry.csv', 'name,email,phone\nDry One,dry1@example.com,\nDry Bad,not-an-email,\n');
    const dry = await runImport(kith, file, { dryRun: true, group: 'Dry group', createAttributes: true });
    expect(dry).toMatchObject({ status: 'completed', dry_run: true, created: 1, failed: 1 });
    expect(await readFailureReasons(kith, dry.id)).toContain('email: is not a valid email address');
    expect((await kith.contacts.list({ limit: 500 })).data.length).toBe(before);
    expect((await kith.groups.list()).map((g) => g.name)).not.toContain('Dry group');
    const real = await runImport(kith, file);
    expect(real).toMatchObject({ created: 1, failed: 1 });
  });

  it('applies import tags, group and source policy', async () => {
    const old = await kith.contacts.create({ email: 'src@example.com', initial_source: 'website' }, ADMIN);
    const file = fixture(
      'src.csv',
      'email,source,campaign\nsrc@example.com,fair,spring\nnewsrc@example.com,fair,spring\n',
    );
    const r = await runImport(kith, file, { tags: ['2026 fair'], group: 'Fair visitors' });
    expect(r).toMatchObject({ created: 1, updated: 1 });
    expect(await kith.contacts.get(old.id)).toMatchObject({
      initial_source: 'website',
      campaign: null,
      tags: ['2026 fair'],
    });
    const created = (await kith.contacts.list({ q: 'newsrc@' })).data[0]!;
    expect(created).toMatchObject({ initial_source: 'fair', campaign: 'spring', tags: ['2026 fair'] });
    const touched = await kith.contacts.list({ import: r.id });
    expect(touched.data.map((c) => c.id).sort()).toEqual([old.id, created.id].sort());
    const group = (await kith.groups.list()).find((g) => g.name === 'Fair visitors')!;
    expect((await kith.contacts.list({ group: group.id })).data.map((c) => c.id).sort()).toEqual(
      [old.id, created.id].sort(),
    );
    // The group the import made is in the audit log like any other, made by the import.
    const made = await kith.auditLog.search({ entityTypes: ['group'], entityId: group.id, limit: 10 });
    expect(made.data).toEqual([
      expect.objectContaining({
        action: 'created',
        channel: 'import',
        changes: [{ field: 'name', old: null, new: 'Fair visitors' }],
      }),
    ]);
    const all = await runImport(kith, fixture('src2.csv', 'email,source\nsrc@example.com,fair\n'), {
      sourcePolicy: 'all',
    });
    expect(all.updated).toBe(1);
    expect((await kith.contacts.get(old.id)).initial_source).toBe('fair');
  });

  it('undoes an import: created contacts go, changed fields come back unless changed since', async () => {
    const kept = await kith.contacts.create(
      { name: 'Before', email: 'undo1@example.com', city: 'Old town' },
      ADMIN,
    );
    const file = fixture(
      'undo.csv',
      'name,email,city,company\nAfter,undo1@example.com,New town,Acme\nFresh,undo2@example.com,,\n',
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ created: 1, updated: 1 });
    await kith.contacts.update(kept.id, { company: 'Changed by hand' }, ADMIN);
    const undone = await kith.imports.undo(r.id, ADMIN);
    expect(undone.undo_report).toMatchObject({ deleted: 1, restored: 1, kept_count: 1 });
    expect(undone.undo_report?.kept[0]).toMatchObject({ contact_id: kept.id, field: 'company' });
    expect(await kith.contacts.get(kept.id)).toMatchObject({
      name: 'Before',
      city: 'Old town',
      company: 'Changed by hand',
    });
    expect((await kith.contacts.list({ q: 'undo2@' })).data).toEqual([]);
    await expect(kith.imports.undo(r.id, ADMIN)).rejects.toThrow(/already undone|was undone/);
    // The email the undone import created is free again.
    expect((await kith.contacts.create({ email: 'undo2@example.com' }, ADMIN)).email).toBe(
      'undo2@example.com',
    );
  });

  it('two undos of one import at once: one undoes it, the other is refused, the report is the real one', async () => {
    const file = fixture(
      'undo-twice.csv',
      `name,email\n${Array.from({ length: 40 }, (_, i) => `Twice ${i},twice${i}@example.com`).join('\n')}\n`,
    );
    const r = await runImport(kith, file);
    expect(r.created).toBe(40);
    const [first, second] = await Promise.allSettled([
      kith.imports.undo(r.id, ADMIN),
      kith.imports.undo(r.id, ADMIN),
    ]);
    const outcomes = [first!, second!];
    const done = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: expect.stringMatching(/^(already_undone|undo_running)$/),
    });
    expect((await kith.imports.get(r.id)).undo_report).toMatchObject({ deleted: 40, gone: 0 });
  });

  it('re-imports a fixed failure file, ignoring its error column without a warning', async () => {
    const first = await runImport(kith, fixture('fixme.csv', 'name,phone\nFix Me,12345\n'));
    expect(first.failed).toBe(1);
    const rows = await readFailureRows(kith, first.id);
    expect(rows[0]).toEqual(['name', 'phone', 'error']);
    const fixed = (await readFailures(kith, first.id)).replace('12345', '13600136009');
    const second = await runImport(kith, fixture('fixed.csv', fixed.replace(/^\uFEFF/, ''), 'utf-8', true));
    // Left out as it should be: the result page has nothing to warn of (it said so in yellow before).
    expect(second).toMatchObject({ created: 1, failed: 0, warnings: [] });
    expect((await kith.contacts.list({ q: '13600136009' })).data[0]?.name).toBe('Fix Me');
  });

  it('refuses mappings that cannot work, naming the column', async () => {
    const file = fixture('map.csv', 'name,created_at,tier,phone\nA,2020-01-01,gold,13500135009\n');
    await expect(
      kith.imports.start(
        { filePath: file, fileName: 'map.csv', mapping: { created_at: 'created_at' } },
        ADMIN,
      ),
    ).rejects.toThrow('mapping.created_at: created_at is written by Kith and cannot be imported');
    await expect(
      kith.imports.start({ filePath: file, fileName: 'map.csv', mapping: { tier: 'attr.tier' } }, ADMIN),
    ).rejects.toThrow(/attribute "tier" is not defined; define it or pass --create-attributes/);
    await expect(
      kith.imports.start({ filePath: file, fileName: 'map.csv', mapping: { nope: 'name' } }, ADMIN),
    ).rejects.toThrow(ValidationError);
    await expect(
      kith.imports.start(
        { filePath: fixture('nokey.csv', 'name,city\nA,B\n'), fileName: 'nokey.csv' },
        ADMIN,
      ),
    ).rejects.toThrow(/no column is mapped to id, an identity, phone or email/);
    const r = await runImport(kith, file, { mapping: { tier: 'attr.tier' }, createAttributes: true });
    expect(r).toMatchObject({ created: 1 });
    expect((await kith.contacts.list({ q: '13500135009' })).data[0]?.attributes).toEqual({ tier: 'gold' });
  });

  it('gives every unreadable file a clear error', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty.csv', '', /the file is empty/],
      ['header.csv', 'name,email\n', /header row but no data rows/],
      [
        'binary.csv',
        Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00, 0x10, 0x11, 0x00, 0x00, 0x05]),
        /binary/,
      ],
      [
        'quote.csv',
        'name,email\n"Unclosed,a@example.com\nB,b@example.com\n',
        /quoted cell is never closed|line \d/,
      ],
      [
        'inner-quote.csv',
        'name,email\n张"三",zs@quote.example\n',
        /^line 2: a cell holds a quote but does not begin with one; .*\(张"三" as "张""三"""\)$/,
      ],
      [
        'wide.csv',
        `${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\nx\n`,
        /5000 columns; at most 1000/,
      ],
      ['cell.csv', `name,email\n"${'x'.repeat(2 * 1024 * 1024)}",a@example.com\n`, /larger than 1 MiB/],
      ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /Excel 97-2003/],
    ];
    for (const [name, content, message] of cases) {
      const attempt = kith.imports.start({ filePath: fixture(name, content), fileName: name }, ADMIN);
      await expect(attempt, name).rejects.toThrow(ImportFileError);
      await expect(attempt, name).rejects.toThrow(message);
    }
  });

  it('cancels a running import between batches, keeping honest counts of what was done', async () => {
    const file = path.join(os.tmpdir(), `kith-cancel-${Date.now()}.csv`);
    await writeGeneratedCsv(file, 10_000, 500_000);
    const started = await kith.imports.start({ filePath: file, fileName: 'big.csv' }, ADMIN);
    const running = new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: started.id });
    for (let i = 0; i < 3000; i++) {
      const row = await kith.store.db
        .selectFrom('imports')
        .select('checkpoint_row')
        .where('id', '=', started.id)
        .executeTakeFirstOrThrow();
      if (row.checkpoint_row > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await kith.imports.cancel(started.id);
    await running;
    const r = await kith.imports.get(started.id);
    expect(r.status).toBe('cancelled');
    expect(r.rows).toBeGreaterThan(0);
    expect(r.rows).toBeLessThan(10_000);
    honest(r);
    const recorded = await kith.store.db
      .selectFrom('import_rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('import_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(Number(recorded.n)).toBe(r.rows);
    expect((await kith.contacts.list({ import: r.id, limit: 500 })).data.length).toBeGreaterThan(0);
  });

  it('cancels a queued import', async () => {
    const started = await kith.imports.start(
      { filePath: fixture('c.csv', 'email\nc1@example.com\n'), fileName: 'c.csv' },
      ADMIN,
    );
    const cancelled = await kith.imports.cancel(started.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(kith.imports.cancel(started.id)).rejects.toThrow(/only a queued or running import/);
  });
});
