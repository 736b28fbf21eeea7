/**
 * The import record (`imports`) and its row outcomes (`import_rows`), for every kind of import: queued
 * with its job, marked running, its total and summary, batch by batch its outcomes, counts and
 * checkpoint, and its end. The imports capability owns both tables; the order imports (src/orders)
 * keep their records through these functions too, so that one place says how a record moves.
 */
import type { Insertable, Selectable } from 'kysely';
import { enqueueJob } from '../jobs/job-queue.js';
import { LeaseLostError } from '../jobs/job-runner.js';
import type { RowWriter } from '../store/row-writer.js';
import type { ImportKindColumns, ImportRowsTable, ImportsTable } from '../store/schema.js';
import type { FileWarning } from './file-warnings.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export type ImportRecordRow = Selectable<ImportsTable & ImportKindColumns>;
export type ImportRowOutcome = Insertable<ImportRowsTable>;
export type ImportEndStatus = 'completed' | 'failed' | 'cancelled';

export interface NewImportRecord {
  id: string;
  /** `contacts` (the column's default) or an order import's kind. */
  kind?: string;
  dryRun: boolean;
  fileName: string;
  fileSize: number;
  /** What the job reads the file by (stored as JSON). */
  source: unknown;
  mapping: unknown;
  settings: unknown;
  /** Stored as given: file-warnings.ts reads both. */
  warnings: readonly (string | FileWarning)[];
  createdBy: string | null;
}

/** The record, queued, and its job: in the caller's transaction, so neither exists without the other. */
export async function queueImport(trx: Queryable, record: NewImportRecord, jobKind: string): Promise<void> {
  await trx
    .insertInto('imports')
    .values({
      id: record.id,
      ...(record.kind === undefined ? {} : { kind: record.kind }),
      status: 'queued',
      dry_run: record.dryRun ? 1 : 0,
      file_name: record.fileName,
      file_size: record.fileSize,
      source: JSON.stringify(record.source),
      mapping: JSON.stringify(record.mapping),
      settings: JSON.stringify(record.settings),
      warnings: JSON.stringify(record.warnings),
      created_by: record.createdBy,
      created_at: nowIso(),
      started_at: null,
      finished_at: null,
      total_rows: null,
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      warned: 0,
      checkpoint_row: 0,
      cancel_requested: 0,
      error: null,
      undone_at: null,
      undo_report: null,
      imported_for_real_as: null,
    })
    .execute();
  await enqueueJob(trx, jobKind, record.id);
}

export function readImportRecord(db: Queryable, id: string): Promise<ImportRecordRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether a job should run the import at all: it exists and has not ended. */
export function importStillToRun(record: ImportRecordRow | undefined): record is ImportRecordRow {
  return record !== undefined && !['completed', 'failed', 'cancelled'].includes(record.status);
}

/** Running since its first start (a resumed import keeps that time). */
export async function markImportRunning(db: Queryable, record: ImportRecordRow): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: 'running', started_at: record.started_at ?? nowIso() })
    .where('id', '=', record.id)
    .execute();
}

/** The rows (or orders) pass 1 counted, and an order import's summary so far. */
export async function setImportTotal(
  db: Queryable,
  id: string,
  totalRows: number,
  summary?: unknown,
): Promise<void> {
  await db
    .updateTable('imports')
    .set({ total_rows: totalRows, ...(summary === undefined ? {} : { summary: JSON.stringify(summary) }) })
    .where('id', '=', id)
    .execute();
}

export async function setImportSummary(db: Queryable, id: string, summary: unknown): Promise<void> {
  await db
    .updateTable('imports')
    .set({ summary: JSON.stringify(summary) })
    .where('id', '=', id)
    .execute();
}

/** Read before each batch: a cancel asked for since, and where the import stands. */
export async function importProgress(
  db: Queryable,
  id: string,
): Promise<{ cancelRequested: boolean; checkpointRow: number; rows: number; totalRows: number | null }> {
  const row = await db
    .selectFrom('imports')
    .select(['cancel_requested', 'checkpoint_row', 'rows', 'total_rows'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    cancelRequested: Boolean(row.cancel_requested),
    checkpointRow: row.checkpoint_row,
    rows: row.rows,
    totalRows: row.total_rows,
  };
}

export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warned: number;
}

/** What one batch adds to the counts (order imports have no warnings). */
export type ImportBatchCounts = Omit<ImportCounts, 'rows' | 'warned'> & { warned?: number };

/**
 * The counts a batch starting at `firstRow` adds to, read in its transaction; LeaseLostError when the
 * checkpoint is already past it (another worker took the job over and applied it).
 */
export async function importCountsBefore(
  trx: Queryable,
  id: string,
  firstRow: number,
): Promise<ImportCounts & { summary: string | null }> {
  const current = await trx
    .selectFrom('imports')
    .select(['checkpoint_row', 'rows', 'created', 'updated', 'unchanged', 'failed', 'warned', 'summary'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (current.checkpoint_row >= firstRow) throw new LeaseLostError(id);
  return current;
}

/**
 * A batch's row outcomes, the import's counts moved on and its checkpoint at the batch's last row —
 * only if no other worker moved them first (a lost lease), which undoes the whole batch.
 */
export async function saveImportBatch(
  trx: Queryable,
  rows: RowWriter,
  id: string,
  current: ImportCounts,
  batch: {
    rows: number;
    firstRow: number;
    lastRow: number;
    counts: ImportBatchCounts;
    summary?: unknown;
  },
  outcomes: ImportRowOutcome[],
): Promise<void> {
  outcomes.sort((a, b) => a.row_number - b.row_number);
  await rows.insert('import_rows', outcomes);
  const saved = await trx
    .updateTable('imports')
    .set({
      rows: current.rows + batch.rows,
      created: current.created + batch.counts.created,
      updated: current.updated + batch.counts.updated,
      unchanged: current.unchanged + batch.counts.unchanged,
      failed: current.failed + batch.counts.failed,
      warned: current.warned + (batch.counts.warned ?? 0),
      ...(batch.summary === undefined ? {} : { summary: JSON.stringify(batch.summary) }),
      checkpoint_row: batch.lastRow,
    })
    .where('id', '=', id)
    // A worker that lost its lease must not apply a batch its successor already applied.
    .where('checkpoint_row', '<', batch.firstRow)
    .executeTakeFirst();
  if (Number(saved.numUpdatedRows) !== 1) throw new LeaseLostError(id);
}

export async function finishImportRecord(
  db: Queryable,
  id: string,
  status: ImportEndStatus,
  error?: string,
): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status, finished_at: nowIso(), error: error ?? null })
    .where('id', '=', id)
    .execute();
}

/**
 * The rows an import created or updated, below `beforeRow`, newest first: what an undo walks back,
 * `limit` at a time.
 */
export function appliedImportRows(db: Queryable, id: string, beforeRow: number, limit: number) {
  return db
    .selectFrom('import_rows')
    .select(['row_number', 'action', 'contact_id', 'changes'])
    .where('import_id', '=', id)
    .where('action', 'in', ['created', 'updated'])
    .where('row_number', '<', beforeRow)
    .orderBy('row_number', 'desc')
    .limit(limit)
    .execute();
}
