import type { Command } from 'commander';
import { CLI_ACTOR, collect, printJson, withKith } from '../cli-context.js';

export function registerSettingsCommands(program: Command): void {
  const identityTypes = program
    .command('identity-types')
    .description('identity types (external_id is built in)');
  identityTypes
    .command('create')
    .argument('<key>', 'e.g. wechat_openid')
    .option('--label <label>', 'human name')
    .option('--json', 'machine-readable output')
    .action(async (key: string, o: { label?: string; json?: boolean }) => {
      const created = await withKith((k) => k.identityTypes.create({ key, label: o.label }, CLI_ACTOR));
      if (o.json) printJson(created);
      else process.stderr.write(`identity type ${created.key} created\n`);
    });
  identityTypes
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.identityTypes.list());
      if (o.json) printJson(list);
      else
        for (const t of list) process.stdout.write(`${t.key}\t${t.label}${t.builtin ? '\tbuilt in' : ''}\n`);
    });

  const attributes = program.command('attributes').description('custom attribute definitions');
  attributes
    .command('create')
    .argument('<key>', 'e.g. tier')
    .requiredOption('--type <type>', 'text, number, boolean, date or list')
    .option('--label <label>', 'human name')
    .option('--option <value>', 'an allowed value of a list attribute, repeatable', collect, [])
    .option('--json', 'machine-readable output')
    .action(async (key: string, o: { type: string; label?: string; option: string[]; json?: boolean }) => {
      const created = await withKith((k) =>
        k.attributes.create(
          { key, type: o.type, label: o.label, options: o.option.length ? o.option : null },
          CLI_ACTOR,
        ),
      );
      if (o.json) printJson(created);
      else process.stderr.write(`attribute ${created.key} (${created.type}) created\n`);
    });
  attributes
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.attributes.list());
      if (o.json) printJson(list);
      else
        for (const a of list)
          process.stdout.write(`${a.key}\t${a.type}${a.options ? `\t${a.options.join('|')}` : ''}\n`);
    });
}
