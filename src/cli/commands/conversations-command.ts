import type { Command } from 'commander';
import { CONVERSATION_STATUSES } from '../../conversations/conversation-fields.js';
import { KithError } from '../../domain/errors.js';
import { CLI_ACTOR, numberOption, parseNumber, printJson, withKith } from '../cli-context.js';
import { inboxIdOf, userIdOf } from '../cli-names.js';

/** `kith conversations`, `kith inboxes`, `kith agents`. */
export function registerConversationsCommands(program: Command): void {
  const conversations = program.command('conversations').description('customer conversations');
  conversations
    .command('list')
    .description('conversations, newest first')
    .option('--status <status>', CONVERSATION_STATUSES.join(', '))
    .option('--inbox <inbox>', 'only this inbox (its id or name)')
    .option('--assignee <agent|none>', 'only this agent (e-mail or user id), or none for unassigned')
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
            inbox_id: o.inbox === undefined ? undefined : await inboxIdOf(k, '--inbox', o.inbox),
            assignee_id:
              o.assignee === undefined || o.assignee === 'none'
                ? o.assignee
                : await userIdOf(k, '--assignee', o.assignee),
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
    .argument('<inbox>', "the inbox's id or name")
    .argument('<agent>', "the agent's e-mail or user id")
    .action(async (inbox: string, agent: string) => {
      printJson(
        await withKith(async (k) =>
          k.inboxes.addMember(
            await inboxIdOf(k, 'inbox', inbox),
            await userIdOf(k, 'agent', agent),
            CLI_ACTOR,
          ),
        ),
      );
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
    .argument('<agent>', "the agent's e-mail or user id")
    .argument('<availability>', 'online, busy or offline')
    .action(async (who: string, availability: string) => {
      const agent = await withKith(async (k) =>
        k.agents.setAvailability(await userIdOf(k, 'agent', who), availability, CLI_ACTOR),
      );
      process.stderr.write(`${agent.email} is ${agent.availability}\n`);
    });
  agents
    .command('set-capacity')
    .description('maximum open conversations, or none for no limit')
    .argument('<agent>', "the agent's e-mail or user id")
    .argument('<capacity>', 'a whole number, or none')
    .action(async (who: string, capacity: string) => {
      // `none` is no limit (the API's null); anything else is a whole number, checked here.
      const value =
        capacity.trim() === 'none'
          ? null
          : parseNumber('capacity', capacity, { min: 0, max: 10_000, none: 'none for no limit' });
      const agent = await withKith(async (k) =>
        k.agents.setCapacity(await userIdOf(k, 'agent', who), value, CLI_ACTOR),
      );
      process.stderr.write(
        `${agent.email} takes at most ${agent.capacity ?? 'any number of'} open conversations\n`,
      );
    });
}
