import type { Command } from 'commander';
import { CLI_ACTOR, numberOption, printJson, withKith } from '../cli-context.js';
import { WEBHOOK_EVENTS } from '../help-lists.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `kith webhooks`: endpoints subscribed to events, and their deliveries. */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description(`webhook endpoints (events: ${WEBHOOK_EVENTS.join(', ')}): list, add, remove, deliveries`);
  webhooks
    .command('list')
    .description('endpoints and the events they receive')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await withKith((k) => k.webhooks.list());
      if (o.json) return printJson(list);
      for (const w of list)
        process.stdout.write(
          `${w.id}\t${w.active ? 'active' : 'inactive'}\t${w.url}\t${w.events.join(',')}\n`,
        );
    });
  webhooks
    .command('add')
    .description('subscribe a URL; prints the endpoint with its signing secret (shown only now)')
    .argument('<url>', 'http:// or https:// URL that receives a signed POST per event')
    .requiredOption(
      '--event <event>',
      `event to send, repeatable (${WEBHOOK_EVENTS.join(', ')})`,
      collect,
      [],
    )
    .option('--secret <secret>', 'signing secret (at least 16 characters; generated when left out)')
    .option('--description <text>', 'what the endpoint is for')
    .action(async (url: string, o: { event: string[]; secret?: string; description?: string }) => {
      printJson(
        await withKith((k) =>
          k.webhooks.create(
            { url, events: o.event, secret: o.secret, description: o.description },
            CLI_ACTOR,
          ),
        ),
      );
    });
  webhooks
    .command('remove')
    .description('remove an endpoint and its deliveries')
    .argument('<id>', 'endpoint id')
    .action(async (id: string) => {
      await withKith((k) => k.webhooks.remove(id, CLI_ACTOR));
      process.stderr.write(`removed webhook endpoint ${id}\n`);
    });
  webhooks
    .command('deliveries')
    .description('deliveries to an endpoint, newest first')
    .argument('<id>', 'endpoint id')
    .option('--limit <n>', 'how many, 1-500', numberOption('--limit', { min: 1, max: 500 }), 50)
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { limit: number; json?: boolean }) => {
      const list = await withKith((k) => k.webhooks.deliveries(id, o.limit));
      if (o.json) return printJson(list);
      for (const d of list)
        process.stdout.write(
          `${d.created_at}\t${d.event}\t${d.status}\t${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.last_error ? `\t${d.last_error}` : ''}\n`,
        );
    });
}
