import type { Command } from 'commander';
import type { ChangeFeedEntry } from '../../sync/change-feed.js';
import { numberOption, withKith } from '../cli-context.js';

interface ChangesOptions {
  after?: string;
  limit: number;
  follow?: boolean;
  json?: boolean;
  contact: boolean;
}

const line = (e: ChangeFeedEntry) =>
  [e.cursor, e.at, e.contact_id, e.kind, e.origin, e.changed_fields.join(','), e.survivor_id ?? ''].join(
    '\t',
  );

export function registerChangesCommand(program: Command): void {
  program
    .command('changes')
    .description(
      'print contact changes in commit order after a cursor (cursor, time, contact, kind, origin, fields); the next cursor goes to stderr',
    )
    .option('--after <cursor>', 'cursor of the last change already seen (default: from the start)')
    .option(
      '--limit <n>',
      'entries per read (1-10000)',
      numberOption('--limit', { min: 1, max: 10000 }),
      1000,
    )
    .option('--follow', 'keep reading: wait for new changes until interrupted')
    .option('--json', 'one JSON entry per line (with the contact after the change)')
    .option(
      '--no-contact',
      'with --json: leave out the contact after the change (ids, kinds and hashes only)',
    )
    .action(async (o: ChangesOptions) => {
      const limit = o.limit;
      await withKith(async (kith) => {
        let cursor = o.after;
        for (;;) {
          // The tab-separated lines name no contact state: it is read only for --json.
          const page = await kith.changes.read(cursor, limit, o.json && o.contact ? 'contact' : 'none');
          for (const e of page.data) process.stdout.write(`${o.json ? JSON.stringify(e) : line(e)}\n`);
          cursor = page.next_cursor;
          if (page.has_more) continue;
          if (!o.follow) break;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        process.stderr.write(`next cursor: ${cursor}\n`);
      });
    });
}
