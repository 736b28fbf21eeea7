#!/usr/bin/env node
import { Command } from 'commander';
import { reportError } from './cli-errors.js';
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
    'Kith, the self-hosted customer data hub. Honours KITH_DATA_DIR, DATABASE_URL, PORT, KITH_DEFAULT_REGION and the other KITH_* variables the README lists.',
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

/**
 * Commander shows the help for `kith groups --help` before it finds `groups` is no command: an unknown
 * command is found first here, at every level, and is a usage error naming it.
 */
function checkCommandNames(root: Command, args: string[]): void {
  let command = root;
  for (const arg of args) {
    if (arg === '--') return;
    if (arg.startsWith('-')) continue;
    if (command.commands.length === 0) return;
    if (arg === 'help') continue;
    const next = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) {
      const where = command === root ? 'kith' : `kith ${command.name()}`;
      // The message lists the commands; the whole help after it would bury it.
      command.showHelpAfterError(`(${where} --help shows what each does)`);
      command.error(
        `error: unknown command '${arg}' (commands of ${where}: ${command.commands.map((c) => c.name()).join(', ')})`,
        { code: 'commander.unknownCommand', exitCode: 2 },
      );
    }
    command = next!;
  }
}

try {
  checkCommandNames(program, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = await reportError(error, process.argv.includes('--json'));
}
