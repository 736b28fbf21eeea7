/** `kith imports delete-files`: an ended import's files deleted at once, as the API's DELETE does. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith imports delete-files on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('deletes the files of an ended import; its failure file is then refused, its record and undo stay', async () => {
    const file = fixture('delete-files.csv', '姓名,手机\n王芳,13700137000\n坏行,12345\n');
    const imported = await kith('import', 'contacts', file, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const id = JSON.parse(imported.stdout).import_id as string;
    const folder = path.join(database.config.dataDir, 'imports', id);
    expect(fs.existsSync(folder)).toBe(true);

    const deleted = await kith('imports', 'delete-files', id);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toContain(`import ${id}: files deleted`);
    expect(fs.existsSync(folder)).toBe(false);

    const shown = JSON.parse((await kith('imports', 'show', id, '--json')).stdout);
    expect(shown).toMatchObject({ status: 'completed', created: 1, failed: 1, files_state: 'deleted' });
    expect(shown.files_deleted_at).toEqual(expect.any(String));

    const failures = await kith('imports', 'failures', id, '--out', path.join(path.dirname(folder), 'f.csv'));
    expect(failures.code).toBe(1);
    expect(failures.stderr).toMatch(/files of import .* were deleted on .* by an administrator/);

    const undone = await kith('imports', 'undo', id);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stderr).toContain('1 contacts deleted');

    const unknown = await kith('imports', 'delete-files', 'imp_nothing');
    expect(unknown.code).toBe(1);
  });
});
