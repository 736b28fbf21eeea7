import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../src/imports/import-service.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { ADMIN, fixture, readFailureReasons, readFailureRows } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

// A shop's order sheet as Excel writes it: Chinese headers and text, a real date cell, numeric amount
// cells (not text), and one bad row that must reach the failure file with its reason.
describe(`generic order import of an XLSX file on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let known: string;
  let record: ImportRecord;

  beforeAll(async () => {
    kith = await createTestKith();
    known = (await kith.contacts.create({ name: '老客户', phone: '+8613800000021' }, ADMIN)).id;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow([
      '订单号',
      '订单状态',
      '手机',
      '收货人',
      '下单时间',
      '实付金额',
      '商品名称',
      '数量',
      '备注',
    ]);
    // Excel keeps no time zone: this cell shows 2026-11-01 10:30:00, the shop's own (China) time.
    sheet.addRow([
      'X-1001',
      '已发货',
      13800000021,
      '李雷',
      new Date(Date.UTC(2026, 10, 1, 10, 30, 0)),
      128.5,
      '保温杯（蓝色）',
      2,
      '请周末送货，谢谢',
    ]);
    sheet.getCell('E2').numFmt = 'yyyy-mm-dd hh:mm:ss';
    sheet.addRow([
      'X-1002',
      '已完成',
      '139 0000 0022',
      '韩梅梅',
      new Date(Date.UTC(2026, 10, 2)),
      99,
      '茶叶',
      1,
      '',
    ]);
    sheet.getCell('E3').numFmt = 'yyyy-mm-dd';
    // Bad: the amount is a word, not a number.
    sheet.addRow(['X-1003', '已付款', 13800000021, '李雷', '2026-11-03 09:00:00', '一百元', '筷子', 1, '']);
    const file = fixture('订单.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    const id = await kith.orders.startOrderFileImport(
      { filePath: file, fileName: path.basename(file), mapping: { 备注: 'buyer_message' } },
      ADMIN,
    );
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: id });
    record = await kith.imports.get(id);
  });
  afterAll(async () => kith.destroy());

  it('imports the good rows and counts the bad one', () => {
    expect(record).toMatchObject({ status: 'completed', kind: 'orders', rows: 3, created: 2, failed: 1 });
    expect(record.created + record.updated + record.unchanged + record.failed).toBe(record.rows);
  });

  it('reads Chinese text, numeric amounts and quantities, and the date cells', async () => {
    const [first] = (await kith.orders.list({ q: 'X-1001' })).data;
    expect(first).toMatchObject({
      source: 'csv',
      contact_id: known,
      status: 'shipped',
      source_status: '已发货',
      paid_amount: '128.50',
      receiver_name: '李雷',
      buyer_message: '请周末送货，谢谢',
      item_count: 1,
    });
    expect(first!.items.map((i) => [i.title, i.quantity])).toEqual([['保温杯（蓝色）', 2]]);
    const [second] = (await kith.orders.list({ q: 'X-1002' })).data;
    expect(second).toMatchObject({ status: 'completed', paid_amount: '99.00' });
    // A date-only cell is a day in the shop's time (UTC+8 by default): midnight there.
    expect(second!.ordered_at).toBe('2026-11-01T16:00:00.000Z');
    // A date-and-time cell is the shop's wall-clock time too: 10:30 at UTC+8 is 02:30 UTC.
    expect(first!.ordered_at).toBe('2026-11-01T02:30:00.000Z');
    expect(await kith.contacts.get(second!.contact_id)).toMatchObject({
      name: '韩梅梅',
      phone: '+8613900000022',
    });
    expect((await kith.orders.purchaseFacts([known])).get(known)).toMatchObject({
      orders_count: 1,
      total_spent: '128.50',
    });
  });

  it('writes the bad row to the failure file, in the sheet’s columns, with the reason', async () => {
    const rows = await readFailureRows(kith, record.id);
    expect(rows[0]!.slice(0, 6)).toEqual(['订单号', '订单状态', '手机', '收货人', '下单时间', '实付金额']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['X-1003']);
    expect(rows[1]![5]).toBe('一百元');
    expect(await readFailureReasons(kith, record.id)).toMatch(/实付金额.*一百元/);
  });
});
