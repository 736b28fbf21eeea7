/**
 * How long an import keeps its files, and their deletion. Every file of an import lives under
 * `<dataDir>/imports/<id>/` (`importDir`): the kept original (and a Tmall import's items report), the
 * failure and warnings files, an order import's item failures and pass-1 scratch. They hold customers'
 * personal data, so an ended import keeps them KITH_IMPORT_FILE_RETENTION_DAYS (30 by default;
 * `never`: until deleted by hand) and a dry run 24 hours at most, as long as a staged upload is kept
 * (`STAGED_UPLOAD_MAX_AGE_MS`), which is also its window to be imported for real. Then the periodic
 * clean-up deletes them; an administrator may delete them sooner (`ImportService.deleteFiles`).
 *
 * What goes: the folder, the failed and warned rows' cells kept in `import_rows` for those files (the
 * files could otherwise be written again from them), and the file's values quoted in each row's reason
 * (`(got "…")`). What stays: the record, its counts and warnings, each row's outcome and reason without
 * those values, and what an undo needs (the rows' contact ids and changes: an undo never reads a file).
 */
import fs from 'node:fs';
import { KithError } from '../domain/errors.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { importDir } from './contact-import-pipeline.js';
import { STAGED_UPLOAD_MAX_AGE_MS } from './staged-uploads.js';
import { withoutValues } from './report/reason-kind.js';
import { chunked } from '../store/chunked.js';

const DAY_MS = 86_400_000;

/** A dry run's files are kept no longer than a staged upload: 24 hours after it ends. */
export const DRY_RUN_FILE_MAX_AGE_MS = STAGED_UPLOAD_MAX_AGE_MS;

/** kept (while it runs too), expired (deleted by the clean-up) or deleted (by an administrator). */
export type ImportFilesState = 'kept' | 'expired' | 'deleted';

const ENDED = ['completed', 'failed', 'cancelled'] as const;

interface FilesRow {
  id: string;
  status: string;
  dry_run: number;
  created_at: string;
  finished_at: string | null;
  files_deleted_at: string | null;
  files_deleted_reason: string | null;
  files_kept_from: string | null;
}

/** How long an ended import of this kind keeps its files; null: until deleted by hand. */
export function filesKeptForMs(dryRun: boolean, retentionDays: number | null): number | null {
  const kept = retentionDays === null ? null : retentionDays * DAY_MS;
  if (!dryRun) return kept;
  return kept === null ? DRY_RUN_FILE_MAX_AGE_MS : Math.min(kept, DRY_RUN_FILE_MAX_AGE_MS);
}

export function filesStateOf(
  row: Pick<FilesRow, 'files_deleted_at' | 'files_deleted_reason'>,
): ImportFilesState {
  if (row.files_deleted_at === null) return 'kept';
  return row.files_deleted_reason === 'expired' ? 'expired' : 'deleted';
}

/**
 * When the clean-up deletes the import's files: its end (or `files_kept_from`, the upgrade that brought
 * the clean-up, for an import that ended before it) plus the time they are kept. Null while it is
 * queued or running, when they are kept until deleted by hand, and once they are gone. Read from the
 * setting as it is now, so a changed setting applies to every import, the earlier ones too.
 */
export function filesExpireAt(row: FilesRow, retentionDays: number | null): string | null {
  if (row.files_deleted_at !== null || !(ENDED as readonly string[]).includes(row.status)) return null;
  const keptFor = filesKeptForMs(row.dry_run === 1, retentionDays);
  if (keptFor === null) return null;
  return new Date(
    Date.parse(row.files_kept_from ?? row.finished_at ?? row.created_at) + keptFor,
  ).toISOString();
}

/** 410 `import_files_deleted`: what was asked for was one of the files, deleted on … by … */
export function importFilesDeletedError(row: FilesRow, retentionDays: number | null): KithError {
  const when = row.files_deleted_at!;
  const why =
    filesStateOf(row) === 'expired'
      ? row.dry_run === 1
        ? `by the clean-up, ${DRY_RUN_FILE_MAX_AGE_MS / 3_600_000} hours after the dry run ended (a dry run keeps its files as long as a staged upload)`
        : `by the clean-up, ${retentionDays ?? '?'} days after the import ended (KITH_IMPORT_FILE_RETENTION_DAYS)`
      : 'by an administrator';
  return new KithError(
    'import_files_deleted',
    `the files of import ${row.id} were deleted on ${when} ${why}; its history, counts and undo remain. Import the file again to get a new failure file`,
    410,
    {
      import_id: row.id,
      files_state: filesStateOf(row),
      files_deleted_at: when,
    },
  );
}

