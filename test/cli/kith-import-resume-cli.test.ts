/**
 * `kith import contacts FILE` killed outright (kill -9) leaves its import running under a dead process's
 * lease. Running the same command again used to start a second import of the same rows; it now refuses,
 * naming the interrupted import and the commands that resume or cancel it, and `kith imports resume ID`
 * finishes the first from its last committed batch: every row once. The killed import is a real process.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKith } from '../../src/services.js';
import { fixture } from '../support/import-helpers.js';
import { kithArgs, runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROWS = 10_000;

describe(`re-running a killed kith import on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  const kith = (...args: string[]) => runCli(args, database.env);
  beforeAll(async () => {
    // A short lease: the dead process's is waited out in seconds.
    database = await createTestDatabase({ KITH_JOB_LEASE_SECONDS: '2' });
  });
  afterAll(async () => {
    await database.drop();
  });

  it(
    'refuses a second import of the file, naming the first, and resumes the first',
    { timeout: 180_000 },
    async () => {
      const lines = Array.from({ length: ROWS }, (_, i) => `Person ${i},p${i}@resume.example`);
      const file = fixture('customers.csv', `name,email\n${lines.join('\n')}\n`);

      // The first import, killed once its first batch is in.
      const first = spawn(process.execPath, kithArgs(['import', 'contacts', file]), {
        cwd: ROOT,
        env: { ...process.env, KITH_DEFAULT_REGION: 'CN', ...database.env },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => first.once('exit', resolve));
      const watcher = await openKith(database.config);
      let importId: string;
      try {
        for (;;) {
          const [record] = await watcher.imports.list();
          if (record && record.rows >= 1000) {
            first.kill('SIGKILL');
            importId = record.id;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        await exited;
        const left = await watcher.imports.get(importId);
        expect(left.status).toBe('running');
        expect(left.rows).toBeLessThan(ROWS);
      } finally {
        await watcher.close();
      }

      // The same command again: refused, and nothing new is queued.
      const again = await kith('import', 'contacts', file);
      expect(again.code, again.stderr).toBe(1);
      expect(again.stderr).toContain(`${file}: import ${importId} of this file was interrupted (running, `);
      expect(again.stderr).toContain(`resume it with \`kith imports resume ${importId}\``);
      expect(again.stderr).toContain(
        `cancel it with \`kith imports cancel ${importId}\` and import the file again; a second import would write the same rows again`,
      );
      const json = await kith('import', 'contacts', file, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({
        error: { code: 'import_unfinished', details: { import_id: importId, status: 'running' } },
      });
      // A dry run writes nothing: it may run beside it.
      expect((await kith('import', 'contacts', file, '--dry-run')).code).toBe(0);
      // …but is not imported for real while the first is unfinished.
      const checks = JSON.parse((await kith('imports', 'list', '--json')).stdout) as {
        id: string;
        dry_run: boolean;
      }[];
      const check = checks.find((r) => r.dry_run)!.id;
      const forReal = await kith('imports', 'import-for-real', check, '--json');
      expect(forReal.code).toBe(1);
      expect(JSON.parse(forReal.stdout)).toMatchObject({
        error: { code: 'already_importing', details: { import_id: importId } },
      });

      // Resumed here (once the dead process's lease runs out): every row once.
      const resumed = await kith('imports', 'resume', importId, '--json');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        import_id: importId,
        status: 'completed',
        rows: ROWS,
        created: ROWS,
        failed: 0,
      });
      const list = JSON.parse((await kith('imports', 'list', '--json')).stdout) as {
        id: string;
        dry_run: boolean;
      }[];
      expect(list.filter((r) => !r.dry_run).map((r) => r.id)).toEqual([importId]);
      const services = await openKith(database.config);
      try {
        const { n } = await services.store.db
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(n)).toBe(ROWS);
      } finally {
        await services.close();
      }

      // Ended, it is neither resumed again nor in the way of a new import of the file.
      const twice = await kith('imports', 'resume', importId);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain(
        `import ${importId} is completed: only a queued or interrupted import can be resumed`,
      );
      const reimport = await kith('import', 'contacts', file, '--json');
      expect(JSON.parse(reimport.stdout)).toMatchObject({ status: 'completed', unchanged: ROWS });
    },
  );
});
