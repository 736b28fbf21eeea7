import type { Command } from 'commander';
import { databaseError } from '../cli-context.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { loadConfig } = await import('../../config.js');
      const { migrateDatabase } = await import('../../services.js');
      const config = loadConfig();
      const { applied, database } = await migrateDatabase(config).catch((e: unknown) => {
        throw databaseError(config, e);
      });
      if (options.json) process.stdout.write(`${JSON.stringify({ applied, database })}\n`);
      else
        process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });
}
