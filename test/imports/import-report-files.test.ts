/**
 * An import ends with its failure and warnings files. When they cannot be written (a full disk), the
 * import must still end, not stay `running` with no worker for good (`kith import` then said only
 * "error: the import running"); and no half-written report is handed out as if it were whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureFilePath } from '../../src/imports/contact-import-pipeline.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { ADMIN, fixture } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe(`an import whose report files cannot be written on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('ends with its counts, and its failure file is written again once it can be', async () => {
    const file = fixture('reports.csv', 'name,email\nAnn,ann@reports.example\nBob,not-an-email\n');
    const started = await kith.imports.start({ filePath: file, fileName: 'reports.csv' }, ADMIN);
    // Its failure file's place taken by a folder: writing it fails, as it does on a full disk.
    const failures = failureFilePath(kith.config, started.id);
    fs.mkdirSync(path.join(failures, 'in-the-way'), { recursive: true });
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: started.id });

    // Every row was imported or failed, as counted: the import ended, whatever its files.
    expect(await kith.imports.get(started.id)).toMatchObject({
      status: 'completed',
      error: null,
      rows: 2,
      created: 1,
      failed: 1,
    });

    // Room again: the failure file is written when asked for, whole.
    fs.rmSync(failures, { recursive: true });
    const text = fs.readFileSync(await kith.imports.failureFile(started.id), 'utf8');
    expect(text).toContain('not-an-email');
  });
});
