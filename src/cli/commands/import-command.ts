import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
import { IMPORT_JOB_KIND, type ImportRecord } from '../../imports/import-service.js';
import type { KithServices } from '../../services.js';
import {
  checkInputFile,
  checkOutputFile,
  CLI_ACTOR,
  collect,
  onInterrupt,
  parsePairs,
  printFields,
  printJson,
  withKith,
} from '../cli-context.js';

interface ImportOptions {
  map: string[];
  mapping?: string;
  mappingName?: string;
  region?: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  headerRow?: string;
  tag: string[];
  group?: string;
  sourcePolicy?: string;
  onFileDuplicate?: string;
  createAttributes?: boolean;
  dryRun?: boolean;
  /** commander's --no-automation-rules: false when given. */
  automationRules: boolean;
  failures?: string;
  warnings?: string;
  json?: boolean;
}

function summary(record: ImportRecord, failuresFile: string | null, warningsFile: string | null) {
  return {
    // Shaped like every other error the CLI prints with --json, so one check finds them all.
    ...(record.status === 'failed'
      ? { error: { code: 'import_failed', message: record.error ?? 'the import failed', details: null } }
      : {}),
    import_id: record.id,
    status: record.status,
    rows: record.rows,
    created: record.created,
    updated: record.updated,
    unchanged: record.unchanged,
    failed: record.failed,
    warned: record.warned,
    failures_file: failuresFile,
    warnings_file: warningsFile,
  };
}

function readMappingFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KithError('usage', `--mapping ${file}: ${(e as Error).message}`, 2);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KithError('usage', `--mapping ${file}: expected a JSON object of "column": "target"`, 2);
  }
  return parsed as Record<string, string>;
}

