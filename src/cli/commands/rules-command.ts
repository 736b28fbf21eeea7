import type { Command } from 'commander';
import { CLI_ACTOR, numberOption, printJson, readJsonFile, withKith } from '../cli-context.js';

/** `kith rules`: automation rules in the same JSON format as the API and storage. */
export function registerRulesCommand(program: Command): void {
  const rules = program
    .command('rules')
    .description('automation rules: list, add from JSON, change, remove, logs');
  rules
    .command('list')
    .description('rules in the order they run')
    .option('--json', 'the full rules as JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.rules.list());
      if (o.json) return printJson(list);
      for (const r of list)
        process.stdout.write(
          `${r.id}\t${r.active ? 'active' : 'inactive'}\t${r.event}\t${r.name}${r.deactivated_reason ? `\t(${r.deactivated_reason})` : ''}\n`,
        );
    });
  rules
    .command('add')
    .description('add a rule from a JSON file')
    .argument(
      '<file>',
      'rule: {"name", "event", "conditions": {"all": [...]}, "actions": [...], "active", "once_per_conversation"}',
    )
    .action(async (file: string) => {
      const input = await readJsonFile(file);
      printJson(await withKith((k) => k.rules.create(input, CLI_ACTOR)));
    });
  rules
    .command('update')
    .description('change a rule with the keys in a JSON file (e.g. {"active": true})')
    .argument('<id>', 'rule id')
    .argument('<file>', 'the keys to change')
    .action(async (id: string, file: string) => {
      const input = await readJsonFile(file);
      printJson(await withKith((k) => k.rules.update(id, input, CLI_ACTOR)));
    });
  rules
    .command('remove')
    .description('delete a rule')
    .argument('<id>', 'rule id')
    .action(async (id: string) => {
      await withKith((k) => k.rules.remove(id, CLI_ACTOR));
      process.stderr.write(`removed rule ${id}\n`);
    });
  rules
    .command('logs')
    .description('the evaluation log of a rule, newest first')
    .argument('<id>', 'rule id')
    .option('--limit <n>', 'how many entries, 1-1000', numberOption('--limit', { min: 1, max: 1000 }), 50)
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { limit: number; json?: boolean }) => {
      const logs = await withKith((k) => k.rules.logs(id, { limit: o.limit }));
      if (o.json) return printJson(logs);
      for (const l of logs)
        process.stdout.write(
          `${l.created_at}\t${l.event}\t${l.outcome}\t${l.conversation_id ?? l.contact_id ?? ''}${l.error ? `\t${l.error}` : ''}\n`,
        );
    });
}
