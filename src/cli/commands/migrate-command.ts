import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { migrateDatabase } from '../../services.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { applied, database } = await migrateDatabase(loadConfig());
      if (options.json) process.stdout.write(`${JSON.stringify({ applied, database })}\n`);
      else
        process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });
}