export function registerImportCommands(program: Command): void {
  const importCommand = program.command('import').description('bring records in from files');
  /** The saved mapping's columns that this file has (a tool's export may leave some out). */
  async function savedMappingFor(kith: KithServices, file: string, o: ImportOptions) {
    const saved = await kith.savedMappings.getByName(o.mappingName!);
    const { header } = await kith.imports.preview({
      filePath: file,
      encoding: o.encoding,
      delimiter: o.delimiter,
      sheet: o.sheet,
      headerRow: o.headerRow === undefined ? undefined : headerRowOf(o.headerRow),
    });
    return Object.fromEntries(Object.entries(saved.mapping).filter(([column]) => header.includes(column)));
  }

  importCommand
    .command('contacts')
    .description(
      'import a customer list (CSV, XLSX, JSON, NDJSON or XML); runs the job here with a progress bar and waits',
    )
    .argument(
      '<file>',
      'CSV (any delimiter and common encoding), XLSX, JSON (an array of objects), NDJSON or XML',
    )
    .option(
      '--map <COLUMN=TARGET>',
      'map a column (target: a field, identity.<type>, attr.<key>, tags or ignore), repeatable',
      collect,
      [],
    )
    .option('--mapping <file.json>', 'a JSON object of column → target')
    .option(
      '--mapping-name <name>',
      'a mapping saved under this name (in the web wizard or the API); --mapping and --map override its columns',
    )
    .option('--region <CC>', 'default phone region for this file (default KITH_DEFAULT_REGION)')
    .option(
      '--encoding <name>',
      'utf-8, utf-16le, utf-16be, gbk, big5, shift_jis, euc-kr, latin1 (default: detected)',
    )
    .option('--delimiter <d>', ', ; tab or | (default: detected)')
    .option('--sheet <name>', 'XLSX sheet (default: the first)')
    .option('--header-row <n>', 'the row the column names are on, when a title row comes first (default: 1)')
    .option('--tag <tag>', 'add this tag to every imported contact, repeatable', collect, [])
    .option('--group <name>', 'put every imported contact in this static group (created if missing)')
    .option(
      '--source-policy <policy>',
      'new-only (default) or all: may source fields change existing contacts',
    )
    .option(
      '--on-file-duplicate <policy>',
      'reject (default: every row sharing a key fails) or last (the last one is kept)',
    )
    .option('--create-attributes', 'create attr.<key> targets that do not exist yet (as text)')
    .option('--dry-run', 'run everything, write nothing')
    .option(
      '--no-automation-rules',
      'do not run contact_created / contact_updated automation rules for these contacts (a migration)',
    )
    .option('--failures <out.csv>', 'write the failure file here')
    .option('--warnings <out.csv>', 'write the warnings file (rows imported with a value left out) here')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (file: string, o: ImportOptions) => {
      checkInputFile('', file);
      if (o.failures) checkOutputFile('--failures', o.failures);
      if (o.warnings) checkOutputFile('--warnings', o.warnings);
      const mapping = { ...(o.mapping ? readMappingFile(o.mapping) : {}), ...parsePairs('map', o.map) };
      const outcome = await withKith(async (kith) => {
        // A second import of a file whose first import has not ended would write the same rows twice.
        if (!o.dryRun) {
          const unfinished = await kith.imports.unfinishedImportOf(file, path.basename(file));
          if (unfinished)
            throw unfinishedImportError(
              file,
              unfinished,
              await kith.jobs.leaseOf(IMPORT_JOB_KIND, unfinished.id),
            );
        }
        const started = await kith.imports.start(
          {
            filePath: file,
            fileName: path.basename(file),
            mapping: o.mappingName ? { ...(await savedMappingFor(kith, file, o)), ...mapping } : mapping,
            region: o.region,
            encoding: o.encoding,
            delimiter: o.delimiter,
            sheet: o.sheet,
            headerRow: o.headerRow === undefined ? undefined : headerRowOf(o.headerRow),
            tags: o.tag,
            group: o.group ?? null,
            sourcePolicy: o.sourcePolicy,
            onFileDuplicate: o.onFileDuplicate,
            createAttributes: o.createAttributes ?? false,
            dryRun: o.dryRun ?? false,
            runAutomationRules: o.automationRules,
          },
          CLI_ACTOR,
        );
        for (const warning of started.warnings) process.stderr.write(`warning: ${warning}\n`);
        return runImportHere(kith, started.id, o);
      });
      printImportOutcome(outcome, o);
    });

  const imports = program.command('imports').description('import history');
  imports
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.imports.list());
      if (o.json) printJson(list);
      else
        for (const r of list)
          process.stdout.write(
            `${r.id}\t${r.created_at}\t${r.status}${r.dry_run ? ' (dry run)' : ''}\t${r.file_name}\t${r.rows} rows\t${r.created}/${r.updated}/${r.unchanged}/${r.failed}\n`,
          );
    });
  imports
    .command('show')
    .argument('<id>', 'import id (imp_…)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const { record, job } = await withKith(async (k) => ({
        record: await k.imports.get(id),
        job: await k.jobs.leaseOf(IMPORT_JOB_KIND, id),
      }));
      if (o.json) printJson({ ...record, job });
      else {
        printFields(record);
        // After a crash an import still says running: say whether anything works on it, and until when.
        if (job && (job.state === 'queued' || job.state === 'running'))
          process.stdout.write(`worker: ${job.note}\n`);
      }
    });
  imports
    .command('undo')
    .description('delete the contacts an import created and restore the fields it changed')
    .argument('<id>', 'import id (imp_…)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const record = await withKith((k) => k.imports.undo(id, { ...CLI_ACTOR }));
      if (o.json) printJson(record.undo_report);
      else {
        const r = record.undo_report!;
        process.stderr.write(
          `undone: ${r.deleted} contacts deleted, ${r.restored} restored, ${r.kept_count} fields kept because they changed since, ${r.gone} already gone\n`,
        );
        for (const k of r.kept) process.stderr.write(`  kept ${k.contact_id} ${k.field}: ${k.reason}\n`);
      }
    });
  imports
    .command('failures')
    .description('write the failure file of an import')
    .argument('<id>', 'import id (imp_…)')
    .requiredOption('--out <file.csv>', 'where to write it')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { out: string; json?: boolean }) => {
      checkOutputFile('--out', o.out);
      const file = await withKith((k) => k.imports.failureFile(id));
      fs.copyFileSync(file, o.out);
      if (o.json) printJson({ import_id: id, failures_file: path.resolve(o.out) });
      else process.stderr.write(`written ${o.out}\n`);
    });
  imports
    .command('warnings')
    .description('write the warnings file of an import: rows imported with a value left out, and why')
    .argument('<id>', 'import id (imp_…)')
    .requiredOption('--out <file.csv>', 'where to write it')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { out: string; json?: boolean }) => {
      checkOutputFile('--out', o.out);
      const { file, warned } = await withKith(async (k) => ({
        file: await k.imports.warningFile(id),
        warned: (await k.imports.get(id)).warned,
      }));
      fs.copyFileSync(file, o.out);
      if (o.json) printJson({ import_id: id, warned, warnings_file: path.resolve(o.out) });
      else process.stderr.write(`written ${o.out} (${warned} rows with warnings)\n`);
    });
  imports
    .command('resume')
    .description(
      'run an interrupted contact import here until it ends, from its last committed batch (follows it when a live server or worker runs it)',
    )
    .argument('<id>', 'import id (imp_…)')
    .option('--failures <out.csv>', 'write the failure file here')
    .option('--warnings <out.csv>', 'write the warnings file (rows imported with a value left out) here')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, o: RunHereOptions) => {
      if (o.failures) checkOutputFile('--failures', o.failures);
      if (o.warnings) checkOutputFile('--warnings', o.warnings);
      const outcome = await withKith(async (kith) => {
        const record = await kith.imports.get(id);
        if (record.kind !== 'contacts')
          throw new KithError(
            'not_resumable',
            `import ${id} is an import of ${record.kind}: \`kith worker --once\` resumes it`,
            409,
            { kind: record.kind },
          );
        if (!['queued', 'running'].includes(record.status))
          throw new KithError(
            'not_resumable',
            `import ${id} is ${record.status}: only a queued or interrupted import can be resumed`,
            409,
            { status: record.status },
          );
        return runImportHere(kith, id, o);
      });
      printImportOutcome(outcome, o);
    });
  imports
    .command('cancel')
    .description('cancel a queued or running import (a queued one at once)')
    .argument('<id>', 'import id (imp_…)')
    .option('--json', 'print the import (its status: cancelled, or still running until it stops)')
    .action(async (id: string, o: { json?: boolean }) => {
      const record = await withKith((k) => k.imports.cancel(id));
      if (o.json) printJson(record);
      process.stderr.write(
        `import ${id}: ${record.status === 'cancelled' ? 'cancelled' : 'cancel requested'}\n`,
      );
    });
}

