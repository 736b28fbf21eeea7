import fs from 'node:fs';
import { ValidationError } from '../../domain/errors.js';
import type { Command } from 'commander';
import { EXPORT_FORMATS } from '../../exports/contact-export-service.js';
import { checkOutputFile, collect, onInterrupt, parsePairs, printJson, withKith } from '../cli-context.js';

interface ExportOptions {
  format: string;
  out: string;
  columns?: string;
  q?: string;
  tag?: string;
  group?: string;
  import?: string;
  initialSource?: string;
  attr: string[];
  ids?: string;
  createdSince?: string;
  createdBefore?: string;
  updatedSince?: string;
  updatedBefore?: string;
  json?: boolean;
}

export function registerExportCommand(program: Command): void {
  const exports = program.command('export').description('write customer records to a file');
  exports
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
    .option('--q <text>', 'search, as the customers list reads it')
    .option('--tag <tag>', 'contacts with this tag')
    .option('--group <id|name>', 'members of this group (its id, grp_…, or its name)')
    .option('--import <id>', 'contacts this import created, updated or matched')
    .option('--initial-source <source>', 'exact initial source')
    .option('--attr <KEY=VALUE>', 'custom attribute equals value, repeatable', collect, [])
    .option('--ids <ids>', 'comma-separated contact ids')
    .option('--created-since <date>', 'created at or after (ISO 8601)')
    .option('--created-before <date>', 'created before (ISO 8601)')
    .option('--updated-since <date>', 'updated at or after (ISO 8601)')
    .option('--updated-before <date>', 'updated before (ISO 8601)')
    .option('--json', 'print {"file", "format", "rows"} on stdout')
    .action(async (o: ExportOptions) => {
      const out = checkOutputFile('--out', o.out);
      const rows = await withKith(async (kith) => {
        // A group that does not exist would select nobody: refused, like an attribute that does not.
        let group = o.group;
        if (group !== undefined) {
          const wanted = group;
          const found = (await kith.groups.list()).find((g) => g.id === wanted || g.name === wanted);
          if (!found) throw new ValidationError('--group', wanted, 'is not the id or name of a group');
          group = found.id;
        }
        const prepared = await kith.exports.prepare({
          format: o.format,
          columns: o.columns,
          query: {
            q: o.q,
            tag: o.tag,
            group,
            import: o.import,
            initial_source: o.initialSource,
            attributes: parsePairs('attr', o.attr),
            ids: o.ids,
            created_since: o.createdSince,
            created_before: o.createdBefore,
            updated_since: o.updatedSince,
            updated_before: o.updatedBefore,
          },
        });
        // Written beside the target and renamed when complete: a failed or interrupted export leaves no
        // half file (it holds customers' data, and nothing would clean it up).
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
}
