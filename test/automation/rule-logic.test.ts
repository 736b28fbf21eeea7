/** Pure rule logic on tables of cases: condition operators, grouping, changes, rule validation, agent picking. */
import { describe, expect, it } from 'vitest';
import { mergeConversationPatches } from '../../src/automation/actions/rule-action-runner.js';
import { pickAgent, type AgentCandidate } from '../../src/automation/assignment/pick-agent.js';
import {
  conditionsMatch,
  traceConditions,
  type RuleFacts,
} from '../../src/automation/rules/evaluate-conditions.js';
import { parseRuleDefinition, type ConditionNode } from '../../src/automation/rules/rule-definition.js';
import { renderTemplate } from '../../src/automation/rules/rule-facts.js';

const after = {
  status: 'resolved',
  assignee_id: null,
  labels: ['vip', 'billing'],
  priority: 'high',
  'attr.order_total': 1250,
  'contact.name': '李雷',
  'contact.email': 'li.lei@example.com',
  'contact.tags': ['Wholesale'],
  'message.content': 'Where is my REFUND?',
};
const before = { ...after, status: 'open', assignee_id: 'usr_a', labels: ['billing'], priority: 'low' };
const update: RuleFacts = { after, before };
const created: RuleFacts = { after, before: null };

describe('condition operators', () => {
  const cases: [string, ConditionNode, RuleFacts, boolean][] = [
    ['equal_to text', { attribute: 'status', operator: 'equal_to', value: 'resolved' }, created, true],
    [
      'equal_to is case-insensitive',
      { attribute: 'status', operator: 'equal_to', value: 'RESOLVED' },
      created,
      true,
    ],
    [
      'equal_to any of a list',
      { attribute: 'status', operator: 'equal_to', value: ['open', 'resolved'] },
      created,
      true,
    ],
    [
      'equal_to null means absent',
      { attribute: 'assignee_id', operator: 'equal_to', value: null },
      created,
      true,
    ],
    ['not_equal_to', { attribute: 'status', operator: 'not_equal_to', value: 'open' }, created, true],
    [
      'equal_to on a list attribute is membership',
      { attribute: 'labels', operator: 'equal_to', value: 'vip' },
      created,
      true,
    ],
    [
      'contains substring, any case',
      { attribute: 'message.content', operator: 'contains', value: 'refund' },
      created,
      true,
    ],
    [
      'does_not_contain',
      { attribute: 'message.content', operator: 'does_not_contain', value: 'invoice' },
      created,
      true,
    ],
    [
      'contains on tags',
      { attribute: 'contact.tags', operator: 'contains', value: 'wholesale' },
      created,
      true,
    ],
    ['starts_with', { attribute: 'contact.email', operator: 'starts_with', value: 'li.' }, created, true],
    [
      'starts_with Chinese',
      { attribute: 'contact.name', operator: 'starts_with', value: '李' },
      created,
      true,
    ],
    ['is_present', { attribute: 'labels', operator: 'is_present' }, created, true],
    [
      'is_not_present of a missing attribute',
      { attribute: 'attr.coupon', operator: 'is_not_present' },
      created,
      true,
    ],
    ['is_present of null', { attribute: 'assignee_id', operator: 'is_present' }, created, false],
    [
      'greater_than number',
      { attribute: 'attr.order_total', operator: 'greater_than', value: 1000 },
      created,
      true,
    ],
    [
      'less_than number given as text',
      { attribute: 'attr.order_total', operator: 'less_than', value: '999' },
      created,
      false,
    ],
    [
      'greater_than priority by rank',
      { attribute: 'priority', operator: 'greater_than', value: 'medium' },
      created,
      true,
    ],
    [
      'less_than on an absent value is false',
      { attribute: 'attr.coupon', operator: 'less_than', value: 5 },
      created,
      false,
    ],
    ['changed', { attribute: 'status', operator: 'changed' }, update, true],
    ['changed, not on a create', { attribute: 'status', operator: 'changed' }, created, false],
    ['unchanged attribute', { attribute: 'contact.name', operator: 'changed' }, update, false],
    ['changed_from', { attribute: 'status', operator: 'changed_from', value: 'open' }, update, true],
    [
      'changed_from the wrong value',
      { attribute: 'status', operator: 'changed_from', value: 'pending' },
      update,
      false,
    ],
    ['changed_to', { attribute: 'status', operator: 'changed_to', value: 'resolved' }, update, true],
    [
      'changed_to null (unassigned)',
      { attribute: 'assignee_id', operator: 'changed_to', value: null },
      update,
      true,
    ],
    [
      'label added is changed_to',
      { attribute: 'labels', operator: 'changed_to', value: 'vip' },
      update,
      true,
    ],
    [
      'a label already there is not changed_to',
      { attribute: 'labels', operator: 'changed_to', value: 'billing' },
      update,
      false,
    ],
    [
      'priority changed_from low',
      { attribute: 'priority', operator: 'changed_from', value: 'low' },
      update,
      true,
    ],
  ];
  it.each(cases)('%s', (_, node, facts, expected) => {
    expect(conditionsMatch(node, facts)).toBe(expected);
  });
});

