import type { Command } from 'commander';
import { NotFoundError } from '../../domain/errors.js';
import { CLI_ACTOR, printJson, withKith } from '../cli-context.js';

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage users who sign in to Kith');
  users
    .command('create')
    .description('create a user')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--password <password>', 'at least 8 characters')
    .requiredOption('--role <role>', 'admin or agent')
    .option('--name <name>', 'display name')
    .option('--json', 'print {"id", "email", "role"}')
    .action(async (o: { email: string; password: string; role: string; name?: string; json?: boolean }) => {
      const user = await withKith((k) => k.users.create(o, CLI_ACTOR));
      if (o.json) printJson({ id: user.id, email: user.email, role: user.role });
      else process.stderr.write(`created ${user.role} ${user.email} (${user.id})\n`);
    });
  users
    .command('list')
    .description('list users')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.users.list());
      if (o.json) printJson(list);
      else
        for (const u of list)
          process.stdout.write(`${u.id}\t${u.email}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
    });
  users
    .command('set-password')
    .description("change a user's password (ends their sessions)")
    .requiredOption('--email <email>', 'the user')
    .requiredOption('--password <password>', 'at least 8 characters')
    .action(async (o: { email: string; password: string }) => {
      await withKith(async (k) => {
        const user = await k.users.findByEmail(o.email);
        if (!user) throw new NotFoundError('user', o.email);
        await k.users.update(user.id, { password: o.password }, CLI_ACTOR);
      });
      process.stderr.write(`password changed for ${o.email}\n`);
    });
}
