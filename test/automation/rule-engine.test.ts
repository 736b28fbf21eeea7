/**
 * The rule engine on the real store: one change fires a rule once, a rule's own changes do not trigger
 * it, chains stop at depth 3, once per conversation holds, a failing action does not stop the others, a
 * rule that keeps failing is switched off and the admins are told (real SMTP), webhooks are signed
 * (real HTTP), and merging contacts moves their conversations.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/sync/webhooks/webhook-signature.js';
import { MAX_FAILURE_STREAK } from '../../src/automation/automation-rule-listener.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { decodeQuotedPrintable, startSmtp, waitForMails } from '../support/smtp-server.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

let kith: TestKith;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const api = { userId: null, channel: 'api' } as const;

const rule = (over: Record<string, unknown>) => ({
  name: 'rule',
  event: 'conversation_updated',
  conditions: { all: [] },
  actions: [{ action: 'add_label', labels: ['x'] }],
  ...over,
});

async function newConversation(email = 'c@example.com') {
  const inbox = (await kith.inboxes.list())[0] ?? (await kith.inboxes.create({ name: 'Web' }, SYSTEM_ACTOR));
  return kith.conversations.create({ inbox_id: inbox.id, contact: { email }, message: 'hello' }, api);
}

async function outcomes(ruleId: string): Promise<string[]> {
  return (await kith.rules.logs(ruleId)).map((l) => l.outcome).reverse();
}

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.server.close(() => r()));
});
beforeEach(async () => {
  smtp.mails.length = 0;
  // Webhook receivers in these tests are on this machine, which outgoing requests reach only when allowed.
  kith = await createTestKith({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    KITH_OUTBOUND_ALLOW: '127.0.0.1',
  });
});
afterEach(async () => {
  await kith.destroy();
});

describe('firing', () => {
  it('fires once for one change of several attributes', async () => {
    const c = await newConversation();
    const r = await kith.rules.create(
      rule({
        conditions: {
          any: [
            { attribute: 'status', operator: 'changed' },
            { attribute: 'priority', operator: 'changed' },
          ],
        },
        actions: [{ action: 'add_note', content: 'changed' }],
      }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { status: 'pending', priority: 'high', labels: ['a', 'b'] }, api);
    expect(await outcomes(r.id)).toEqual(['matched']);
    expect((await kith.conversations.messages(c.id)).filter((m) => m.direction === 'note')).toHaveLength(1);
  });

  it('applies the attribute actions of all rules matching one change as one change', async () => {
    const c = await newConversation();
    const first = await kith.rules.create(
      rule({
        name: 'vip',
        actions: [
          { action: 'add_label', labels: ['vip'] },
          { action: 'set_priority', priority: 'high' },
        ],
      }),
      SYSTEM_ACTOR,
    );
    const second = await kith.rules.create(
      rule({
        name: 'urgent',
        actions: [
          { action: 'set_priority', priority: 'urgent' },
          { action: 'add_label', labels: ['escalated'] },
        ],
      }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { status: 'pending' }, api);
    expect(await kith.conversations.get(c.id)).toMatchObject({
      labels: ['escalated', 'vip'],
      priority: 'urgent',
    });
    const byRules = (await kith.conversations.events(c.id)).filter((e) => e.channel === 'automation');
    expect(byRules.map((e) => e.type)).toEqual(['labels_changed', 'priority_changed']);
    expect(byRules[0]!.channel_ref).toBe(`${first.id},${second.id}`);
    // Neither rule runs again on the change they made together.
    expect(await outcomes(first.id)).toEqual(['matched', 'skipped_own_change']);
    expect(await outcomes(second.id)).toEqual(['matched', 'skipped_own_change']);
  });

  it('fails an assignment the conversation refuses alone: the other rules still apply', async () => {
    const c = await newConversation();
    const outsider = await kith.users.create(
      { email: 'outside@example.com', password: 'outside password', role: 'agent' },
      SYSTEM_ACTOR,
    );
    const assign = await kith.rules.create(
      rule({ name: 'assign', actions: [{ action: 'assign_agent', agent_id: outsider.id }] }),
      SYSTEM_ACTOR,
    );
    await kith.rules.create(
      rule({ name: 'label', actions: [{ action: 'add_label', labels: ['seen'] }] }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { status: 'pending' }, api);
    expect(await kith.conversations.get(c.id)).toMatchObject({ labels: ['seen'], assignee_id: null });
    const ran = (await kith.rules.logs(assign.id)).find((l) => l.actions.length > 0);
    expect(ran!.actions).toEqual([
      expect.objectContaining({
        action: 'assign_agent',
        ok: false,
        error: expect.stringMatching(/^assignee_id: is not a member of inbox/),
      }),
    ]);
  });

  it('raises conversation_resolved and conversation_opened once each, besides conversation_updated', async () => {
    const c = await newConversation();
    const resolved = await kith.rules.create(rule({ event: 'conversation_resolved' }), SYSTEM_ACTOR);
    const opened = await kith.rules.create(
      rule({ event: 'conversation_opened', actions: [{ action: 'set_priority', priority: 'urgent' }] }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { status: 'resolved' }, api);
    await kith.conversations.addMessage(c.id, { direction: 'incoming', content: 'again' }, api);
    expect(await outcomes(resolved.id)).toEqual(['matched']);
    expect(await outcomes(opened.id)).toEqual(['matched']);
    expect(await kith.conversations.get(c.id)).toMatchObject({
      status: 'open',
      labels: ['x'],
      priority: 'urgent',
    });
  });

  it('does not re-trigger a rule with its own change, and stops chains at depth 3', async () => {
    const c = await newConversation();
    // Each rule reacts to the previous one's label: a chain of four rules, plus one reacting to anything.
    const chain = [];
    for (const [from, to] of [
      ['start', 'one'],
      ['one', 'two'],
      ['two', 'three'],
      ['three', 'four'],
    ]) {
      chain.push(
        await kith.rules.create(
          rule({
            name: `${from}→${to}`,
            conditions: { all: [{ attribute: 'labels', operator: 'changed_to', value: from }] },
            actions: [{ action: 'add_label', labels: [to] }],
          }),
          SYSTEM_ACTOR,
        ),
      );
    }
    const selfish = await kith.rules.create(
      rule({ name: 'touch', actions: [{ action: 'add_label', labels: ['touched'] }] }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { add_labels: ['start'] }, api);
    const labels = (await kith.conversations.get(c.id)).labels;
    expect(labels).toEqual(expect.arrayContaining(['start', 'one', 'two', 'three', 'touched']));
    expect(labels).not.toContain('four');
    const logs = await kith.rules.logs(chain[3]!.id);
    expect(logs.some((l) => l.outcome === 'stopped_depth' && l.depth === 3)).toBe(true);
    // 'touch' ran on the person's change, skipped its own, and ran again (once) on each other rule's change.
    const touch = await outcomes(selfish.id);
    expect(touch.filter((o) => o === 'skipped_own_change').length).toBeGreaterThan(0);
    expect(
      (await kith.conversations.events(c.id)).filter((e) => e.type === 'labels_changed').length,
    ).toBeLessThan(10);
  });

  it('runs a once-per-conversation rule once per conversation', async () => {
    const first = await newConversation('one@example.com');
    const second = await newConversation('two@example.com');
    const r = await kith.rules.create(
      rule({
        event: 'message_created',
        once_per_conversation: true,
        actions: [{ action: 'send_message', content: 'Hi {{contact.email}}, we got it.' }],
      }),
      SYSTEM_ACTOR,
    );
    for (const c of [first, second, first])
      await kith.conversations.addMessage(c.id, { direction: 'incoming', content: 'hello?' }, api);
    const replies = (await kith.conversations.messages(first.id)).filter((m) => m.direction === 'outgoing');
    expect(replies.map((m) => m.content)).toEqual(['Hi one@example.com, we got it.']);
    expect(replies[0]!.sender_type).toBe('automation');
    expect(await outcomes(r.id)).toContain('skipped_once');
  });

  it('matches message content and contact fields on message_created', async () => {
    const c = await newConversation('vip@example.com');
    await kith.contacts.update(c.contact_id, { tags: ['VIP'] }, api);
    await kith.rules.create(
      rule({
        event: 'message_created',
        conditions: {
          all: [
            { attribute: 'message.type', operator: 'equal_to', value: 'incoming' },
            {
              any: [
                { attribute: 'message.content', operator: 'contains', value: 'refund' },
                { attribute: 'contact.tags', operator: 'contains', value: 'vip' },
              ],
            },
          ],
        },
        actions: [{ action: 'set_priority', priority: 'high' }],
      }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.addMessage(c.id, { direction: 'outgoing', content: 'refund?' }, api);
    expect((await kith.conversations.get(c.id)).priority).toBeNull();
    await kith.conversations.addMessage(c.id, { direction: 'incoming', content: 'hello' }, api);
    expect((await kith.conversations.get(c.id)).priority).toBe('high');
  });
});

describe('failures', () => {
  it('logs a failing action, runs the others, switches a rule off after repeated failures and tells the admins', async () => {
    await kith.users.create(
      { email: 'boss@example.com', password: 'long enough', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const r = await kith.rules.create(
      rule({
        name: 'Broken hook',
        actions: [
          { action: 'send_webhook', url: 'http://127.0.0.1:9/unreachable', secret: 's'.repeat(20) },
          { action: 'add_label', labels: ['still-ran'] },
        ],
      }),
      SYSTEM_ACTOR,
    );
    const c = await newConversation();
    for (let i = 0; i < MAX_FAILURE_STREAK; i++)
      await kith.conversations.update(c.id, { priority: i % 2 ? 'low' : 'high' }, api);
    const [last] = await kith.rules.logs(r.id);
    expect(last!.actions).toMatchObject([
      { action: 'send_webhook', ok: false },
      { action: 'add_label', ok: true },
    ]);
    expect(last!.error).toMatch(/send_webhook/);
    expect((await kith.conversations.get(c.id)).labels).toContain('still-ran');
    const after = await kith.rules.get(r.id);
    expect(after.active).toBe(false);
    expect(after.deactivated_reason).toMatch(/5 failing runs/);
    await waitForMails(smtp.mails);
    expect(smtp.mails[0]!.to).toEqual(['boss@example.com']);
    expect(decodeQuotedPrintable(smtp.mails[0]!.data)).toContain('Broken hook');
    // Switched off: the next change does not run it; switching it back on resets the count.
    const logged = (await kith.rules.logs(r.id)).length;
    await kith.conversations.update(c.id, { priority: 'urgent' }, api);
    expect((await kith.rules.logs(r.id)).length).toBe(logged);
    expect((await outcomes(r.id)).filter((o) => o === 'matched')).toHaveLength(MAX_FAILURE_STREAK);
    expect(await kith.rules.update(r.id, { active: true }, SYSTEM_ACTOR)).toMatchObject({
      active: true,
      failure_streak: 0,
      deactivated_reason: null,
    });
  });
});

describe('webhook and e-mail actions', () => {
  let hook: http.Server;
  let url: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hooks/kith`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => hook.close(() => r()));
  });

  it('posts a signed payload and sends e-mail on a contact event', async () => {
    const secret = 'a-webhook-secret-of-some-length';
    const created = await kith.rules.create(
      rule({
        name: 'New customer',
        event: 'contact_created',
        conditions: { all: [{ attribute: 'contact.email', operator: 'is_present' }] },
        actions: [
          { action: 'send_webhook', url, secret },
          {
            action: 'send_email',
            to: ['team@example.com'],
            subject: 'New customer {{contact.email}}',
            body: 'Say hello to {{contact.name}}.',
          },
        ],
      }),
      SYSTEM_ACTOR,
    );
    await kith.contacts.create({ name: 'Ada Lovelace', email: 'ada@example.com' }, api);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(headers['x-kith-event']).toBe('contact_created');
    expect(headers['x-kith-signature']).toBe(signWebhook(secret, String(headers['x-kith-timestamp']), body));
    expect(JSON.parse(body)).toMatchObject({
      event: 'contact_created',
      contact: { email: 'ada@example.com' },
    });
    await waitForMails(smtp.mails);
    expect(smtp.mails[0]!.to).toEqual(['team@example.com']);
    expect(decodeQuotedPrintable(smtp.mails[0]!.data)).toContain('Say hello to Ada Lovelace.');

    // The audit log keeps the rule with its secret as ***, on creation, change and removal.
    await kith.rules.update(created.id, { name: 'New customer (renamed)' }, SYSTEM_ACTOR);
    await kith.rules.remove(created.id, SYSTEM_ACTOR);
    const log = await kith.auditLog.search({ entityId: created.id, limit: 10 });
    expect(log.data.map((e) => e.action).sort()).toEqual(['created', 'deleted', 'updated']);
    expect(JSON.stringify(log.data)).not.toContain(secret);
    expect(JSON.stringify(log.data)).toContain('"secret":"***"');
  });
});

describe('dry run', () => {
  it('shows each condition without running anything', async () => {
    const c = await newConversation();
    const r = await kith.rules.create(
      rule({
        conditions: { all: [{ attribute: 'status', operator: 'changed_to', value: 'resolved' }] },
        actions: [{ action: 'assign_agent', agent_id: null }],
      }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { status: 'resolved' }, { userId: null, channel: 'cli' });
    const tried = await kith.rules.dryRun(r.id, { conversation_id: c.id, before: { status: 'open' } });
    expect(tried).toMatchObject({
      matched: true,
      would_skip: null,
      trace: { group: 'all', children: [{ matched: true }] },
    });
    expect((await kith.rules.dryRun(r.id, { conversation_id: c.id })).matched).toBe(false);
  });

  it("tries message conditions on a message given, or on the conversation's latest one", async () => {
    const c = await newConversation('dry-message@example.com');
    const r = await kith.rules.create(
      rule({
        event: 'message_created',
        active: false,
        conditions: {
          all: [
            { attribute: 'message.type', operator: 'equal_to', value: 'incoming' },
            { attribute: 'message.content', operator: 'contains', value: 'refund' },
          ],
        },
      }),
      SYSTEM_ACTOR,
    );
    // Without a message: the conversation's latest ('hello', the one it was created with).
    const latest = await kith.rules.dryRun(r.id, { conversation_id: c.id });
    expect(latest).toMatchObject({
      matched: false,
      message: { content: 'hello', type: 'incoming', given: false },
      trace: { children: [{ matched: true }, { matched: false, actual: 'hello' }] },
    });
    const given = await kith.rules.dryRun(r.id, {
      conversation_id: c.id,
      message: { content: 'I want a refund please' },
    });
    expect(given).toMatchObject({
      matched: true,
      would_skip: 'inactive',
      message: { content: 'I want a refund please', type: 'incoming', given: true },
    });
    const outgoing = await kith.rules.dryRun(r.id, {
      conversation_id: c.id,
      message: { content: 'refund sent', type: 'outgoing' },
    });
    expect(outgoing.matched).toBe(false);
    // Nothing ran: the conversation has its one message still, and no priority or label.
    expect((await kith.conversations.messages(c.id)).map((m) => m.content)).toEqual(['hello']);
    // A rule of another event has no message unless given one; a contact rule refuses one.
    const updated = await kith.rules.create(rule({}), SYSTEM_ACTOR);
    expect((await kith.rules.dryRun(updated.id, { conversation_id: c.id })).message).toBeNull();
    const onContact = await kith.rules.create(
      rule({
        event: 'contact_created',
        actions: [{ action: 'send_email', to: ['team@example.com'], subject: 's', body: 'b' }],
      }),
      SYSTEM_ACTOR,
    );
    await expect(
      kith.rules.dryRun(onContact.id, { contact_id: c.contact_id, message: { content: 'x' } }),
    ).rejects.toMatchObject({ field: 'message' });
  });
});

describe('evaluation log', () => {
  it('logs misses once per change and prunes old entries', async () => {
    const c = await newConversation();
    const never = await kith.rules.create(
      rule({ conditions: { all: [{ attribute: 'priority', operator: 'equal_to', value: 'urgent' }] } }),
      SYSTEM_ACTOR,
    );
    await kith.conversations.update(c.id, { priority: 'low' }, api);
    await kith.conversations.update(c.id, { priority: 'high' }, api);
    const logs = await kith.rules.logs(never.id);
    expect(logs.map((l) => l.outcome)).toEqual(['not_matched', 'not_matched']);
    expect(logs[0]).toMatchObject({ conversation_id: c.id, event: 'conversation_updated', depth: 0 });
    expect(await kith.rules.logs(never.id, { before: logs[0]!.id })).toHaveLength(1);
    expect(await kith.rules.pruneLogs(new Date(Date.now() - 60_000))).toBe(0);
    expect(await kith.rules.pruneLogs(new Date(Date.now() + 1_000))).toBeGreaterThanOrEqual(2);
    expect(await kith.rules.logs(never.id)).toEqual([]);
  });
});

describe('contact merge', () => {
  it('moves conversations with their messages to the survivor, and unmerge moves them back', async () => {
    const inbox = await kith.inboxes.create({ name: 'Web' }, SYSTEM_ACTOR);
    const a = await kith.contacts.create({ name: 'Li Lei', email: 'li@example.com' }, api);
    const b = await kith.contacts.create({ name: 'Li Lei', phone: '13800138000' }, api);
    const c = await kith.conversations.create({ inbox_id: inbox.id, contact_id: b.id, message: 'hi' }, api);
    const merge = await kith.merges.merge({ survivorId: a.id, contactIds: [a.id, b.id] }, SYSTEM_ACTOR);
    expect((await kith.conversations.get(c.id)).contact_id).toBe(a.id);
    expect(await kith.conversations.messages(c.id)).toHaveLength(1);
    await kith.merges.unmerge(merge.merge_id!, SYSTEM_ACTOR);
    expect((await kith.conversations.get(c.id)).contact_id).toBe(b.id);
  });
});
