import { ORDER_STATUSES } from '../../orders/tmall/tmall-status.js';
import path from 'node:path';
import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
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
import {
  headerRowOf,
  printImportOutcome,
  readMappingFile,
  refuseUnfinishedImport,
  runImportHere,
} from '../import-run-here.js';

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
      const headerRow = o.headerRow === undefined ? undefined : headerRowOf(o.headerRow);
      const mapping = { ...(o.mapping ? readMappingFile(o.mapping) : {}), ...parsePairs('map', o.map) };
      const [ordersFile, itemsFile] = files as [string, string | undefined];
      const outcome = await withKith(async (kith) => {
        // A second import of files whose first import has not ended would do its work again beside it.
        if (!o.dryRun)
          await refuseUnfinishedImport(kith, o.tmall ? 'tmall_orders' : 'orders', ordersFile, itemsFile);
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
        return runImportHere(kith, id, o);
      });
      printImportOutcome(outcome, o);
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
            total: o.cursor === undefined,
          }),
        );
        if (o.json) printJson(page);
        else {
          for (const r of page.data)
            process.stdout.write(
              `${r.id}\t${r.source}\t${r.order_number}\t${r.status}\t${r.paid_amount ?? r.total_amount ?? ''} ${r.currency}\t${r.ordered_at ?? ''}\t${r.contact_id}\n`,
            );
          if (page.total !== null)
            process.stderr.write(
              page.total_is_lower_bound
                ? `more than ${page.total.toLocaleString('en')} orders match\n`
                : `${page.total.toLocaleString('en')} ${page.total === 1 ? 'order matches' : 'orders match'}\n`,
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