describe('grouping', () => {
  const isResolved = { attribute: 'status', operator: 'equal_to', value: 'resolved' } as const;
  const isVip = { attribute: 'labels', operator: 'contains', value: 'vip' } as const;
  const isUrgent = { attribute: 'priority', operator: 'equal_to', value: 'urgent' } as const;
  const cases: [string, ConditionNode, boolean][] = [
    ['empty all is true', { all: [] }, true],
    ['empty any is false', { any: [] }, false],
    ['A AND (B OR C): true, (true OR false)', { all: [isResolved, { any: [isVip, isUrgent] }] }, true],
    ['(A AND C) OR B: (true AND false) OR true', { any: [{ all: [isResolved, isUrgent] }, isVip] }, true],
    // Flat "A AND C OR B" engines read as A AND (C OR B) or (A AND C) OR B; groups say which.
    [
      'A AND (C OR NOT-B)',
      { all: [isResolved, { any: [isUrgent, { ...isVip, operator: 'does_not_contain' }] }] },
      false,
    ],
    [
      'changed inside an OR group',
      { any: [isUrgent, { attribute: 'status', operator: 'changed_to', value: 'resolved' }] },
      true,
    ],
    ['deep nesting', { all: [{ any: [{ all: [isResolved, isVip] }, isUrgent] }] }, true],
  ];
  it.each(cases)('%s', (_, node, expected) => {
    expect(conditionsMatch(node, update)).toBe(expected);
    expect(traceConditions(node, update).matched).toBe(expected);
  });

  it('traces every node for a dry run', () => {
    const trace = traceConditions({ all: [isResolved, { any: [isVip, isUrgent] }] }, update);
    expect(trace).toMatchObject({
      matched: true,
      group: 'all',
      children: [
        { matched: true, actual: 'resolved' },
        { matched: true, group: 'any', children: [{ matched: true }, { matched: false }] },
      ],
    });
  });
});

