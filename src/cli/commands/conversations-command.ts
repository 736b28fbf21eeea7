import type { Command } from 'commander';
import { CONVERSATION_STATUSES } from '../../conversations/conversation-fields.js';
import type { KithServices } from '../../services.js';
import { KithError, NotFoundError } from '../../domain/errors.js';
import { CLI_ACTOR, numberOption, parseNumber, printJson, withKith } from '../cli-context.js';

async function userIdOf(k: KithServices, email: string): Promise<string> {
  const user = await k.users.findByEmail(email);
  if (!user) throw new NotFoundError('user', email);
  return user.id;
}

/** `kith conversations`, `kith inboxes`, `kith agents`. */
export function registerConversationsCommands(program: Command): void {
  const conversations = program.command('conversations').description('customer conversations');
  conversations
    .command('list')
    .description('conversations, newest first')
    .option('--status <status>', CONVERSATION_STATUSES.join(', '))
    .option('--inbox <id>', 'only this inbox')
    .option('--assignee <email|none>', 'only this agent, or none for unassigned')
    .option('--limit <n>', 'how many, 1-500', numberOption('--limit', { min: 1, max: 500 }), 50)
    .option('--json', 'machine-readable output')
    .action(
      async (o: { status?: string; inbox?: string; assignee?: string; limit: number; json?: boolean }) => {
        if (o.status && !(CONVERSATION_STATUSES as readonly string[]).includes(o.status))
          throw new KithError(
            'usage',
            `--status ${JSON.stringify(o.status)}: use ${CONVERSATION_STATUSES.join(', ')}`,
            2,
          );
        const page = await withKith(async (k) =>
          k.conversations.list({
            status: o.status as (typeof CONVERSATION_STATUSES)[number] | undefined,
            inbox_id: o.inbox,
            assignee_id:
              o.assignee === undefined || o.assignee === 'none' ? o.assignee : await userIdOf(k, o.assignee),
            limit: o.limit,
          }),
        );
        if (o.json) return printJson(page.data);
        for (const c of page.data)
          process.stdout.write(
            `${c.id}\t${c.status}\t${c.assignee_id ?? 'unassigned'}\t${c.contact_id}\t${c.labels.join(',')}\t${c.updated_at}\n`,
          );
      },
    );

  const inboxes = program.command('inboxes').description('inboxes, their members and auto-assignment');
  inboxes
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.inboxes.list());
      if (o.json) return printJson(list);
      for (const i of list)
        process.stdout.write(
          `${i.id}\t${i.name}\t${i.auto_assignment.enabled ? `auto ${i.auto_assignment.mode}` : 'manual'}\t${i.member_ids.length} members\n`,
        );
    });
  inboxes
    .command('add')
    .description('create an inbox')
    .argument('<name>', 'inbox name')
    .option('--auto-assign <mode>', 'turn auto-assignment on: round_robin or balanced')
    .action(async (name: string, o: { autoAssign?: string }) => {
      const body = {
        name,
        ...(o.autoAssign ? { auto_assignment: { enabled: true, mode: o.autoAssign } } : {}),
      };
      printJson(await withKith((k) => k.inboxes.create(body, CLI_ACTOR)));
    });
  inboxes
    .command('add-member')
    .description('add an agent to an inbox')
    .argument('<inbox>', 'inbox id')
    .argument('<email>', "the agent's e-mail")
    .action(async (inbox: string, email: string) => {
      printJson(await withKith(async (k) => k.inboxes.addMember(inbox, await userIdOf(k, email), CLI_ACTOR)));
    });

  const agents = program.command('agents').description('agents: availability and capacity');
  agents
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.agents.list());
      if (o.json) return printJson(list);
      for (const a of list)
        process.stdout.write(
          `${a.email}\t${a.availability}\t${a.open_conversations}/${a.capacity ?? '∞'} open\t${a.inbox_ids.length} inboxes\n`,
        );
    });
  agents
    .command('set-availability')
    .description('online, busy or offline (coming online serves the waiting queue)')
    .argument('<email>', "the agent's e-mail")
    .argument('<availability>', 'online, busy or offline')
    .action(async (email: string, availability: string) => {
      const agent = await withKith(async (k) =>
        k.agents.setAvailability(await userIdOf(k, email), availability, CLI_ACTOR),
      );
      process.stderr.write(`${agent.email} is ${agent.availability}\n`);
    });
  agents
    .command('set-capacity')
    .description('maximum open conversations, or none for no limit')
    .argument('<email>', "the agent's e-mail")
    .argument('<capacity>', 'a whole number, or none')
    .action(async (email: string, capacity: string) => {
      // `none` is no limit (the API's null); anything else is a whole number, checked here.
      const value =
        capacity.trim() === 'none'
          ? null
          : parseNumber('capacity', capacity, { min: 0, max: 10_000, none: 'none for no limit' });
      const agent = await withKith(async (k) =>
        k.agents.setCapacity(await userIdOf(k, email), value, CLI_ACTOR),
      );
      process.stderr.write(
        `${agent.email} takes at most ${agent.capacity ?? 'any number of'} open conversations\n`,
      );
    });
}