/**
 * Removes the import's folder and the cells its report files were written from. Idempotent: a
 * deletion cut short (a process stopped) is finished by running it again.
 */
export async function removeImportFiles(
  db: Queryable,
  config: { dataDir: string },
  importId: string,
): Promise<void> {
  fs.rmSync(importDir(config, importId), { recursive: true, force: true });
  // In slices, so a large import's rows do not hold the write lock in one long statement; rows of one
  // reason without its values (most of a slice shares a few) are updated together.
  let after = 0;
  for (;;) {
    const slice = await db
      .selectFrom('import_rows')
      .select(['row_number', 'error', 'warning'])
      .where('import_id', '=', importId)
      .where('row_number', '>', after)
      .where((eb) =>
        eb.or([eb('cells', 'is not', null), eb('error', 'is not', null), eb('warning', 'is not', null)]),
      )
      .orderBy('row_number')
      .limit(ROWS_A_SLICE)
      .execute();
    if (slice.length === 0) return;
    after = slice[slice.length - 1]!.row_number;
    const groups = new Map<string, { error: string | null; warning: string | null; rows: number[] }>();
    for (const row of slice) {
      const error = row.error === null ? null : withoutValues(row.error);
      const warning = row.warning === null ? null : withoutValues(row.warning);
      const key = JSON.stringify([error, warning]);
      const group = groups.get(key);
      if (group) group.rows.push(row.row_number);
      else groups.set(key, { error, warning, rows: [row.row_number] });
    }
    for (const { error, warning, rows } of groups.values())
      for (const chunk of chunked(rows, 500))
        await db
          .updateTable('import_rows')
          .set({ cells: null, error, warning })
          .where('import_id', '=', importId)
          .where('row_number', 'in', chunk)
          .execute();
    if (slice.length < ROWS_A_SLICE) return;
  }
}

const ROWS_A_SLICE = 5000;

/**
 * The clean-up: deletes the files of every ended import past its time (`filesExpireAt` ≤ now), marks
 * each `expired` first (so a download from then on answers 410, never half a file), and answers how
 * many imports it cleaned up.
 */
export async function deleteExpiredImportFiles(
  db: Queryable,
  config: { dataDir: string; importFileRetentionDays: number | null },
  now = new Date(),
): Promise<number> {
  const cutoff = (dryRun: boolean) => {
    const keptFor = filesKeptForMs(dryRun, config.importFileRetentionDays);
    return keptFor === null ? null : new Date(now.getTime() - keptFor).toISOString();
  };
  const real = cutoff(false);
  const dry = cutoff(true)!;
  const due = await db
    .selectFrom('imports')
    .select('id')
    .where('status', 'in', ENDED)
    .where('files_deleted_at', 'is', null)
    .where((eb) => {
      const ended = eb.fn.coalesce('files_kept_from', 'finished_at', 'created_at');
      const dryDue = eb.and([eb('dry_run', '=', 1), eb(ended, '<=', dry)]);
      return real === null ? dryDue : eb.or([dryDue, eb.and([eb('dry_run', '=', 0), eb(ended, '<=', real)])]);
    })
    .orderBy('id')
    .execute();
  let cleaned = 0;
  for (const { id } of due) {
    const marked = await db
      .updateTable('imports')
      .set({ files_deleted_at: nowIso(), files_deleted_reason: 'expired', files_deleted_by: null })
      .where('id', '=', id)
      .where('files_deleted_at', 'is', null)
      .executeTakeFirst();
    // Deleted by hand meanwhile: that deletion removes them.
    if (Number(marked.numUpdatedRows) === 0) continue;
    await removeImportFiles(db, config, id);
    cleaned++;
  }
  return cleaned;
}
