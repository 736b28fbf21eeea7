/**
 * An export of everyone past one page runs on worker threads on SQLite (parallel-range-export.ts), an
 * export with filters pages through the list on the main thread: both must write the same records,
 * skip deleted contacts, and keep each format whole (one header, JSON's separators, XML's root).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_JOB_KIND } from '../../src/exports/export-job-service.js';
import { ADMIN, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-parallel-export-'));
const CONTACTS = 4_700; // past the first page (2,000) and several worker slices, not a multiple of either
const DELETED = 37;

async function exportText(kith: TestKith, format: string, query: object, forPeople = {}) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.${format}`);
  const prepared = await kith.exports.prepare({ format, query, ...forPeople });
  const rows = await prepared.writeTo(fs.createWriteStream(file));
  return { rows, file, text: format === 'xlsx' ? '' : fs.readFileSync(file, 'utf8') };
}

describe(`an export of everyone on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  // A filter every contact passes: the list's paged path, for comparison.
  const everyoneFiltered = { created_since: '2000-01-01T00:00:00Z' };

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'member_no' }, ADMIN);
    await kith.attributes.create({ key: 'level', type: 'number' }, ADMIN);
    const lines = ['name,email,phone,tags,member_no,level'];
    for (let i = 0; i < CONTACTS; i++)
      lines.push(
        `"客户 ${i}, ""VIP""",c${i}@example.com,+8613${String(900_000_000 + i)},${i % 3 === 0 ? 'A;B' : 'B'},M-${i},${i % 7}`,
      );
    const file = path.join(dir, 'contacts.csv');
    fs.writeFileSync(file, lines.join('\n'));
    const imported = await runImport(kith, file);
    expect(imported).toMatchObject({ status: 'completed', created: CONTACTS, failed: 0 });
    const page = await kith.contacts.list({ limit: 500, sort: 'created_at' });
    for (const c of page.data.filter((_, i) => i % 13 === 5).slice(0, DELETED))
      await kith.contacts.delete(c.id, ADMIN);
  }, 120_000);
  afterAll(async () => kith.destroy());

  it.each(['csv', 'ndjson', 'json', 'xml'])(
    '%s: the same records as the paged path, deleted ones left out',
    async (format) => {
      const all = await exportText(kith, format, {});
      const paged = await exportText(kith, format, everyoneFiltered);
      expect(all.rows).toBe(CONTACTS - DELETED);
      expect(paged.rows).toBe(CONTACTS - DELETED);
      const records = (text: string) => {
        if (format === 'json') return (JSON.parse(text) as unknown[]).map((r) => JSON.stringify(r)).sort();
        if (format === 'xml') return text.match(/<contact [^]*?<\/contact>/g)!.sort();
        const lines = text.split('\n').filter((l) => l !== '');
        return (format === 'csv' ? lines.slice(1) : lines).sort();
      };
      const got = records(all.text);
      expect(got).toHaveLength(CONTACTS - DELETED);
      expect(got).toEqual(records(paged.text));
      expect(new Set(got).size).toBe(got.length);
      if (format === 'csv') {
        expect(all.text.startsWith('\uFEFFid,name,')).toBe(true);
        expect(all.text.match(/^\uFEFF?id,/gm)).toHaveLength(1);
      }
      if (format === 'xml') expect(all.text.trimEnd().endsWith('</contacts>')).toBe(true);
    },
  );

  it('csv for people: the worker threads write moments in the zone asked, as the paged path does', async () => {
    const forPeople = { column_names: 'zh', time_zone: 'Asia/Shanghai' };
    const all = await exportText(kith, 'csv', {}, forPeople);
    const paged = await exportText(kith, 'csv', everyoneFiltered, forPeople);
    const lines = (text: string) => text.split('\n').filter((l) => l !== '');
    expect(lines(all.text)[0]).toMatch(
      /^\uFEFFKith ID,姓名,.*,member_no,level,创建时间 \(Asia\/Shanghai\),更新时间 \(Asia\/Shanghai\)$/,
    );
    expect(lines(all.text).slice(1).sort()).toEqual(lines(paged.text).slice(1).sort());
    expect(lines(all.text)[1]).toMatch(/,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('xlsx: one sheet with a header and every live contact once', async () => {
    const all = await exportText(kith, 'xlsx', {});
    expect(all.rows).toBe(CONTACTS - DELETED);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(all.file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(CONTACTS - DELETED + 1);
    const ids = new Set<string>();
    sheet.eachRow((row, n) => {
      if (n > 1) ids.add(String(row.getCell(1).value));
    });
    expect(ids.size).toBe(CONTACTS - DELETED);
  });

  // A disk that fills up mid-export (ENOSPC): the export ends with that error, on both paths, instead
  // of leaving its threads' answers to reject unhandled, which ended the whole process (a server with it).
  it.each(['csv', 'ndjson', 'json', 'xml'])(
    '%s: a file that stops taking bytes ends the export with its error',
    async (format) => {
      for (const query of [{}, everyoneFiltered]) {
        let taken = 0;
        const full = new Writable({
          write(chunk: Buffer, _encoding, done) {
            taken += chunk.length;
            if (taken < 64 * 1024) return done();
            done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          },
        });
        const prepared = await kith.exports.prepare({ format, query });
        await expect(prepared.writeTo(full)).rejects.toMatchObject({ code: 'ENOSPC' });
      }
      // The threads' other answers are settled by now: a rejection left unhandled fails this test.
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    20_000,
  );

  // The zip stopped feeding a file that failed (a full disk), and the sheet waited for room forever:
  // a background XLSX export stayed `running` and held its server's job runner (no import ran after it).
  it('xlsx: a file that stops taking bytes ends the export with its error', async () => {
    for (const query of [{}, everyoneFiltered]) {
      let taken = 0;
      const full = new Writable({
        write(chunk: Buffer, _encoding, done) {
          taken += chunk.length;
          if (taken < 64 * 1024) return done();
          done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        },
      });
      const prepared = await kith.exports.prepare({ format: 'xlsx', query });
      await expect(prepared.writeTo(full)).rejects.toMatchObject({ code: 'ENOSPC' });
    }
  }, 20_000);

  // kith serve stopping (SIGTERM) pauses its job runner. A background export noticed the pause only
  // once it had written its whole file: the shutdown waited that long, then the job went back to the
  // queue and started over from the top.
  it('a background export paused by its runner stops after its current page and goes back to the queue', async () => {
    for (const format of ['csv', 'xlsx']) {
      const viewer = { id: 'usr_exporter', role: 'admin' };
      const started = await kith.exportJobs.start({ format }, viewer, ADMIN);
      const runner = kith.jobs.runner({
        handlers: {
          // Asked to stop as it starts writing, as a SIGTERM would.
          [EXPORT_JOB_KIND]: (ctx) => {
            runner.pause();
            return kith.exportJobs.run(ctx);
          },
        },
      });
      expect(await runner.runOnce()).toBe(true);
      expect(runner.pausedJob?.subject_id).toBe(started.id);
      const part = path.join(kith.config.dataDir, 'exports', `${started.id}.part`);
      const stoppedAt = fs.existsSync(part) ? fs.statSync(part).size : 0;
      expect((await kith.exportJobs.get(started.id, viewer)).state).toBe('queued');

      // The next runner writes it whole.
      expect(await kith.jobs.runner({}).runOnce()).toBe(true);
      const done = await kith.exportJobs.get(started.id, viewer);
      expect(done).toMatchObject({ state: 'done', rows: CONTACTS - DELETED });
      // A page of the 4,700 contacts (2,000 a page, 1,000 a slice on threads), not all of them.
      expect(stoppedAt).toBeLessThan(done.bytes! * 0.6);
    }
  }, 30_000);

  // GET /api/contacts/export answers with a stream the server closes when the client goes away (a
  // cancelled download): the export waited forever for it to drain, and kept its pages, its two
  // threads and their connections (about 60 MB a download) until the server stopped.
  it.each(['csv', 'ndjson', 'json', 'xml', 'xlsx'])(
    '%s: an answer closed mid-download ends the export',
    async (format) => {
      for (const query of [{}, everyoneFiltered]) {
        const body = new PassThrough();
        const prepared = await kith.exports.prepare({ format, query });
        const writing = prepared.writeTo(body);
        await new Promise((resolve) => body.once('data', resolve));
        body.pause();
        body.destroy();
        await expect(writing).rejects.toThrow('the output was closed before the export ended');
      }
    },
    20_000,
  );
});
