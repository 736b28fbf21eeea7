#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { KithError } from '../domain/errors.js';
import { registerChangesCommand } from './commands/changes-command.js';
import { registerContactsCommand } from './commands/contacts-command.js';
import { registerConversationsCommands } from './commands/conversations-command.js';
import { registerDuplicatesCommands, registerMergeCommands } from './commands/duplicates-command.js';
import { registerExportCommand } from './commands/export-command.js';
import { registerImportCommands } from './commands/import-command.js';
import { registerMigrateCommand } from './commands/migrate-command.js';
import { registerOrderCommands } from './commands/orders-command.js';
import { registerRulesCommand } from './commands/rules-command.js';
import { registerWebhooksCommand } from './commands/webhooks-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerSettingsCommands } from './commands/settings-command.js';
import { registerSyncCommands } from './commands/sync-command.js';
import { registerTokensCommand } from './commands/tokens-command.js';
import { registerUsersCommand } from './commands/users-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { tuneHeapForLongJobs } from './tune-heap.js';

tuneHeapForLongJobs();
// Whatever a kith process writes holds personal data (the database, backups, import and failure files,
// exports): readable by this user only, also where a library creates the file.
process.umask(0o077);

const program = new Command()
  .name('kith')
  .description(
    'Kith, the self-hosted customer data hub. Honours KITH_DATA_DIR, DATABASE_URL, PORT, KITH_DEFAULT_REGION.',
  )
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerMigrateCommand(program);
registerUsersCommand(program);
registerTokensCommand(program);
registerContactsCommand(program);
registerSettingsCommands(program);
registerImportCommands(program);
registerOrderCommands(program);
registerExportCommand(program);
registerChangesCommand(program);
registerDuplicatesCommands(program);
registerMergeCommands(program);
registerConversationsCommands(program);
registerRulesCommand(program);
registerWebhooksCommand(program);
registerSyncCommands(program);
registerWorkerCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof KithError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (process.argv.includes('--json'))
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`,
      );
    process.exitCode = error.code === 'usage' ? 2 : 1;
  } else {
    process.stderr.write(`error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  }
}
