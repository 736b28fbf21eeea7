import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Actor } from '../../src/domain/actor.js';
import type { ImportRecord, ImportRequest } from '../../src/imports/import-service.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import type { TestKith } from './test-kith.js';

export const ADMIN: Actor = { userId: null, channel: 'api' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-files-'));

/** Writes a fixture file: text in the given encoding (optionally with BOM), or raw bytes. */
export function fixture(name: string, content: string | Buffer, encoding = 'utf-8', bom = false): string {
  const file = path.join(dir, `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}-${name}`);
  const bytes = typeof content === 'string' ? iconv.encode(content, encoding, { addBOM: bom }) : content;
  fs.writeFileSync(file, bytes);
  return file;
}

/**
 * Starts an import and runs its job to the end in this process, as a worker would. When a server's
 * own worker claimed the job first, waits for that worker to finish it.
 */
export async function runImport(
  kith: TestKith,
  file: string,
  request: Partial<ImportRequest> = {},
): Promise<ImportRecord> {
  const started = await kith.imports.start(
    { filePath: file, fileName: path.basename(file), ...request },
    ADMIN,
  );
  const runner = new JobRunner(kith.store, kith.jobHandlers);
  await runner.runOnce({ subjectId: started.id });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const current = await kith.imports.get(started.id);
    if (!['queued', 'running'].includes(current.status) || Date.now() > deadline) return current;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function readFailures(kith: TestKith, importId: string): Promise<string> {
  return kith.imports.failureFile(importId).then((f) => fs.readFileSync(f, 'utf8'));
}

/** The failure file parsed: its header and rows (BOM removed). */
export async function readFailureRows(kith: TestKith, importId: string): Promise<string[][]> {
  return parse((await readFailures(kith, importId)).replace(/^\uFEFF/, ''), {
    relax_column_count: true,
  }) as string[][];
}

/** The `error` column of the failure file, one line per failed row. */
export async function readFailureReasons(kith: TestKith, importId: string): Promise<string> {
  const [, ...rows] = await readFailureRows(kith, importId);
  return rows.map((r) => r[r.length - 1]).join('\n');
}
