import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import {
  checkInputFile,
  checkOutputFile,
  CLI_ACTOR,
  collect,
  parsePairs,
  printFields,
  printJson,
  withKith,
} from '../cli-context.js';
import {
  headerRowOf,
  importJobKindOf,
  printImportOutcome,
  readMappingFile,
  refuseUnfinishedImport,
  type RunHereOptions,
  runImportHere,
} from '../import-run-here.js';

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
  initialSource?: string;
  initialSourceDetail?: string;
  campaign?: string;
  onFileDuplicate?: string;
  createAttributes?: boolean;
  dryRun?: boolean;
  /** commander's --no-automation-rules: false when given. */
  automationRules: boolean;
  failures?: string;
  warnings?: string;
  json?: boolean;
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
    .option(
      '--region <CC>',
      "default phone region for this file (default KITH_DEFAULT_REGION); a row's country column, when it names a country, wins",
    )
    .option(
      '--encoding <name>',
      'utf-8, utf-16le, utf-16be, gbk, big5, shift_jis, euc-kr, latin1 (default: detected)',
    )
    .option('--delimiter <d>', ', ; tab or | (default: detected)')
    .option('--sheet <name>', 'XLSX sheet (default: the first)')
    .option('--header-row <n>', 'the row the column names are on (default: found below a title row, else 1)')
    .option('--tag <tag>', 'add this tag to every imported contact, repeatable', collect, [])
    .option('--group <name>', 'put every imported contact in this static group (created if missing)')
    .option(
      '--source-policy <policy>',
      'new-only (default) or all: may source fields change existing contacts',
    )
    .option(
      '--initial-source <text>',
      'initial source for the whole file (e.g. "Trade fair Shanghai 2026"), set under --source-policy; a row\'s own column wins',
    )
    .option('--initial-source-detail <text>', 'initial source detail for the whole file, as --initial-source')
    .option('--campaign <text>', 'campaign for the whole file, as --initial-source')
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
        if (!o.dryRun) await refuseUnfinishedImport(kith, 'contacts', file);
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
            initialSource: o.initialSource,
            initialSourceDetail: o.initialSourceDetail,
            campaign: o.campaign,
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
      const { record, job } = await withKith(async (k) => {
        const found = await k.imports.get(id);
        return { record: found, job: await k.jobs.leaseOf(await importJobKindOf(found.kind), id) };
      });
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
      'run an interrupted import (of contacts or orders) here until it ends, from its last committed batch (follows it when a live server or worker runs it)',
    )
    .argument('<id>', 'import id (imp_…)')
    .option('--failures <out.csv>', 'write the failure file here')
    .option(
      '--warnings <out.csv>',
      'write the warnings file (rows imported with a value left out; contacts) here',
    )
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, o: RunHereOptions) => {
      if (o.failures) checkOutputFile('--failures', o.failures);
      if (o.warnings) checkOutputFile('--warnings', o.warnings);
      const outcome = await withKith(async (kith) => {
        const record = await kith.imports.get(id);
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
    .command('import-for-real')
    .description(
      'import a completed dry run for real, here: its kept file, mapping and settings, as a new import that writes',
    )
    .argument('<id>', 'the dry run (imp_…)')
    .option('--failures <out.csv>', 'write the failure file here')
    .option('--warnings <out.csv>', 'write the warnings file (rows imported with a value left out) here')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, o: RunHereOptions) => {
      if (o.failures) checkOutputFile('--failures', o.failures);
      if (o.warnings) checkOutputFile('--warnings', o.warnings);
      const outcome = await withKith(async (kith) => {
        const started = await kith.imports.importDryRunForReal(id, { ...CLI_ACTOR });
        process.stderr.write(`dry run ${id} imported for real as ${started.id}\n`);
        return runImportHere(kith, started.id, o);
      });
      printImportOutcome(outcome, o);
    });
  imports
    .command('delete-files')
    .description(
      "delete an ended import's files now (original, failure and warnings files); its history, counts and undo stay",
    )
    .argument('<id>', 'import id (imp_…)')
    .option('--json', 'print the import (files_state deleted, files_deleted_at)')
    .action(async (id: string, o: { json?: boolean }) => {
      const record = await withKith((k) => k.imports.deleteFiles(id, { ...CLI_ACTOR }));
      if (o.json) printJson(record);
      else
        process.stderr.write(
          record.files_state === 'expired'
            ? `import ${id}: its files had already been deleted by the clean-up on ${record.files_deleted_at}\n`
            : `import ${id}: files deleted (${record.files_deleted_at}); its history, counts and undo remain\n`,
        );
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
