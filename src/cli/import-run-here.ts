/**
 * Running an import's job in the `kith` process, for `kith import contacts|orders` and `kith imports
 * resume`: one loop for every kind of import (contacts, Tmall orders, an order file), so each gets the
 * same progress bar, the same Ctrl-C (the first stops after the current batch and puts the job back in
 * the queue, the second stops at once), the same wait for a dead process's lease and the same refusal
 * of a second import of a file whose first has not ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { KithError } from '../domain/errors.js';
import type { ImportRecord } from '../imports/import-service.js';
import type { KithServices } from '../services.js';
import { onInterrupt, printJson } from './cli-context.js';

type ImportKind = ImportRecord['kind'];

/**
 * The job kind that runs each kind of import. The modules naming them are loaded here, once the store
 * is open (they are part of it), not with the definitions of every command.
 */
async function jobKinds(): Promise<Record<ImportKind, string>> {
  const [{ IMPORT_JOB_KIND }, { TMALL_IMPORT_JOB_KIND }, { ORDER_IMPORT_JOB_KIND }] = await Promise.all([
    import('../imports/import-service.js'),
    import('../orders/tmall-order-import.js'),
    import('../orders/generic-order-import.js'),
  ]);
  return { contacts: IMPORT_JOB_KIND, tmall_orders: TMALL_IMPORT_JOB_KIND, orders: ORDER_IMPORT_JOB_KIND };
}

export const importJobKindOf = async (kind: ImportKind): Promise<string> => (await jobKinds())[kind];

const isOrders = (kind: ImportKind) => kind !== 'contacts';

export interface RunHereOptions {
  failures?: string;
  warnings?: string;
  json?: boolean;
}

export interface ImportOutcome {
  record: ImportRecord;
  failuresFile: string | null;
  warningsFile: string | null;
  /** A Tmall import's items that joined no order. */
  itemFailuresFile: string | null;
}

type JobLease = Awaited<ReturnType<KithServices['jobs']['leaseOf']>>;

/** `--mapping FILE`: a JSON object of column → target; anything else is a usage error naming the file. */
export function readMappingFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KithError('usage', `--mapping ${file}: ${(e as Error).message}`, 2);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new KithError('usage', `--mapping ${file}: expected a JSON object of "column": "target"`, 2);
  return parsed as Record<string, string>;
}

/** `--header-row`: a whole number from 1; anything else is a usage error naming the value. */
export function headerRowOf(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new KithError(
      'usage',
      `--header-row: must be a whole number from 1 to 1000 (got ${JSON.stringify(raw)})`,
      2,
    );
  return n;
}

/**
 * Refuses a second import of `file` while an earlier import of the same bytes (same kind, not a dry
 * run) has not ended: the second would do the first's work again beside it. The refusal names that
 * import and what to do: resume it (it continues after its last committed batch) or cancel it.
 */
export async function refuseUnfinishedImport(
  kith: KithServices,
  kind: ImportKind,
  file: string,
  itemsFile?: string,
): Promise<void> {
  const unfinished = await kith.imports.unfinishedImportOf(
    kind,
    { path: file, name: path.basename(file) },
    itemsFile,
  );
  if (!unfinished) return;
  const job = await kith.jobs.leaseOf(await importJobKindOf(kind), unfinished.id);
  throw unfinishedImportError(file, unfinished, job);
}

function unfinishedImportError(file: string, record: ImportRecord, job: JobLease): KithError {
  const cancel = `cancel it with \`kith imports cancel ${record.id}\` and import the file again`;
  const done = record.total_rows === null ? '' : `, ${record.rows} of ${record.total_rows} rows done`;
  const live = job?.worker_status === 'working';
  const message = live
    ? `${file}: import ${record.id} of this file is still ${record.status}${done} (${job.note}): follow it with \`kith imports show ${record.id}\`, or ${cancel}; a second import would write the same rows again`
    : `${file}: import ${record.id} of this file was interrupted (${record.status}${done}${job ? `; ${job.note}` : ''}): resume it with \`kith imports resume ${record.id}\`, or ${cancel}; a second import would write the same rows again`;
  return new KithError('import_unfinished', message, 409, {
    import_id: record.id,
    status: record.status,
    worker_status: job?.worker_status ?? null,
  });
}

