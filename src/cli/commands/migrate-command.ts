import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openStore } from '../../store/database.js';
import { migrateToLatest } from '../../store/migrator.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const store = openStore(loadConfig());
      try {
        const { applied } = await migrateToLatest(store);
        if (options.json) process.stdout.write(`${JSON.stringify({ applied, database: store.dialect })}\n`);
        else
          process.stderr.write(
            applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
          );
      } finally {
        await store.close();
      }
    });
}
