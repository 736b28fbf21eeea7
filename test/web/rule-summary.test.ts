import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { conditionsText, actionsText } = (await import(`${WEB}/features/automation/rule-summary.ts`)) as {
  conditionsText: (node: unknown, t: TFunction) => string;
  actionsText: (actions: unknown, t: TFunction) => string;
};

describe('a rule’s conditions in words (the audit log)', () => {
  it.each([
    [{ all: [] }, 'always'],
    [{ all: [{ attribute: 'priority', operator: 'equal_to', value: 'high' }] }, 'Priority is High'],
    [
      {
        all: [
          { attribute: 'status', operator: 'changed_to', value: 'resolved' },
          {
            any: [
              { attribute: 'labels', operator: 'contains', value: ['vip', 'gold'] },
              { attribute: 'contact.total_spent', operator: 'greater_than', value: 1000 },
            ],
          },
        ],
      },
      'Status changed to Resolved and (Labels contains vip, gold or Customer total spent is more than 1000)',
    ],
    [
      { any: [{ attribute: 'contact.last_order_at', operator: 'less_than', value: '2026-01-01' }] },
      'Customer last purchase is before 2026-01-01',
    ],
    [{ all: [{ attribute: 'assignee_id', operator: 'is_not_present' }] }, 'Assignee is not set'],
    [
      { all: [{ attribute: 'contact.attr.tier', operator: 'equal_to', value: 'Gold' }] },
      'Customer: tier is Gold',
    ],
  ])('%j reads “%s”', (conditions, text) => {
    expect(conditionsText(conditions, en)).toBe(text);
  });

  it('reads in Chinese too', () => {
    expect(
      conditionsText(
        {
          all: [
            { attribute: 'priority', operator: 'equal_to', value: 'urgent' },
            { attribute: 'message.content', operator: 'contains', value: '退款' },
          ],
        },
        zh,
      ),
    ).toMatch(/^优先级 .* 紧急 且 .*退款$/);
    expect(
      conditionsText({ all: [{ attribute: 'labels', operator: 'contains', value: ['vip', 'gold'] }] }, zh),
    ).toMatch(/vip、gold$/);
    expect(
      conditionsText(
        {
          all: [
            { attribute: 'priority', operator: 'equal_to', value: 'high' },
            {
              any: [
                { attribute: 'status', operator: 'changed_to', value: 'resolved' },
                { attribute: 'labels', operator: 'contains', value: 'vip' },
              ],
            },
          ],
        },
        zh,
      ),
    ).toBe('优先级 等于 高 且（状态 变化后为 已解决 或 标签 包含 vip）');
    // A value's own space before a full-width bracket is the user's: kept; the joiner's beside one goes.
    expect(
      conditionsText(
        {
          any: [
            { attribute: 'contact.company', operator: 'equal_to', value: 'ACME （北京）' },
            {
              all: [
                { attribute: 'labels', operator: 'contains', value: 'vip' },
                { attribute: 'labels', operator: 'contains', value: 'gold' },
              ],
            },
          ],
        },
        zh,
      ),
    ).toMatch(/ACME （北京）或（标签 包含 vip 且 标签 包含 gold）$/);
    expect(actionsText([{ action: 'add_label', labels: ['vip', 'refund'] }], zh)).toBe(
      '添加标签：vip、refund',
    );
    expect(
      actionsText(
        [
          { action: 'set_priority', priority: 'urgent' },
          { action: 'assign_agent', agent_id: null },
        ],
        zh,
      ),
    ).toBe('设置优先级：紧急 · 分配给客服：无人');
  });
});

describe('a rule’s actions in words', () => {
  it.each([
    [[], 'no actions'],
    [
      [
        { action: 'add_label', labels: ['vip', 'refund'] },
        { action: 'set_priority', priority: 'urgent' },
      ],
      'Add labels: vip, refund · Set priority: Urgent',
    ],
    [[{ action: 'change_status', status: 'open' }], 'Change status: Open'],
    [[{ action: 'assign_agent', agent_id: null }], 'Assign to agent: nobody'],
    [
      [
        {
          action: 'send_message',
          content: 'Hello {{name}}, thanks for writing. An agent will reply shortly, promise.',
        },
      ],
      'Send a message: “Hello {{name}}, thanks for writing. An agent will reply shor…”',
    ],
    [
      [{ action: 'send_email', to: ['a@example.com', 'b@example.com'], subject: 's', body: 'b' }],
      'Send an email: a@example.com, b@example.com',
    ],
  ])('%j reads “%s”', (actions, text) => {
    expect(actionsText(actions, en)).toBe(text);
  });
});
