import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedCsv } from '../../bench/generate-contacts.js';
import { openStore, type Store } from '../../src/store/database.js';
import { fixture } from '../support/import-helpers.js';
import { kithArgs, runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ATTRIBUTES = [
  ['tier', '--type', 'list', '--option', 'Gold', '--option', 'Silver', '--option', 'Bronze'],
  ['points', '--type', 'number'],
  ['vip', '--type', 'boolean'],
  ['joined', '--type', 'date'],
  ['note', '--type', 'text'],
];

async function prepare(database: TestDatabase): Promise<void> {
  for (const a of ATTRIBUTES) {
    const r = await runCli(['attributes', 'create', ...a], database.env);
    expect(r.code, r.stderr).toBe(0);
  }
}

describe(`kith import on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await prepare(database);
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('imports a file and prints exactly one JSON object', async () => {
    const file = fixture('cli.csv', '姓名,手机,邮箱\n张伟,138-0013-8000,zw@example.com\n坏行,12345,bad\n');
    const out = path.join(os.tmpdir(), `kith-failures-${Date.now()}.csv`);
    const r = await kith('import', 'contacts', file, '--tag', 'cli', '--failures', out, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toEqual({
      import_id: expect.stringMatching(/^imp_/),
      status: 'completed',
      rows: 2,
      created: 1,
      updated: 0,
      unchanged: 0,
      failed: 1,
      warned: 0,
      failures_file: out,
      warnings_file: expect.stringMatching(/warnings\.csv$/),
    });
    const failures = fs.readFileSync(out, 'utf8');
    expect(failures.startsWith('\uFEFF姓名,手机,邮箱,error')).toBe(true);
    expect(failures).toContain('phone: is not a valid phone number');
    expect(failures).toContain('email: is not a valid email address');

    const shown = JSON.parse((await kith('imports', 'show', result.import_id, '--json')).stdout);
    expect(shown).toMatchObject({ id: result.import_id, created: 1, settings: { tags: ['cli'] } });
    const listed = JSON.parse(
      (await kith('contacts', 'list', '--import', result.import_id, '--json')).stdout,
    );
    expect(listed.data.map((c: { name: string }) => c.name)).toEqual(['张伟']);
    const undo = await kith('imports', 'undo', result.import_id, '--json');
    expect(JSON.parse(undo.stdout)).toMatchObject({ deleted: 1 });
  });

  it('exits non-zero with a clear message when the file cannot be read', async () => {
    const r = await kith('import', 'contacts', fixture('empty.csv', ''), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the file is empty');
    const missing = await kith('import', 'contacts', '/nonexistent.csv');
    expect(missing.code).toBe(2);
    const mapping = await kith('import', 'contacts', fixture('m.csv', 'a,b\n1,2\n'), '--map', 'a=created_at');
    expect(mapping.stderr).toContain('mapping.a: created_at is written by Kith and cannot be imported');
  });

  it('reads the header from the row --header-row names, after a title row', async () => {
    const file = fixture(
      'titled.csv',
      'Customer export 2026-11\nname,email\nHeader Row,header-row@example.com\n',
    );
    const r = await kith('import', 'contacts', file, '--header-row', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const imported = JSON.parse(r.stdout);
    expect(imported).toMatchObject({ status: 'completed', created: 1, failed: 0 });
    // This file's database is shared with the resume test below, which counts every live contact.
    expect((await kith('imports', 'undo', imported.import_id, '--json')).code).toBe(0);
    const bad = await kith('import', 'contacts', file, '--header-row', 'two');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--header-row: must be a whole number from 1 to 1000 (got "two")');
  });

  it('resumes an import whose process was killed, with the counts of an uninterrupted run', async () => {
    const rows = 6000;
    const file = path.join(os.tmpdir(), `kith-resume-${Date.now()}.csv`);
    await writeGeneratedCsv(file, rows);

    // The reference: the same file, uninterrupted, into a database of its own.
    const reference = await createTestDatabase();
    try {
      await prepare(reference);
      const whole = JSON.parse((await runCli(['import', 'contacts', file, '--json'], reference.env)).stdout);
      expect(whole.status).toBe('completed');

      // The reference run reads in-process; the killed and resumed runs read on a worker thread.
      const threaded = { KITH_JOB_LEASE_SECONDS: '1', KITH_IMPORT_THREAD_MIN_BYTES: '0' };
      const env = { ...process.env, ...database.env, ...threaded };
      const child = spawn(process.execPath, kithArgs(['import', 'contacts', file, '--json']), {
        cwd: ROOT,
        env,
        stdio: 'ignore',
      });
      const store: Store = openStore(database.config);
      let checkpoint = 0;
      try {
        for (let waited = 0; waited < 60_000 && checkpoint === 0; waited += 10) {
          await new Promise((r) => setTimeout(r, 10));
          const row = await store.db
            .selectFrom('imports')
            .select('checkpoint_row')
            .where('file_name', '=', path.basename(file))
            .executeTakeFirst();
          checkpoint = row?.checkpoint_row ?? 0;
        }
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const killed = await store.db
          .selectFrom('imports')
          .selectAll()
          .where('file_name', '=', path.basename(file))
          .executeTakeFirstOrThrow();
        expect(killed.status).toBe('running');
        expect(killed.rows).toBeLessThan(rows);
        await new Promise((r) => setTimeout(r, 1200)); // the dead process's lease runs out

        const worker = await runCli(['worker', '--once'], { ...database.env, ...threaded });
        expect(worker.stderr).toContain('ran 1 job');
        const resumed = JSON.parse((await kith('imports', 'show', killed.id, '--json')).stdout);
        expect(resumed).toMatchObject({
          status: 'completed',
          rows,
          created: whole.created,
          updated: whole.updated,
          unchanged: whole.unchanged,
          failed: whole.failed,
        });
        const contacts = await store.db
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow();
        expect(Number(contacts.n)).toBe(whole.created);
        const recorded = await store.db
          .selectFrom('import_rows')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('import_id', '=', killed.id)
          .executeTakeFirstOrThrow();
        expect(Number(recorded.n)).toBe(rows);
      } finally {
        child.kill('SIGKILL');
        await store.close();
      }
    } finally {
      await reference.drop();
      fs.rmSync(file, { force: true });
    }
  }, 120_000);
});