/**
 * Runs a queued or interrupted import's job here, with a progress bar, until it ends: at once when it is
 * queued or its lease ran out; when a process that died still holds its lease, once the lease runs out;
 * when a live `kith serve` or `kith worker` runs it, following it there. Then its report files.
 */
export async function runImportHere(
  kith: KithServices,
  importId: string,
  o: RunHereOptions,
): Promise<ImportOutcome> {
  const { kind } = await kith.imports.get(importId);
  const kinds = await jobKinds();
  const jobKind = kinds[kind];
  const bar =
    process.stderr.isTTY && !o.json
      ? new cliProgress.SingleBar(
          {
            format: `importing${isOrders(kind) ? ' orders' : ''} [{bar}] {value}/{total} rows | {created} created {updated} updated {unchanged} unchanged {failed} failed`,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let barStarted = false;
  const progress = (
    row: Pick<ImportRecord, 'total_rows' | 'rows' | 'created' | 'updated' | 'unchanged' | 'failed'>,
  ) => {
    if (!bar || row.total_rows === null) return;
    if (!barStarted) {
      bar.start(row.total_rows, 0, { created: 0, updated: 0, unchanged: 0, failed: 0 });
      barStarted = true;
    }
    bar.update(row.rows, {
      created: row.created,
      updated: row.updated,
      unchanged: row.unchanged,
      failed: row.failed,
    });
  };
  const runner = kith.jobs.runner({
    handlers: {
      [kinds.contacts]: (ctx) => kith.importPipeline.run(ctx.job.subject_id, ctx, progress),
      [kinds.tmall_orders]: (ctx) => kith.tmallImportPipeline.run(ctx.job.subject_id, ctx),
      [kinds.orders]: (ctx) => kith.orderImportPipeline.run(ctx.job.subject_id, ctx),
    },
  });
  // The order imports report their counts only to the store: the bar reads them from there.
  const polling = isOrders(kind)
    ? setInterval(() => void kith.imports.get(importId).then(progress, () => undefined), 500)
    : null;
  // Stopped here, the import is not lost: the first Ctrl-C stops it after its current batch and
  // puts it back in the queue, where a running `kith worker` or `kith serve` resumes it at once;
  // a second stops now, and the job resumes once its lease runs out.
  const resumes = `a running \`kith worker\` or \`kith serve\` (start one if none runs), or here with \`kith imports resume ${importId}\`; follow it with \`kith imports show ${importId}\`, or stop it with \`kith imports cancel ${importId}\``;
  let following = false;
  const offInterrupt = onInterrupt(
    () => {
      process.stderr.write(
        `\nimport ${importId} interrupted: it resumes where it stopped (after KITH_JOB_LEASE_SECONDS) in ${resumes}\n`,
      );
      // A person's Ctrl-C, not a crash: the takeover after the lease is not counted against the job.
      return runner.abandon();
    },
    () => {
      bar?.stop();
      if (following) {
        process.stderr.write(`\nimport ${importId} goes on in the server or worker that runs it\n`);
        process.exit(130);
      }
      process.stderr.write(
        `\nstopping import ${importId} after its current batch… (Ctrl-C again to stop at once)\n`,
      );
      runner.pause();
    },
  );
  try {
    let said = '';
    for (;;) {
      const ran = await runner.runOnce({ subjectId: importId });
      if (runner.pausedJob?.subject_id === importId) {
        bar?.stop();
        process.stderr.write(`import ${importId} stopped: it resumes where it stopped in ${resumes}\n`);
        process.exit(130);
      }
      if (ran) break;
      const row = await kith.imports.get(importId);
      if (!['queued', 'running'].includes(row.status)) break;
      // Another process holds the job: a live one runs it (follow it), a dead one's lease runs out first.
      const job = await kith.jobs.leaseOf(jobKind, importId);
      following = job?.worker_status === 'working';
      const say =
        job?.worker_status === 'worker_gone'
          ? `import ${importId}: waiting for the lease of ${job.worker}, whose process is gone, to run out at ${job.lease_until}; it resumes here then`
          : following
            ? `import ${importId} runs under ${job!.worker}: following it here (Ctrl-C stops following, not the import)`
            : '';
      if (say !== said && say !== '' && !o.json) process.stderr.write(`${say}\n`);
      said = say;
      progress(row);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    if (polling) clearInterval(polling);
    offInterrupt();
  }
  bar?.stop();
  const record = await kith.imports.get(importId);
  let failuresFile: string | null = null;
  let warningsFile: string | null = null;
  if (['completed', 'cancelled', 'failed'].includes(record.status)) {
    failuresFile = await kith.imports.failureFile(record.id);
    if (o.failures) {
      fs.copyFileSync(failuresFile, o.failures);
      failuresFile = path.resolve(o.failures);
    }
    if (!isOrders(kind)) {
      warningsFile = await kith.imports.warningFile(record.id);
      if (o.warnings) {
        fs.copyFileSync(warningsFile, o.warnings);
        warningsFile = path.resolve(o.warnings);
      }
    }
  }
  const { itemFailureFilePath } = await import('../orders/tmall-order-import.js');
  const itemFailures = itemFailureFilePath(kith.config, importId);
  const itemFailuresFile = kind === 'tmall_orders' && fs.existsSync(itemFailures) ? itemFailures : null;
  return { record, failuresFile, warningsFile, itemFailuresFile };
}

/** The outcome on stderr (or stdout as JSON); a non-zero exit code unless it completed. */
export function printImportOutcome(outcome: ImportOutcome, o: RunHereOptions): void {
  const { record, failuresFile, warningsFile, itemFailuresFile } = outcome;
  const items = (
    record.summary as {
      items?: { rows: number; attached: number; failed: number; of_failed_orders?: number };
    } | null
  )?.items;
  if (o.json)
    printJson({
      // Shaped like every other error the CLI prints with --json, so one check finds them all.
      ...(record.status === 'failed'
        ? { error: { code: 'import_failed', message: record.error ?? 'the import failed', details: null } }
        : {}),
      import_id: record.id,
      status: record.status,
      ...(isOrders(record.kind) ? { dry_run: record.dry_run } : {}),
      rows: record.rows,
      created: record.created,
      updated: record.updated,
      unchanged: record.unchanged,
      failed: record.failed,
      ...(isOrders(record.kind)
        ? { summary: record.summary, failures_file: failuresFile, item_failures_file: itemFailuresFile }
        : { warned: record.warned, failures_file: failuresFile, warnings_file: warningsFile }),
    });
  else {
    const what = isOrders(record.kind) ? 'orders' : 'rows';
    const warned = record.warned > 0 ? ` (${record.warned} imported with warnings)` : '';
    const itemCounts =
      items?.rows !== undefined
        ? `; ${items.rows} items, ${items.attached} attached, ${items.failed} failed${items.of_failed_orders ? `, ${items.of_failed_orders} of failed orders` : ''}`
        : '';
    process.stderr.write(
      `import ${record.id} ${record.status}${record.dry_run ? ' (dry run)' : ''}: ${record.rows} ${what}, ${record.created} created, ${record.updated} updated, ${record.unchanged} unchanged, ${record.failed} failed${warned}${itemCounts}\n`,
    );
    if (record.failed > 0 && failuresFile) process.stderr.write(`failure file: ${failuresFile}\n`);
    if (record.warned > 0 && warningsFile) process.stderr.write(`warnings file: ${warningsFile}\n`);
    if ((items?.failed ?? 0) > 0 && itemFailuresFile)
      process.stderr.write(`items failure file: ${itemFailuresFile}\n`);
  }
  if (record.status !== 'completed') {
    process.stderr.write(`error: the import ${record.status}${record.error ? `: ${record.error}` : ''}\n`);
    process.exitCode = 1;
  }
}
