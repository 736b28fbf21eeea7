import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import type { SyncCounts, SyncRun } from '../../sync/carddav/sync-connection-service.js';
import { asOptionError, CLI_ACTOR, numberOption, printJson, withKith } from '../cli-context.js';
import { CONFLICT_POLICIES, SYNC_DIRECTIONS } from '../help-lists.js';

/** The options of `sync connections add|update` by the fields the service names. */
const CONNECTION_OPTIONS: Record<string, string> = {
  url: '--url',
  username: '--user',
  password: '--password',
  collection: '--collection',
  direction: '--direction',
  conflict_policy: '--conflicts',
};

function countsLine(c: SyncCounts): string {
  return (
    `pulled +${c.pulled_created} ~${c.pulled_updated} -${c.pulled_deleted}, ` +
    `pushed +${c.pushed_created} ~${c.pushed_updated} -${c.pushed_deleted}, ` +
    `conflicts ${c.conflicts}, failed ${c.failed}, echoes skipped ${c.echoes_skipped}, requests ${c.requests}`
  );
}

/** Runs one connection here (or follows the process that already runs it) until the run ends. */
async function runHere(kith: KithServices, connectionId: string, follow: boolean): Promise<SyncRun> {
  const { SYNC_JOB_KIND } = await import('../../sync/carddav/sync-connection-service.js');
  const { run } = await kith.sync.startRun(connectionId, CLI_ACTOR);
  let shown = '';
  const show = async () => {
    const now = await kith.sync.getRun(run.id);
    const line = `${now.id} ${now.state}${now.phase ? ` (${now.phase})` : ''}: ${countsLine(now.counts)}`;
    if (follow && line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    return now;
  };
  const timer = follow ? setInterval(() => void show().catch(() => undefined), 1000) : null;
  try {
    const runner = kith.jobs.runner({ handlers: { [SYNC_JOB_KIND]: kith.jobHandlers[SYNC_JOB_KIND]! } });
    if (!(await runner.runOnce({ subjectId: run.id }))) {
      // Another process (kith serve, kith worker, another kith sync run) holds the run: follow it.
      for (;;) {
        const now = await kith.sync.getRun(run.id);
        if (!['queued', 'running'].includes(now.state)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  return show();
}

/** `kith sync`: two-way sync connections (CardDAV address books), runs, status and conflicts. */
export function registerSyncCommands(program: Command): void {
  const sync = program
    .command('sync')
    .description('two-way sync with CardDAV address books: connections, run, status, conflicts');
  const connections = sync.command('connections').description('sync connections: add, list, update, remove');
  connections
    .command('add')
    .description(
      'add an address book to keep in step with Kith (needs KITH_SECRET_KEY to store the password)',
    )
    .argument('<kind>', 'carddav')
    .requiredOption('--url <url>', "the server's URL, or the address book's")
    .requiredOption('--user <name>', 'user name on the server')
    .requiredOption('--password <password>', 'password (stored encrypted, never shown)')
    .option('--collection <path>', "the address book's path on the server, when --url is the server's")
    .option('--direction <d>', `${SYNC_DIRECTIONS.join(', ')} (default both)`)
    .option('--conflicts <policy>', `${CONFLICT_POLICIES.join(', ')} (default newest)`)
    .option('--json', 'machine-readable output')
    .action(
      async (
        kind: string,
        o: {
          url: string;
          user: string;
          password: string;
          collection?: string;
          direction?: string;
          conflicts?: string;
          json?: boolean;
        },
      ) => {
        if (kind !== 'carddav')
          throw new KithError(
            'usage',
            `kind ${JSON.stringify(kind)}: the one kind of connection is carddav`,
            2,
          );
        const created = await withKith((k) =>
          k.sync.create(
            {
              kind,
              url: o.url,
              username: o.user,
              password: o.password,
              collection: o.collection,
              direction: o.direction,
              conflict_policy: o.conflicts,
            },
            CLI_ACTOR,
          ),
        ).catch((e: unknown) => {
          throw asOptionError(e, CONNECTION_OPTIONS);
        });
        if (o.json) return printJson(created);
        process.stdout.write(`${created.id}\n`);
        process.stderr.write(
          `added ${created.collection_url} (${created.direction}, conflicts: ${created.conflict_policy}); run it with: kith sync run ${created.id}\n`,
        );
      },
    );
  connections
    .command('list')
    .description('connections with their last run')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.sync.list());
      if (o.json) return printJson(list);
      for (const c of list)
        process.stdout.write(
          `${c.id}\t${c.collection_url}\t${c.username}\t${c.direction}\t${c.conflict_policy}\t${c.cards} cards\t${c.last_run ? `${c.last_run.state} ${c.last_run.finished_at ?? ''}` : 'never run'}\n`,
        );
    });
  connections
    .command('update')
    .description(
      'change a connection (only the options given); a new --url or --collection resets its sync state, so the next run is a first run',
    )
    .argument('<id>', 'connection id')
    .option('--url <url>', "the server's URL, or the address book's")
    .option('--user <name>', 'user name on the server')
    .option('--password <password>', 'a new password (stored encrypted); left out: the stored one stays')
    .option('--collection <path>', "the address book's path on the server")
    .option('--direction <d>', SYNC_DIRECTIONS.join(', '))
    .option('--conflicts <policy>', CONFLICT_POLICIES.join(', '))
    .option('--pause', 'pause it: no run starts until --resume')
    .option('--resume', 'let runs start again')
    .option('--json', 'machine-readable output')
    .action(
      async (
        id: string,
        o: {
          url?: string;
          user?: string;
          password?: string;
          collection?: string;
          direction?: string;
          conflicts?: string;
          pause?: boolean;
          resume?: boolean;
          json?: boolean;
        },
      ) => {
        if (o.pause && o.resume) throw new KithError('usage', '--pause and --resume: choose one', 2);
        const { before, updated } = await withKith(async (k) => ({
          before: await k.sync.get(id),
          updated: await k.sync.update(
            id,
            {
              url: o.url,
              username: o.user,
              password: o.password,
              collection: o.collection,
              direction: o.direction,
              conflict_policy: o.conflicts,
              paused: o.pause ? true : o.resume ? false : undefined,
            },
            CLI_ACTOR,
          ),
        })).catch((e: unknown) => {
          throw asOptionError(e, { ...CONNECTION_OPTIONS, paused: '--pause' });
        });
        if (o.json) return printJson(updated);
        process.stdout.write(`${updated.id}\n`);
        const reset = updated.collection_url !== before.collection_url;
        process.stderr.write(
          `updated ${updated.collection_url} (${updated.direction}, conflicts: ${updated.conflict_policy}${updated.paused ? ', paused' : ''})${reset ? '; another address book: its sync state was reset, the next run is a first run both ways' : ''}\n`,
        );
      },
    );
  connections
    .command('remove')
    .description('remove a connection and its state (cards and customers stay)')
    .argument('<id>', 'connection id')
    .action(async (id: string) => {
      await withKith((k) => k.sync.remove(id, CLI_ACTOR));
      process.stderr.write(`removed sync connection ${id}\n`);
    });
  sync
    .command('run')
    .description(
      'run a connection (all when no id is given) here until done; a run cut short resumes where it stopped',
    )
    .argument('[id]', 'connection id')
    .option('--follow', 'print the progress as it goes (on stderr)')
    .option('--queue', 'only queue the run for kith serve / kith worker and print it')
    .option('--json', 'machine-readable output')
    .action(async (id: string | undefined, o: { follow?: boolean; queue?: boolean; json?: boolean }) => {
      const runs = await withKith(async (k) => {
        // Without an id, paused connections are left out; named, a paused one is refused with the reason.
        const ids = id ? [id] : (await k.sync.list()).filter((c) => !c.paused).map((c) => c.id);
        if (ids.length === 0)
          throw new KithError(
            'usage',
            'no active sync connection: add one with kith sync connections add carddav (or resume a paused one with kith sync connections update ID --resume)',
            2,
          );
        const out: SyncRun[] = [];
        for (const connectionId of ids)
          out.push(
            o.queue
              ? (await k.sync.startRun(connectionId, CLI_ACTOR)).run
              : await runHere(k, connectionId, !!o.follow),
          );
        return out;
      });
      if (o.json) printJson(id ? runs[0] : runs);
      else
        for (const r of runs)
          process.stdout.write(
            `${r.connection_id}\t${r.id}\t${r.state}\t${countsLine(r.counts)}${r.error ? `\t${r.error}` : ''}\n`,
          );
      if (runs.some((r) => r.state === 'failed')) process.exitCode = 1;
    });
  sync
    .command('status')
    .description('each connection: where it syncs, its state and its last run with counts')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.sync.list());
      if (o.json) return printJson(list);
      if (list.length === 0) process.stdout.write('no sync connections\n');
      for (const c of list) {
        process.stdout.write(
          `${c.id}  ${c.collection_url}  (${c.direction}, conflicts: ${c.conflict_policy}${c.paused ? ', paused' : ''})\n`,
        );
        process.stdout.write(`  cards in step: ${c.cards}; change feed sent up to ${c.feed_cursor}\n`);
        const r = c.last_run;
        process.stdout.write(
          r
            ? `  last run ${r.id}: ${r.state}${r.phase ? ` (${r.phase})` : ''} ${r.finished_at ?? r.started_at ?? r.created_at}: ${countsLine(r.counts)}${r.error ? `\n  error: ${r.error}` : ''}\n`
            : '  never run\n',
        );
      }
    });
  sync
    .command('conflicts')
    .description('conflicts, newest first: whose version was kept, and both versions with --json')
    .option('--connection <id>', 'only this connection')
    .option('--limit <n>', 'how many, 1-1000', numberOption('--limit', { min: 1, max: 1000 }), 50)
    .option('--json', 'machine-readable output')
    .action(async (o: { connection?: string; limit: number; json?: boolean }) => {
      const limit = o.limit;
      const list = await withKith((k) => k.sync.conflicts({ connectionId: o.connection, limit }));
      if (o.json) return printJson(list);
      if (list.length === 0) process.stdout.write('no conflicts\n');
      for (const c of list)
        process.stdout.write(
          `${c.created_at}\t${c.connection_id}\t${c.contact_id ?? ''}\t${c.href}\t${c.policy}: ${c.winner} kept\n`,
        );
    });
}