describe('rule validation', () => {
  const base = {
    name: 'Unassign on resolve',
    event: 'conversation_updated',
    conditions: { all: [{ attribute: 'status', operator: 'equal_to', value: 'resolved' }] },
    actions: [{ action: 'assign_agent', agent_id: null }],
  };
  it('accepts the issue example and fills defaults', () => {
    expect(parseRuleDefinition(base)).toMatchObject({ active: true, once_per_conversation: false });
  });
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['unknown event', { event: 'conversation_deleted' }, /event/],
    [
      'unknown attribute',
      { conditions: { all: [{ attribute: 'colour', operator: 'equal_to', value: 'x' }] } },
      /conditions\.all\[0\]\.attribute.*not an attribute/,
    ],
    [
      'missing value',
      { conditions: { any: [{ attribute: 'status', operator: 'equal_to' }] } },
      /conditions\.any\[0\]\.value: is required by equal_to/,
    ],
    [
      'changed on a create event',
      { event: 'conversation_created', conditions: { all: [{ attribute: 'status', operator: 'changed' }] } },
      /only means something on update events/,
    ],
    [
      'message attribute on another event',
      { conditions: { all: [{ attribute: 'message.content', operator: 'contains', value: 'x' }] } },
      /only available on message_created/,
    ],
    [
      'conversation action on a contact event',
      { event: 'contact_created', conditions: { all: [] } },
      /actions\[0\]\.action.*contact events may use send_webhook, send_email/,
    ],
    ['no actions', { actions: [] }, /at least one action/],
    [
      'short webhook secret',
      { actions: [{ action: 'send_webhook', url: 'https://example.com/h', secret: 'short' }] },
      /16 characters/,
    ],
    [
      'webhook to a file URL',
      { actions: [{ action: 'send_webhook', url: 'file:///etc/passwd', secret: 'x'.repeat(20) }] },
      /url/,
    ],
    ['unknown action', { actions: [{ action: 'delete_contact' }] }, /action/],
    [
      'a priority no conversation can have',
      { conditions: { all: [{ attribute: 'priority', operator: 'equal_to', value: 'whenever' }] } },
      /conditions\.all\[0\]\.value: is not a priority \(one of low, medium, high, urgent\) \(got "whenever"\)/,
    ],
    [
      'a status in another language',
      { conditions: { all: [{ attribute: 'status', operator: 'changed_to', value: '已解决' }] } },
      /conditions\.all\[0\]\.value: is not a status/,
    ],
    [
      'one wrong status in a list',
      { conditions: { any: [{ attribute: 'status', operator: 'equal_to', value: ['open', 'closed'] }] } },
      /conditions\.any\[0\]\.value: is not a status/,
    ],
    [
      'a message type that does not exist',
      {
        event: 'message_created',
        conditions: { all: [{ attribute: 'message.type', operator: 'equal_to', value: 'email' }] },
      },
      /value: is not a message\.type \(one of incoming, outgoing, note\)/,
    ],
    [
      'a total spent in words',
      {
        conditions: { all: [{ attribute: 'contact.total_spent', operator: 'greater_than', value: 'a lot' }] },
      },
      /value: must be a number/,
    ],
    [
      'an impossible last-order date',
      {
        conditions: {
          all: [{ attribute: 'contact.last_order_at', operator: 'less_than', value: 'last week' }],
        },
      },
      /value: must be a date or time/,
    ],
    [
      'conditions nested 700 deep (zod would run out of stack)',
      {
        conditions: Array.from({ length: 700 }).reduce<Record<string, unknown>>(
          (inner) => ({ any: [inner] }),
          {
            all: [],
          },
        ),
      },
      /conditions: are nested more than 32 levels deep/,
    ],
  ];
  it.each(bad)('refuses %s, naming the path', (_, change, message) => {
    expect(() => parseRuleDefinition({ ...base, ...change })).toThrow(message);
  });
  it.each([
    ['priority ranks', { attribute: 'priority', operator: 'greater_than', value: 'medium' }],
    ['statuses in a list', { attribute: 'status', operator: 'equal_to', value: ['open', 'pending'] }],
    [
      'a total spent as text',
      { attribute: 'contact.total_spent', operator: 'greater_than', value: '999.50' },
    ],
    ['an orders count', { attribute: 'contact.orders_count', operator: 'equal_to', value: 3 }],
    ['a date', { attribute: 'contact.last_order_at', operator: 'less_than', value: '2026-01-31' }],
    [
      'a time',
      { attribute: 'contact.created_at', operator: 'greater_than', value: '2026-01-31T09:00:00+08:00' },
    ],
    [
      'a custom attribute (values unchecked)',
      { attribute: 'contact.attr.tier', operator: 'equal_to', value: 'Gold' },
    ],
  ])('accepts %s', (_, condition) => {
    expect(() => parseRuleDefinition({ ...base, conditions: { all: [condition] } })).not.toThrow();
  });
});

