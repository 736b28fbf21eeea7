/**
 * The seed case and auto-assignment on the real store (SQLite, or PostgreSQL with KITH_TEST_DATABASE_URL):
 * resolved conversations are unassigned by a rule, reopened ones reach an online agent, the backlog is
 * served when an agent comes online, round robin is fair and capacity is respected.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

let kith: TestKith;
const UNASSIGN_ON_RESOLVE = {
  name: 'Unassign on resolve',
  event: 'conversation_updated',
  conditions: { all: [{ attribute: 'status', operator: 'equal_to', value: 'resolved' }] },
  actions: [{ action: 'assign_agent', agent_id: null }],
  active: true,
  once_per_conversation: false,
};

async function agent(email: string): Promise<{ id: string; actor: Actor }> {
  const user = await kith.users.create({ email, password: 'long enough', role: 'agent' }, SYSTEM_ACTOR);
  return { id: user.id, actor: { userId: user.id, channel: 'api' } };
}

async function inboxWith(members: string[], mode: 'round_robin' | 'balanced' = 'round_robin') {
  const inbox = await kith.inboxes.create(
    { name: `Support ${Math.random()}`, auto_assignment: { enabled: true, mode } },
    SYSTEM_ACTOR,
  );
  for (const m of members) await kith.inboxes.addMember(inbox.id, m, SYSTEM_ACTOR);
  return inbox;
}

const customer = { userId: null, channel: 'api' } as const;

beforeEach(async () => {
  kith = await createTestKith();
});
afterEach(async () => {
  await kith.destroy();
});

describe('the seed case', () => {
  it('unassigns on resolve, credits the resolver, and gives the reopened conversation to the online agent', async () => {
    const a = await agent('a@example.com');
    const b = await agent('b@example.com');
    await kith.agents.setAvailability(a.id, 'online', a.actor);
    await kith.agents.setAvailability(b.id, 'online', b.actor);
    const inbox = await inboxWith([a.id, b.id]);
    await kith.rules.create(UNASSIGN_ON_RESOLVE, SYSTEM_ACTOR);

    const conversation = await kith.conversations.create(
      {
        inbox_id: inbox.id,
        contact: { phone: '13800138000', name: '李雷' },
        message: '你好',
        assignee_id: a.id,
      },
      customer,
    );
    expect(conversation.assignee_id).toBe(a.id);

    const resolved = await kith.conversations.update(conversation.id, { status: 'resolved' }, a.actor);
    expect(resolved).toMatchObject({ status: 'resolved', assignee_id: null });
    const report = await kith.agents.report({});
    expect(report.find((r) => r.user_id === a.id)?.resolved).toBe(1);
    expect(report.find((r) => r.user_id === b.id)?.resolved).toBe(0);

    await kith.agents.setAvailability(a.id, 'offline', a.actor);
    await kith.conversations.addMessage(
      conversation.id,
      { direction: 'incoming', content: '还在吗?' },
      customer,
    );
    const reopened = await kith.conversations.get(conversation.id);
    expect(reopened).toMatchObject({ status: 'open', assignee_id: b.id, waiting_since: null });
    // The later unassignment took nothing away from A.
    expect((await kith.agents.report({})).find((r) => r.user_id === a.id)?.resolved).toBe(1);

    const events = await kith.conversations.events(conversation.id);
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'assigned',
      'status_changed',
      'assigned',
      'status_changed',
      'assigned',
    ]);
    const timeline = await kith.contacts.timeline(conversation.contact_id);
    expect(timeline.filter((e) => e.type.startsWith('conversation_')).length).toBe(6);
  });

  it('waits unassigned when both agents are offline and goes to whichever comes online first', async () => {
    const a = await agent('a@example.com');
    const b = await agent('b@example.com');
    const inbox = await inboxWith([a.id, b.id]);
    await kith.rules.create(UNASSIGN_ON_RESOLVE, SYSTEM_ACTOR);
    await kith.agents.setAvailability(a.id, 'online', a.actor);
    const conversation = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: 'x@example.com' }, message: 'hi' },
      customer,
    );
    expect(conversation.assignee_id).toBe(a.id);
    await kith.conversations.update(conversation.id, { status: 'resolved' }, a.actor);
    await kith.agents.setAvailability(a.id, 'offline', a.actor);

    await kith.conversations.addMessage(
      conversation.id,
      { direction: 'incoming', content: 'again' },
      customer,
    );
    const waiting = await kith.conversations.get(conversation.id);
    expect(waiting).toMatchObject({ status: 'open', assignee_id: null });
    expect(waiting.waiting_since).not.toBeNull();

    await kith.agents.setAvailability(b.id, 'online', b.actor);
    expect((await kith.conversations.get(conversation.id)).assignee_id).toBe(b.id);
  });
});

describe('auto-assignment', () => {
  it('round robin gives each eligible agent an equal share', async () => {
    const agents = await Promise.all(['a', 'b', 'c'].map((n) => agent(`${n}@example.com`)));
    for (const a of agents) await kith.agents.setAvailability(a.id, 'online', a.actor);
    const inbox = await inboxWith(agents.map((a) => a.id));
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const c = await kith.conversations.create(
        { inbox_id: inbox.id, contact: { email: `c${i}@example.com` } },
        customer,
      );
      counts.set(c.assignee_id!, (counts.get(c.assignee_id!) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });

  it('skips busy and offline agents, respects capacity and serves the backlog oldest first when capacity frees', async () => {
    const a = await agent('a@example.com');
    const busy = await agent('busy@example.com');
    await kith.agents.setAvailability(a.id, 'online', a.actor);
    await kith.agents.setAvailability(busy.id, 'busy', busy.actor);
    await kith.agents.setCapacity(a.id, 1, SYSTEM_ACTOR);
    const inbox = await inboxWith([a.id, busy.id], 'balanced');
    const first = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: '1@example.com' } },
      customer,
    );
    const second = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: '2@example.com' } },
      customer,
    );
    const third = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: '3@example.com' } },
      customer,
    );
    expect(first.assignee_id).toBe(a.id);
    expect(second.assignee_id).toBeNull();
    expect(third.assignee_id).toBeNull();

    await kith.conversations.update(first.id, { status: 'resolved' }, a.actor);
    expect((await kith.conversations.get(second.id)).assignee_id).toBe(a.id);
    expect((await kith.conversations.get(third.id)).assignee_id).toBeNull();

    await kith.agents.setCapacity(a.id, null, SYSTEM_ACTOR);
    expect((await kith.conversations.get(third.id)).assignee_id).toBe(a.id);
  });

  it('takes an open conversation away from an agent who left the inbox', async () => {
    const a = await agent('a@example.com');
    const b = await agent('b@example.com');
    await kith.agents.setAvailability(a.id, 'online', a.actor);
    await kith.agents.setAvailability(b.id, 'online', b.actor);
    const inbox = await inboxWith([a.id]);
    const c = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: 'z@example.com' } },
      customer,
    );
    expect(c.assignee_id).toBe(a.id);
    await kith.inboxes.addMember(inbox.id, b.id, SYSTEM_ACTOR);
    await kith.inboxes.removeMember(inbox.id, a.id, SYSTEM_ACTOR);
    expect((await kith.conversations.get(c.id)).assignee_id).toBe(b.id);
  });

  it('leaves inboxes without auto-assignment alone', async () => {
    const a = await agent('a@example.com');
    await kith.agents.setAvailability(a.id, 'online', a.actor);
    const inbox = await kith.inboxes.create({ name: 'Manual' }, SYSTEM_ACTOR);
    await kith.inboxes.addMember(inbox.id, a.id, SYSTEM_ACTOR);
    const c = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: 'm@example.com' } },
      customer,
    );
    expect(c.assignee_id).toBeNull();
    await kith.inboxes.update(inbox.id, { auto_assignment: { enabled: true } }, SYSTEM_ACTOR);
    expect((await kith.conversations.get(c.id)).assignee_id).toBe(a.id);
  });
});
