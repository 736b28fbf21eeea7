import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ExportViewer } from '../../exports/export-job-service.js';
import { CLI_ACTOR, checkOutputFile, onInterrupt, printJson, withKith } from '../cli-context.js';
import { EXPORT_FORMATS } from '../help-lists.js';

/** Whoever runs `kith` on the server's machine reads every export's file anyway: an administrator. */
const CLI_VIEWER: ExportViewer = { id: '', role: 'admin' };
import {
  addContactFilterOptions,
  contactFilterOf,
  type ContactFilterOptions,
} from '../contact-filter-options.js';

interface ExportOptions extends ContactFilterOptions {
  format: string;
  out: string;
  columns?: string;
  columnNames?: string;
  timeZone?: string;
  ids?: string;
  json?: boolean;
}

export function registerExportCommand(program: Command): void {
  const exports = program.command('export').description('write customer records to a file');
  const command = exports
    .command('contacts')
    .description(
      'export the contacts a list filter selects (all when none) in created order; the file appears only once complete',
    )
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
    .requiredOption('--out <file>', 'file to write')
    .option(
      '--columns <list>',
      'comma-separated columns in order (name,email,identity.*,attr.*); default all',
    )
    .option(
      '--column-names <naming>',
      "csv, xlsx: the header's names: keys (default; field keys, as the import and API name them), en or zh (the web app's field names); Kith's import reads any of them back",
    )
    .option(
      '--time-zone <zone>',
      'with --column-names en|zh: the IANA zone (Asia/Shanghai) created, updated and purchase times are written in; default UTC',
    )
    .option('--ids <ids>', 'comma-separated contact ids');
  addContactFilterOptions(command)
    .option('--json', 'print {"file", "format", "rows"} on stdout')
    .action(async (o: ExportOptions) => {
      const out = checkOutputFile('--out', o.out);
      const rows = await withKith(async (kith) => {
        const query = { ...(await contactFilterOf(kith, o)), ids: o.ids };
        const prepared = await kith.exports.prepare({
          format: o.format,
          columns: o.columns,
          column_names: o.columnNames,
          time_zone: o.timeZone,
          query,
        });
        await kith.exportJobs.recordStreamed(
          'contacts',
          { format: o.format, columns: o.columns, filters: query },
          CLI_ACTOR,
        );
        // Written beside the target and renamed when complete: a failed or interrupted export leaves no
        // half file (it holds customers' data, and nothing would clean it up).
        removeStalePartials(out);
        const partial = `${out}.${process.pid}.partial`;
        const offInterrupt = onInterrupt(() => {
          fs.rmSync(partial, { force: true });
          process.stderr.write(`\nexport interrupted: nothing written to ${out}\n`);
        });
        let shown = 0;
        const progress = (n: number) => {
          if (!process.stderr.isTTY || o.json || Date.now() - shown < 250) return;
          shown = Date.now();
          process.stderr.write(`\rexporting: ${n.toLocaleString('en')} contacts`);
        };
        try {
          const n = await prepared.writeTo(fs.createWriteStream(partial, { mode: 0o600 }), progress);
          fs.renameSync(partial, out);
          if (process.stderr.isTTY && !o.json) process.stderr.write('\n');
          return n;
        } catch (e) {
          fs.rmSync(partial, { force: true });
          throw e;
        } finally {
          offInterrupt();
        }
      });
      if (o.json) printJson({ file: out, format: o.format, rows });
      else process.stderr.write(`exported ${rows} contacts to ${out}\n`);
    });
  exports
    .command('delete')
    .description(
      "delete a background export's file before it expires (a queued or running one is stopped); it stays listed as deleted",
    )
    .argument('<id>', 'export id (exp_…), as GET /api/exports and the Exports page show it')
    .option('--json', 'print the export, now deleted, on stdout')
    .action(async (id: string, o: { json?: boolean }) => {
      const deleted = await withKith((kith) => kith.exportJobs.delete(id, CLI_VIEWER, CLI_ACTOR));
      if (o.json) printJson(deleted);
      else process.stderr.write(`deleted export ${id} (${deleted.file_name})\n`);
    });
}

/**
 * Half files an earlier `kith export` to the same file left when it was killed outright (SIGKILL, the
 * machine stopping): they hold customers' data and nothing else would ever remove them. One whose
 * process still runs is another export under way, and is left alone.
 */
function removeStalePartials(out: string): void {
  const base = path.basename(out);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(out));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || !name.endsWith('.partial')) continue;
    const pid = Number(name.slice(base.length + 1, -'.partial'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    fs.rmSync(path.join(path.dirname(out), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
