/**
 * Automation throughput and latency: 100 active rules (a realistic mix over every conversation event,
 * nested AND/OR groups, `changed*` conditions, a few that match and act), an inbox with auto-assignment
 * and 10 online agents, 1,000 conversations, then N events (default 100,000): alternately a priority
 * change (each one a real change) and an incoming customer message. Each event's time is measured from the call that makes the
 * change until it returns, that is until the change has committed, every rule has been evaluated and
 * logged, matching rules' actions are applied and auto-assignment has run.
 *
 * Usage: npm run bench:automation [-- N]      (SQLite in a temporary folder; KITH_BENCH_DATABASE_URL for PostgreSQL)
 */
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { openBenchKith } from '../bench-kith.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const CONVERSATIONS = 1_000;
const AGENTS = 10;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

function rules(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    const kind = i % 5;
    if (kind === 0)
      out.push({
        name: `label on priority ${i}`,
        event: 'conversation_updated',
        conditions: {
          all: [
            { attribute: 'priority', operator: 'changed_to', value: PRIORITIES[i % 4] },
            {
              any: [
                { attribute: 'labels', operator: 'contains', value: `segment-${i}` },
                { attribute: 'contact.tags', operator: 'contains', value: 'vip' },
              ],
            },
          ],
        },
        actions: [{ action: 'add_label', labels: [`seen-${i}`] }],
      });
    else if (kind === 1)
      out.push({
        name: `keyword ${i}`,
        event: 'message_created',
        conditions: {
          all: [
            { attribute: 'message.type', operator: 'equal_to', value: 'incoming' },
            { attribute: 'message.content', operator: 'contains', value: `keyword${i}` },
          ],
        },
        actions: [{ action: 'set_priority', priority: 'high' }],
      });
    else if (kind === 2)
      out.push({
        name: `escalate ${i}`,
        event: 'conversation_updated',
        conditions: {
          any: [
            {
              all: [
                { attribute: 'priority', operator: 'changed_to', value: 'urgent' },
                { attribute: 'status', operator: 'equal_to', value: 'open' },
              ],
            },
            { attribute: 'attr.tier', operator: 'equal_to', value: `gold-${i}` },
          ],
        },
        actions: [{ action: 'add_label', labels: ['escalated'] }],
      });
    else if (kind === 3)
      out.push({
        name: `reopened ${i}`,
        event: i % 2 ? 'conversation_opened' : 'conversation_resolved',
        conditions: { all: [{ attribute: 'labels', operator: 'does_not_contain', value: `never-${i}` }] },
        actions: [{ action: 'add_label', labels: ['cycled'] }],
      });
    else
      out.push({
        name: `created ${i}`,
        event: 'conversation_created',
        conditions: { all: [{ attribute: 'contact.email', operator: 'starts_with', value: `nobody-${i}` }] },
        actions: [{ action: 'set_priority', priority: 'low' }],
      });
  }
  return out;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main() {
  const { kith, dispose } = await openBenchKith();
  try {
    const inbox = await kith.inboxes.create(
      { name: 'Bench', auto_assignment: { enabled: true, mode: 'balanced' } },
      SYSTEM_ACTOR,
    );
    for (let a = 0; a < AGENTS; a++) {
      const user = await kith.users.create(
        { email: `agent${a}@example.com`, password: 'long enough', role: 'agent' },
        SYSTEM_ACTOR,
      );
      await kith.inboxes.addMember(inbox.id, user.id, SYSTEM_ACTOR);
      await kith.agents.setAvailability(user.id, 'online', SYSTEM_ACTOR);
    }
    const ids: string[] = [];
    for (let c = 0; c < CONVERSATIONS; c++) {
      const conversation = await kith.conversations.create(
        {
          inbox_id: inbox.id,
          contact: { email: `customer${c}@example.com`, tags: c % 10 === 0 ? ['vip'] : [] },
          message: 'hello',
        },
        SYSTEM_ACTOR,
      );
      ids.push(conversation.id);
    }
    for (const rule of rules()) await kith.rules.create(rule, SYSTEM_ACTOR);
    const actor = { userId: null, channel: 'api' } as const;

    const times = new Float64Array(EVENTS);
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const id = ids[i % CONVERSATIONS]!;
      const t = performance.now();
      if (i % 2 === 0)
        await kith.conversations.update(
          id,
          { priority: PRIORITIES[Math.floor(i / CONVERSATIONS) % 4] },
          actor,
        );
      else
        await kith.conversations.addMessage(
          id,
          { direction: 'incoming', content: `order question keyword${i % 200}` },
          actor,
        );
      times[i] = performance.now() - t;
    }
    const seconds = (performance.now() - started) / 1000;
    times.sort();
    const logs = await kith.store.db
      .selectFrom('automation_logs')
      .select([(eb) => eb.fn.countAll<number>().as('n')])
      .executeTakeFirstOrThrow();
    const misses = await kith.store.db.selectFrom('automation_misses').select('rule_ids').execute();
    const missed = misses.reduce((n, m) => n + (JSON.parse(m.rule_ids) as string[]).length, 0);
    const matched = await kith.store.db
      .selectFrom('automation_logs')
      .select([(eb) => eb.fn.countAll<number>().as('n')])
      .where('outcome', '=', 'matched')
      .executeTakeFirstOrThrow();
    const result = {
      store: kith.store.dialect,
      rules: 100,
      events: EVENTS,
      seconds: Number(seconds.toFixed(1)),
      events_per_second: Math.round(EVENTS / seconds),
      median_ms: Number(percentile(times, 0.5).toFixed(3)),
      p90_ms: Number(percentile(times, 0.9).toFixed(3)),
      p95_ms: Number(percentile(times, 0.95).toFixed(3)),
      p99_ms: Number(percentile(times, 0.99).toFixed(3)),
      max_ms: Number(times[times.length - 1]!.toFixed(1)),
      evaluations_logged: Number(logs.n) + missed,
      rule_runs: Number(matched.n),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await dispose();
  }
}

await main();
