/** `kith import contacts` counts the rows imported with warnings; `kith imports warnings` writes them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith import warnings on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('prints the warned count and writes the warnings file', async () => {
    const file = fixture(
      'cli-warn.csv',
      '姓名,邮箱,性别\n张伟,zw-cli@example.cn,Agender\n李娜,ln-cli@example.cn,女士\n王芳,wf-cli@example.cn,保密\n',
    );
    const r = await kith('import', 'contacts', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: 'completed', rows: 3, created: 3, failed: 0, warned: 1 });
    expect(fs.readFileSync(result.warnings_file, 'utf8')).toBe(
      '\uFEFF姓名,邮箱,性别,warning\n张伟,zw-cli@example.cn,Agender,"row 2: gender was not imported: must be one of male, female, other (got ""Agender"")"\n',
    );

    const out = path.join(os.tmpdir(), `kith-warnings-${Date.now()}.csv`);
    const written = await kith('imports', 'warnings', result.import_id, '--out', out, '--json');
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toEqual({
      import_id: result.import_id,
      warned: 1,
      warnings_file: out,
    });
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(result.warnings_file, 'utf8'));

    const human = await kith('import', 'contacts', file, '--dry-run');
    expect(human.stderr).toMatch(
      /3 unchanged, 0 failed \(1 imported with warnings\)\nwarnings file: .*warnings\.csv\n/,
    );

    const shown = JSON.parse((await kith('imports', 'show', result.import_id, '--json')).stdout);
    expect(shown).toMatchObject({ id: result.import_id, warned: 1 });
  });

  it('names both readings of an ambiguous file and how to choose', async () => {
    const file = fixture('cli-korean.csv', '이름,email\n김철수,kim-cli@example.kr\n', 'euc-kr');
    const refused = await kith('import', 'contacts', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('as EUC-KR (Korean) it reads "이름,email" (--encoding euc-kr)');
    expect(refused.stderr).toContain('(--encoding gbk)');
    const chosen = await kith('import', 'contacts', file, '--encoding', 'euc-kr', '--json');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(JSON.parse(chosen.stdout)).toMatchObject({ created: 1 });
  });
});
