import type { Command } from 'commander';
import { NotFoundError } from '../../domain/errors.js';
import { CLI_ACTOR, printJson, withKith } from '../cli-context.js';

export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('API tokens for programs');
  tokens
    .command('create')
    .description('create an API token acting as a user; the secret is printed once')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--name <name>', 'what the token is for')
    .option('--json', 'print {"id": "tok_…", "token": "kith_…"}')
    .action(async (o: { email: string; name?: string; json?: boolean }) => {
      const created = await withKith(async (k) => {
        const user = await k.users.findByEmail(o.email);
        if (!user) throw new NotFoundError('user', o.email);
        return k.tokens.create(user.id, o.name, CLI_ACTOR);
      });
      if (o.json) printJson({ id: created.id, token: created.token });
      else process.stdout.write(`${created.token}\n`);
    });
  tokens
    .command('list')
    .description('list API tokens (secrets are never shown again)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.tokens.list());
      if (o.json) printJson(list);
      else
        for (const t of list)
          process.stdout.write(`${t.id}\t${t.user_id}\t${t.name}${t.revoked ? '\trevoked' : ''}\n`);
    });
  tokens
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>', 'token id (tok_…)')
    .action(async (id: string) => {
      await withKith((k) => k.tokens.revoke(id, CLI_ACTOR));
      process.stderr.write(`revoked ${id}\n`);
    });
}
