import fs from 'node:fs';
import { ORDER_STATUSES } from '../../orders/tmall/tmall-status.js';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
import { itemFailureFilePath, TMALL_IMPORT_JOB_KIND } from '../../orders/tmall-order-import.js';
import { ORDER_IMPORT_JOB_KIND } from '../../orders/generic-order-import.js';
import {
  checkInputFile,
  checkOutputFile,
  CLI_ACTOR,
  collect,
  numberOption,
  parsePairs,
  printFields,
  printJson,
  withKith,
} from '../cli-context.js';

interface OrderImportOptions {
  tmall?: boolean;
  mapping?: string;
  map: string[];
  source?: string;
  currency?: string;
  utcOffset?: string;
  delimiter?: string;
  sheet?: string;
  headerRow?: string;
  encoding?: string;
  region?: string;
  tag: string[];
  group?: string;
  dryRun?: boolean;
  automationRules: boolean;
  failures?: string;
  json?: boolean;
}

function readMappingFile(file: string): Record<string, string> {
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

/**
 * `kith import orders --tmall ORDERS ITEMS`, `kith import orders [--mapping FILE] ORDERS` (any shop's
 * order file) and `kith orders list|get`.
 */
export function registerOrderCommands(program: Command): void {
  const importCommand = program.commands.find((c) => c.name() === 'import');
  if (!importCommand) throw new Error('register the import commands first');
  importCommand
    .command('orders')
    .description(
      "import shop orders — a Tmall order report and its items report (--tmall), or any shop's order file (CSV/XLSX) through a mapping; runs here and waits",
    )
    .argument(
      '<files...>',
      'with --tmall: the order report (订单报表) then the items report (宝贝报表); else one order file',
    )
    .option('--tmall', 'the files are a Tmall order report and items report as exported')
    .option(
      '--mapping <file.json>',
      'an order file: JSON object of column → target (order_number, status, paid_amount, ordered_at, customer.phone, customer.email, customer.id, identity.<type>, item.title, items, extra, ignore …); columns it leaves out take the suggested target',
    )
    .option('--map <COLUMN=TARGET>', 'map one column of an order file, repeatable', collect, [])
    .option('--source <name>', "an order file: the orders' source (default csv), e.g. shopify")
    .option('--currency <code>', 'an order file: currency of orders that name none (default CNY)')
    .option('--utc-offset <offset>', 'an order file: offset of times written without one (default +08:00)')
    .option('--delimiter <d>', ', ; tab or | (default: detected)')
    .option('--sheet <name>', 'XLSX sheet (default: the first)')
    .option('--header-row <n>', 'the row the column names are on (default: 1)')
    .option('--encoding <name>', 'gbk, utf-8 … (default: detected)')
    .option('--region <CC>', 'default phone region (default KITH_DEFAULT_REGION)')
    .option('--tag <tag>', 'add this tag to every buyer, repeatable', collect, [])
    .option('--group <name>', 'put every buyer in this static group (created if missing)')
    .option('--dry-run', 'run everything, write nothing')
    .option('--no-automation-rules', 'do not run contact_created / contact_updated rules for the buyers')
    .option('--failures <out.csv>', 'write the orders failure file here')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (files: string[], o: OrderImportOptions) => {
      if (o.tmall && files.length !== 2)
        throw new KithError('usage', 'give two files: the Tmall order report, then its items report', 2);
      if (!o.tmall && files.length !== 1)
        throw new KithError(
          'usage',
          'give one order file (with --mapping), or --tmall with the order report and its items report',
          2,
        );
      for (const file of files) checkInputFile('', file);
      if (o.failures) checkOutputFile('--failures', o.failures);
      let headerRow: number | undefined;
      if (o.headerRow !== undefined) {
        headerRow = Number(o.headerRow);
        if (!Number.isInteger(headerRow) || headerRow < 1 || headerRow > 1000)
          throw new KithError(
            'usage',
            `--header-row: must be a whole number from 1 to 1000 (got ${JSON.stringify(o.headerRow)})`,
            2,
          );
      }
      const mapping = { ...(o.mapping ? readMappingFile(o.mapping) : {}), ...parsePairs('map', o.map) };
      const [ordersFile, itemsFile] = files as [string, string | undefined];
      const outcome = await withKith(async (kith) => {
        const id = o.tmall
          ? await kith.orders.startTmallImport(
              {
                ordersPath: ordersFile,
                ordersFileName: path.basename(ordersFile),
                itemsPath: itemsFile!,
                itemsFileName: path.basename(itemsFile!),
                encoding: o.encoding,
                region: o.region,
                tags: o.tag,
                group: o.group ?? null,
                dryRun: o.dryRun ?? false,
                runAutomationRules: o.automationRules,
              },
              CLI_ACTOR,
            )
          : await kith.orders.startOrderFileImport(
              {
                filePath: ordersFile,
                fileName: path.basename(ordersFile),
                mapping,
                source: o.source,
                currency: o.currency,
                utcOffset: o.utcOffset,
                encoding: o.encoding,
                delimiter: o.delimiter,
                sheet: o.sheet,
                headerRow,
                region: o.region,
                tags: o.tag,
                group: o.group ?? null,
                dryRun: o.dryRun ?? false,
                runAutomationRules: o.automationRules,
              },
              CLI_ACTOR,
            );
        const started = await kith.imports.get(id);
        for (const warning of started.warnings) process.stderr.write(`warning: ${warning}\n`);
        const bar =
          process.stderr.isTTY && !o.json
            ? new cliProgress.SingleBar(
                { format: 'importing orders [{bar}] {value}/{total}', stream: process.stderr },
                cliProgress.Presets.shades_classic,
              )
            : null;
        const runner = kith.jobs.runner({
          handlers: {
            [TMALL_IMPORT_JOB_KIND]: (ctx) => kith.tmallImportPipeline.run(ctx.job.subject_id, ctx),
            [ORDER_IMPORT_JOB_KIND]: (ctx) => kith.orderImportPipeline.run(ctx.job.subject_id, ctx),
          },
        });
        const ran = runner.runOnce({ subjectId: id });
        let barStarted = false;
        const timer = setInterval(() => {
          void kith.imports.get(id).then((r) => {
            if (!bar || r.total_rows === null) return;
            if (!barStarted) bar.start(r.total_rows, 0);
            barStarted = true;
            bar.update(r.rows);
          });
        }, 500);
        try {
          if (!(await ran))
            for (;;) {
              const row = await kith.imports.get(id);
              if (!['queued', 'running'].includes(row.status)) break;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
        } finally {
          clearInterval(timer);
          bar?.stop();
        }
        const record = await kith.imports.get(id);
        let failuresFile: string | null = null;
        const itemFailures = itemFailureFilePath(kith.config, id);
        const itemFailuresFile = fs.existsSync(itemFailures) ? itemFailures : null;
        if (['completed', 'cancelled', 'failed'].includes(record.status)) {
          failuresFile = await kith.imports.failureFile(id);
          if (o.failures) {
            fs.copyFileSync(failuresFile, o.failures);
            failuresFile = path.resolve(o.failures);
          }
        }
        return { record, failuresFile, itemFailuresFile };
      });
      const { record, failuresFile, itemFailuresFile } = outcome;
      const summary = record.summary as { items?: { rows: number; attached: number; failed: number } } | null;
      if (o.json)
        printJson({
          ...(record.status === 'failed'
            ? {
                error: { code: 'import_failed', message: record.error ?? 'the import failed', details: null },
              }
            : {}),
          import_id: record.id,
          status: record.status,
          dry_run: record.dry_run,
          rows: record.rows,
          created: record.created,
          updated: record.updated,
          unchanged: record.unchanged,
          failed: record.failed,
          summary: record.summary,
          failures_file: failuresFile,
          item_failures_file: itemFailuresFile,
        });
      else {
        process.stderr.write(
          `import ${record.id} ${record.status}${record.dry_run ? ' (dry run)' : ''}: ${record.rows} orders, ${record.created} created, ${record.updated} updated, ${record.unchanged} unchanged, ${record.failed} failed${summary?.items?.rows !== undefined ? `; ${summary.items.rows} items, ${summary.items.attached} attached, ${summary.items.failed} failed` : ''}\n`,
        );
        if (record.failed > 0 && failuresFile) process.stderr.write(`failure file: ${failuresFile}\n`);
        if ((summary?.items?.failed ?? 0) > 0 && itemFailuresFile)
          process.stderr.write(`items failure file: ${itemFailuresFile}\n`);
      }
      if (record.status !== 'completed') {
        process.stderr.write(
          `error: the import ${record.status}${record.error ? `: ${record.error}` : ''}\n`,
        );
        process.exitCode = 1;
      }
    });

  const orders = program.command('orders').description('shop orders');
  orders
    .command('list')
    .option('--contact <id>', "a customer's orders")
    .option('--status <s>', `${ORDER_STATUSES.join(', ')} (repeatable)`, collect, [])
    .option('--source <s>', 'tmall …')
    .option('--since <date>', 'ordered on or after')
    .option('--before <date>', 'ordered before')
    .option('--min-amount <n>', 'paid at least')
    .option('--max-amount <n>', 'paid at most')
    .option('--limit <n>', '1-500 (default 50)', numberOption('--limit', { min: 1, max: 500 }))
    .option('--cursor <c>', "the previous page's next_cursor")
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        contact?: string;
        status: string[];
        source?: string;
        since?: string;
        before?: string;
        minAmount?: string;
        maxAmount?: string;
        limit?: number;
        cursor?: string;
        json?: boolean;
      }) => {
        const page = await withKith((k) =>
          k.orders.list({
            contact_id: o.contact,
            status: o.status,
            source: o.source,
            since: o.since,
            before: o.before,
            min_amount: o.minAmount,
            max_amount: o.maxAmount,
            limit: o.limit,
            cursor: o.cursor,
          }),
        );
        if (o.json) printJson(page);
        else {
          for (const r of page.data)
            process.stdout.write(
              `${r.id}\t${r.source}\t${r.order_number}\t${r.status}\t${r.paid_amount ?? r.total_amount ?? ''} ${r.currency}\t${r.ordered_at ?? ''}\t${r.contact_id}\n`,
            );
          if (page.next_cursor) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
        }
      },
    );
  orders
    .command('get')
    .argument('<id>', 'order id (ord_…)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const order = await withKith((k) => k.orders.get(id));
      if (o.json) printJson(order);
      else {
        const { items, extra, ...fields } = order;
        printFields(fields);
        for (const item of items)
          process.stdout.write(
            `item: ${item.quantity ?? '?'} × ${item.title ?? ''} @ ${item.unit_price ?? ''}\n`,
          );
        if (Object.keys(extra).length > 0) process.stdout.write(`extra: ${JSON.stringify(extra)}\n`);
      }
    });
}
