/**
 * How long an import keeps its files (KITH_IMPORT_FILE_RETENTION_DAYS; a dry run 24 hours, as a staged
 * upload) and their deletion, by the clean-up or by an administrator (DELETE /api/imports/{id}/files):
 * downloads then answer 410, while the record, its counts and its undo stay. Time is moved on by
 * giving the clean-up a later `now`, as the exports' retention test does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportFileRetentionDays } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { deleteExpiredImportFiles } from '../../src/imports/import-files.js';
import * as deletedFilesReasons from '../../src/store/migrations/0037-deleted-files-reasons.js';
import * as importFilesDeleted from '../../src/store/migrations/0035-import-files-deleted.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const later = (ms: number) => new Date(Date.now() + ms);

describe('KITH_IMPORT_FILE_RETENTION_DAYS', () => {
  it('is 30 days unless set; never keeps files until deleted by hand; 0 and words are refused', () => {
    expect(parseImportFileRetentionDays(undefined)).toBe(30);
    expect(parseImportFileRetentionDays('')).toBe(30);
    expect(parseImportFileRetentionDays('90')).toBe(90);
    expect(parseImportFileRetentionDays('0.5')).toBe(0.5);
    expect(parseImportFileRetentionDays(' Never ')).toBeNull();
    expect(() => parseImportFileRetentionDays('0')).toThrow(/positive number of days, or never/);
    expect(() => parseImportFileRetentionDays('forever')).toThrow(/KITH_IMPORT_FILE_RETENTION_DAYS/);
  });
});

describe(`import files: retention and deletion on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let adminId: string;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer({ KITH_IMPORT_FILE_RETENTION_DAYS: '10' });
    const a = await server.kith.users.create(
      { email: 'files-admin@example.com', password: 'files pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const g = await server.kith.users.create(
      { email: 'files-agent@example.com', password: 'agent pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    adminId = a.id;
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    agent = (await server.kith.tokens.create(g.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => server.close());

  const importFolder = (id: string) => path.join(server.kith.config.dataDir, 'imports', id);
  const record = async (id: string) =>
    (await api(server.baseUrl, 'GET', `/api/imports/${id}`, { token: admin })).body;
  const download = (id: string, file: string) =>
    api(server.baseUrl, 'GET', `/api/imports/${id}/${file}`, { token: admin });
  const storedCells = async (id: string) =>
    (
      await server.kith.store.db
        .selectFrom('import_rows')
        .select('cells')
        .where('import_id', '=', id)
        .where('cells', 'is not', null)
        .execute()
    ).length;
  const importOf = (tag: string, dryRun = false) =>
    runImport(
      server.kith,
      fixture(
        `${tag}.csv`,
        `姓名,手机号码,性别\n${tag}甲,1380013${String(Math.floor(Math.random() * 9000) + 1000)},男\n${tag}乙,not a phone,女\n${tag}丙,1390013${String(Math.floor(Math.random() * 9000) + 1000)},maybe\n`,
      ),
      { tags: [tag], dryRun },
    );
  const tagged = async (tag: string) =>
    (await api(server.baseUrl, 'GET', `/api/contacts?tag=${tag}`, { token: admin })).body.data.length;

  it('keeps an ended import’s files the days set, then the clean-up deletes them; record, counts and undo stay', async () => {
    const done = await importOf('kept10');
    expect(done).toMatchObject({ status: 'completed', created: 2, failed: 1, warned: 1 });
    const before = await record(done.id);
    expect(before).toMatchObject({
      files_state: 'kept',
      files_deleted_at: null,
      files_deleted_by: null,
    });
    expect(Date.parse(before.files_expire_at) - Date.parse(before.finished_at)).toBe(10 * DAY);
    expect((await download(done.id, 'failures')).status).toBe(200);
    expect((await download(done.id, 'warnings')).status).toBe(200);
    expect((await download(done.id, 'source')).status).toBe(200);
    expect(await storedCells(done.id)).toBeGreaterThan(0);

    // Not yet: 9 days on.
    await server.kith.imports.cleanUpFiles(later(9 * DAY));
    expect((await record(done.id)).files_state).toBe('kept');
    expect(fs.existsSync(importFolder(done.id))).toBe(true);

    // 11 days on: gone, and said so.
    expect(await server.kith.imports.cleanUpFiles(later(11 * DAY))).toBeGreaterThan(0);
    expect(fs.existsSync(importFolder(done.id))).toBe(false);
    expect(await storedCells(done.id)).toBe(0);
    const after = await record(done.id);
    expect(after).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 2,
      failed: 1,
      warned: 1,
      files_state: 'expired',
      files_expire_at: null,
      files_deleted_by: null,
    });
    expect(after.files_deleted_at).toEqual(expect.any(String));
    const listed = (await api(server.baseUrl, 'GET', '/api/imports', { token: admin })).body.data;
    expect(listed.find((r: { id: string }) => r.id === done.id)).toMatchObject({ files_state: 'expired' });

    for (const file of ['failures', 'warnings', 'source']) {
      const gone = await download(done.id, file);
      expect(gone.status, file).toBe(410);
      expect(gone.body.error.code).toBe('import_files_deleted');
      expect(gone.body.error.message).toMatch(/clean-up, 10 days after the import ended/);
      expect(gone.body.error.details).toMatchObject({ files_state: 'expired' });
    }
    // The summary still says why rows failed, without their values.
    const report = await api(server.baseUrl, 'GET', `/api/imports/${done.id}/row-report`, { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.total).toBe(1);
    expect(report.body.rows[0].cells.every((c: string) => c === '')).toBe(true);
    expect(report.body.rows[0].reason).toBe(
      'phone: is not a valid phone number in region CN or internationally (got "…")',
    );
    expect(JSON.stringify(report.body)).not.toContain('not a phone');
    const warned = await api(server.baseUrl, 'GET', `/api/imports/${done.id}/row-report?kind=warnings`, {
      token: admin,
    });
    expect(warned.body.rows[0].reason).toMatch(/^gender was not imported: .*\(got "…"\)$/);
    expect(JSON.stringify(warned.body)).not.toContain('maybe');

    // The undo does not need the file.
    expect(await tagged('kept10')).toBe(2);
    const undone = await api(server.baseUrl, 'POST', `/api/imports/${done.id}/undo`, { token: admin });
    expect(undone.status).toBe(200);
    expect(undone.body.undo_report).toMatchObject({ deleted: 2 });
    expect(await tagged('kept10')).toBe(0);
  });

  it('keeps a dry run’s files 24 hours, as a staged upload: imported for real within them, refused after', async () => {
    const dry = await importOf('dry24', true);
    expect(dry).toMatchObject({ status: 'completed', dry_run: true });
    const kept = await record(dry.id);
    expect(Date.parse(kept.files_expire_at) - Date.parse(kept.finished_at)).toBe(24 * HOUR);

    // 23 hours on the dry run still has its file, and is imported for real from it.
    await server.kith.imports.cleanUpFiles(later(23 * HOUR));
    expect((await record(dry.id)).files_state).toBe('kept');
    const real = await api(server.baseUrl, 'POST', `/api/imports/${dry.id}/import-for-real`, {
      token: admin,
    });
    expect(real.status).toBe(202);
    let ended = await record(real.body.id);
    for (let i = 0; i < 400 && ['queued', 'running'].includes(ended.status); i++) {
      await new Promise((r) => setTimeout(r, 25));
      ended = await record(real.body.id);
    }
    expect(ended).toMatchObject({ status: 'completed', created: 2, files_state: 'kept' });

    // 25 hours on the dry run's files are gone; the real import keeps its own copy for its 10 days.
    await server.kith.imports.cleanUpFiles(later(25 * HOUR));
    expect(await record(dry.id)).toMatchObject({ files_state: 'expired', files_expire_at: null });
    expect(fs.existsSync(importFolder(dry.id))).toBe(false);
    expect(await record(real.body.id)).toMatchObject({ files_state: 'kept' });
    expect((await download(real.body.id, 'source')).status).toBe(200);
    const gone = await download(dry.id, 'failures');
    expect(gone.status).toBe(410);
    expect(gone.body.error.message).toMatch(/24 hours after the dry run ended/);

    // Its real import undone, the dry run could be imported again — but its file is gone now.
    expect(
      (await api(server.baseUrl, 'POST', `/api/imports/${real.body.id}/undo`, { token: admin })).status,
    ).toBe(200);
    const again = await api(server.baseUrl, 'POST', `/api/imports/${dry.id}/import-for-real`, {
      token: admin,
    });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('source_file_gone');
    expect(again.body.error.details).toMatchObject({ files_state: 'expired' });
  });

  it('with never, a real import keeps its files; a dry run’s still go after 24 hours', async () => {
    const real = await importOf('never-real');
    const dry = await importOf('never-dry', true);
    const config = { dataDir: server.kith.config.dataDir, importFileRetentionDays: null };
    await deleteExpiredImportFiles(server.kith.store.db, config, later(3650 * DAY));
    expect(fs.existsSync(importFolder(real.id))).toBe(true);
    expect(fs.existsSync(importFolder(dry.id))).toBe(false);
    expect(await record(real.id)).toMatchObject({ files_state: 'kept' });
    expect(await record(dry.id)).toMatchObject({ files_state: 'expired' });
  });

  it('an administrator deletes an import’s files now: agents refused, not while it runs, 410 after, audit-logged', async () => {
    const done = await importOf('byhand');
    const remove = (id: string, token = admin) =>
      api(server.baseUrl, 'DELETE', `/api/imports/${id}/files`, { token });

    expect((await remove(done.id, agent)).status).toBe(403);
    const unknown = await remove('imp_nothing');
    expect(unknown.status).toBe(404);
    // While its job uses them: refused.
    const setStatus = (status: string) =>
      server.kith.store.db.updateTable('imports').set({ status }).where('id', '=', done.id).execute();
    await setStatus('running');
    const running = await remove(done.id);
    expect(running.status).toBe(409);
    expect(running.body.error).toMatchObject({ code: 'import_running', details: { status: 'running' } });
    await setStatus('completed');
    expect(fs.existsSync(importFolder(done.id))).toBe(true);

    const deleted = await remove(done.id);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      id: done.id,
      status: 'completed',
      created: 2,
      files_state: 'deleted',
      files_expire_at: null,
      files_deleted_by: adminId,
    });
    expect(fs.existsSync(importFolder(done.id))).toBe(false);
    expect(await storedCells(done.id)).toBe(0);
    const gone = await download(done.id, 'source');
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({
      code: 'import_files_deleted',
      details: { files_state: 'deleted' },
    });
    expect(gone.body.error.message).toMatch(/by an administrator/);
    expect((await download(done.id, 'failures')).status).toBe(410);

    // Again: the import as it is, and one entry in the audit log.
    const twice = await remove(done.id);
    expect(twice.status).toBe(200);
    expect(twice.body.files_deleted_at).toBe(deleted.body.files_deleted_at);
    const audit = await api(server.baseUrl, 'GET', `/api/audit?entity_type=import`, { token: admin });
    const entries = audit.body.data.filter((e: { entity_id: string }) => e.entity_id === done.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'files_deleted', actor_id: adminId, channel: 'api' });
    expect(entries[0].entity_name).toMatch(/byhand\.csv$/);

    // The clean-up leaves it as an administrator left it; the undo still works.
    await server.kith.imports.cleanUpFiles(later(30 * DAY));
    expect((await record(done.id)).files_state).toBe('deleted');
    const undone = await api(server.baseUrl, 'POST', `/api/imports/${done.id}/undo`, { token: admin });
    expect(undone.body.undo_report).toMatchObject({ deleted: 2 });
  });

  // Last: it undoes and redoes migration 0035 on this file's store, as an upgrade from before it does.
  it('an import that ended before the upgrade keeps its files the full period from the upgrade', async () => {
    const done = await importOf('upgraded');
    const db = server.kith.store.db;
    const longAgo = new Date(Date.now() - 40 * DAY).toISOString();
    await db.updateTable('imports').set({ finished_at: longAgo }).where('id', '=', done.id).execute();
    const upgradedAt = Date.now();
    await importFilesDeleted.down(db);
    await importFilesDeleted.up(db);
    const upgraded = await record(done.id);
    expect(upgraded.files_state).toBe('kept');
    expect(Date.parse(upgraded.files_expire_at) - upgradedAt).toBeGreaterThanOrEqual(10 * DAY - 5_000);
    expect(Date.parse(upgraded.files_expire_at) - upgradedAt).toBeLessThanOrEqual(10 * DAY + 60_000);

    // The first clean-up after the upgrade leaves them; ten days on from it, they go.
    await server.kith.imports.cleanUpFiles(new Date());
    expect(fs.existsSync(importFolder(done.id))).toBe(true);
    expect((await download(done.id, 'source')).status).toBe(200);
    await server.kith.imports.cleanUpFiles(later(11 * DAY));
    expect(fs.existsSync(importFolder(done.id))).toBe(false);
    expect((await record(done.id)).files_state).toBe('expired');

    // An import that ends after the upgrade counts from its own end.
    const fresh = await importOf('afterupgrade');
    const freshRecord = await record(fresh.id);
    expect(Date.parse(freshRecord.files_expire_at) - Date.parse(freshRecord.finished_at)).toBe(10 * DAY);
  });

  it('migration 0037 takes the values out of the reasons of imports whose files were deleted before it', async () => {
    const deleted = await importOf('before37');
    const keeps = await importOf('keeps37');
    const db = server.kith.store.db;
    await server.kith.imports.deleteFiles(deleted.id, SYSTEM_ACTOR);
    // As such an import was left by the version before: its reasons still quoting the file's values.
    const reason = 'phone: is not a valid phone number in region CN or internationally (got "not a phone")';
    await db
      .updateTable('import_rows')
      .set({ error: reason })
      .where('import_id', '=', deleted.id)
      .where('error', 'is not', null)
      .execute();
    await deletedFilesReasons.up(db);
    const reasons = async (id: string) =>
      (await db.selectFrom('import_rows').select(['error', 'warning']).where('import_id', '=', id).execute())
        .flatMap((r) => [r.error, r.warning])
        .filter((r) => r !== null);
    expect(await reasons(deleted.id)).toEqual(
      expect.arrayContaining([
        'phone: is not a valid phone number in region CN or internationally (got "…")',
      ]),
    );
    expect((await reasons(deleted.id)).join()).not.toMatch(/not a phone|maybe/);
    // An import that keeps its files keeps its reasons whole.
    expect((await reasons(keeps.id)).join()).toMatch(/got "not a phone"/);
  });
});