type JobLease = Awaited<ReturnType<KithServices['jobs']['leaseOf']>>;

interface RunHereOptions {
  failures?: string;
  warnings?: string;
  json?: boolean;
}

interface ImportOutcome {
  record: ImportRecord;
  failuresFile: string | null;
  warningsFile: string | null;
}

/**
 * Refuses a second import of a file whose first import has not ended, naming that import and what to
 * do with it: resume it (an interrupted one continues after its last committed batch) or cancel it.
 */
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
async function runImportHere(
  kith: KithServices,
  importId: string,
  o: RunHereOptions,
): Promise<ImportOutcome> {
  const bar =
    process.stderr.isTTY && !o.json
      ? new cliProgress.SingleBar(
          {
            format:
              'importing [{bar}] {value}/{total} rows | {created} created {updated} updated {unchanged} unchanged {failed} failed',
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let barStarted = false;
  const progress = (
    row: Pick<ImportRecord, 'total_rows' | 'rows' | 'created' | 'updated' | 'unchanged' | 'failed'>,
  ) => {
    if (!bar) return;
    if (!barStarted) {
      bar.start(row.total_rows ?? 0, 0, { created: 0, updated: 0, unchanged: 0, failed: 0 });
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
      [IMPORT_JOB_KIND]: (ctx) => kith.importPipeline.run(ctx.job.subject_id, ctx, progress),
    },
  });
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
      const job = await kith.jobs.leaseOf(IMPORT_JOB_KIND, importId);
      following = job?.worker_status === 'working';
      const say =
        job?.worker_status === 'worker_gone'
          ? `import ${importId}: waiting for the lease of ${job.worker}, whose process is gone, to run out at ${job.lease_until}; it resumes here then`
          : following
            ? `import ${importId} runs under ${job!.worker}: following it here (Ctrl-C stops following, not the import)`
            : '';
      if (say !== said && say !== '' && !o.json) process.stderr.write(`${say}\n`);
      said = say;
      if (row.total_rows !== null) progress(row);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
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
    warningsFile = await kith.imports.warningFile(record.id);
    if (o.warnings) {
      fs.copyFileSync(warningsFile, o.warnings);
      warningsFile = path.resolve(o.warnings);
    }
  }
  return { record, failuresFile, warningsFile };
}

function printImportOutcome({ record, failuresFile, warningsFile }: ImportOutcome, o: RunHereOptions): void {
  if (o.json) printJson(summary(record, failuresFile, warningsFile));
  else {
    process.stderr.write(
      `import ${record.id} ${record.status}${record.dry_run ? ' (dry run)' : ''}: ${record.rows} rows, ${record.created} created, ${record.updated} updated, ${record.unchanged} unchanged, ${record.failed} failed${record.warned > 0 ? ` (${record.warned} imported with warnings)` : ''}\n`,
    );
    if (record.failed > 0 && failuresFile) process.stderr.write(`failure file: ${failuresFile}\n`);
    if (record.warned > 0 && warningsFile) process.stderr.write(`warnings file: ${warningsFile}\n`);
  }
  if (record.status !== 'completed') {
    process.stderr.write(`error: the import ${record.status}${record.error ? `: ${record.error}` : ''}\n`);
    process.exitCode = 1;
  }
}

/** `--header-row`: a whole number from 1; anything else is a usage error naming the value. */
function headerRowOf(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new KithError(
      'usage',
      `--header-row: must be a whole number from 1 to 1000 (got ${JSON.stringify(raw)})`,
      2,
    );
  return n;
}