describe('pickAgent', () => {
  const agent = (userId: string, o: Partial<AgentCandidate> = {}): AgentCandidate => ({
    userId,
    availability: 'online',
    capacity: null,
    openCount: 0,
    lastAssignedAt: null,
    ...o,
  });
  it('round robin: whoever waited longest, never-assigned first', () => {
    expect(
      pickAgent('round_robin', [
        agent('a', { lastAssignedAt: '2026-01-02' }),
        agent('b', { lastAssignedAt: '2026-01-01' }),
      ]),
    ).toBe('b');
    expect(pickAgent('round_robin', [agent('a', { lastAssignedAt: '2026-01-01' }), agent('b')])).toBe('b');
  });
  it('balanced: fewest open conversations', () => {
    expect(
      pickAgent('balanced', [
        agent('a', { openCount: 3 }),
        agent('b', { openCount: 1, lastAssignedAt: '2026-01-05' }),
      ]),
    ).toBe('b');
  });
  it('skips busy, offline and full agents', () => {
    expect(
      pickAgent('round_robin', [
        agent('a', { availability: 'busy' }),
        agent('b', { availability: 'offline' }),
        agent('c', { capacity: 2, openCount: 2 }),
      ]),
    ).toBeNull();
    expect(
      pickAgent('round_robin', [
        agent('a', { availability: 'busy' }),
        agent('d', { capacity: 0 }),
        agent('c', { capacity: 3, openCount: 2 }),
      ]),
    ).toBe('c');
  });
  it('round robin over many picks is fair when assignments are recorded', () => {
    const pool = ['a', 'b', 'c', 'd'].map((id) => agent(id));
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const id = pickAgent('round_robin', pool)!;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      pool.find((p) => p.userId === id)!.lastAssignedAt = String(i).padStart(6, '0');
    }
    expect([...counts.values()]).toEqual([250, 250, 250, 250]);
  });
});

describe('renderTemplate', () => {
  it('fills facts and leaves unknown names empty', () => {
    expect(renderTemplate('Hi {{ contact.name }}, about {{labels}}{{contact.nickname}}', after)).toBe(
      'Hi 李雷, about vip, billing',
    );
  });
});

describe('mergeConversationPatches', () => {
  const cases: [string, Record<string, unknown>[], Record<string, unknown>][] = [
    ['labels add up', [{ add_labels: ['a'] }, { add_labels: ['b'] }], { add_labels: ['a', 'b'] }],
    [
      'a later remove wins over an add',
      [{ add_labels: ['a'] }, { remove_labels: ['a'] }],
      { remove_labels: ['a'] },
    ],
    [
      'a later add wins over a remove',
      [{ remove_labels: ['a'] }, { add_labels: ['a'] }],
      { add_labels: ['a'] },
    ],
    [
      'the later rule wins on one attribute',
      [{ assignee_id: 'usr_a' }, { assignee_id: null }],
      { assignee_id: null },
    ],
    [
      'different attributes combine',
      [{ priority: 'high' }, { team_id: 'team_x' }],
      { priority: 'high', team_id: 'team_x' },
    ],
    [
      'a later status drops an earlier snooze time',
      [{ status: 'snoozed', snoozed_until: '2030-01-01T00:00:00Z' }, { status: 'resolved' }],
      { status: 'resolved' },
    ],
  ];
  it.each(cases)('%s', (_, patches, expected) => {
    expect(patches.reduce((p, n) => mergeConversationPatches(p, n), {})).toEqual(expected);
  });
});
