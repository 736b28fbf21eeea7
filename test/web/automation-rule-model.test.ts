/**
 * The automation rule builder produces exactly what the server accepts: every template parses with the
 * server's own `parseRuleDefinition`, and every attribute, operator and action the builder offers for an
 * event is one the server allows there (a condition made of the first value of each kind, per event).
 */
import { describe, expect, it } from 'vitest';
import {
  parseRuleDefinition,
  RULE_EVENTS as SERVER_EVENTS,
} from '../../src/automation/rules/rule-definition.js';

// Loaded by path: the web app resolves its imports the bundler's way (see i18n-keys.test.ts).
const model = (await import(
  `${'../../web/src/features/automation'}/rule-model.ts`
)) as typeof import('../../web/src/features/automation/rule-model.js');

const SAMPLE: Record<string, unknown> = {
  agent: 'usr_1',
  team: 'team_1',
  inbox: 'inb_1',
  status: 'open',
  priority: 'high',
  message_type: 'incoming',
  labels: 'vip',
  text: 'x',
  number: 5,
  date: '2026-01-01',
  boolean: true,
  options: 'gold',
};

describe('the automation rule builder against the server’s rule format', () => {
  it('knows the same events', () => {
    expect([...model.RULE_EVENTS]).toEqual([...SERVER_EVENTS]);
  });

  it('offers templates the server accepts as they are', () => {
    for (const id of model.TEMPLATE_IDS) {
      const draft = model.templateRule(id, `Template ${id}`, 'refund');
      expect(parseRuleDefinition(draft), id).toMatchObject({ event: draft.event, actions: draft.actions });
    }
    expect(model.templateRule('unassign_on_resolve', 'x', '')).toMatchObject({
      event: 'conversation_resolved',
      actions: [{ action: 'assign_agent', agent_id: null }],
    });
  });

  it('starts a new rule with its assignee to choose: a rule saved as it opens never unassigns', () => {
    const blank = model.emptyRule();
    expect(blank.actions).toEqual([{ action: 'assign_agent', agent_id: undefined }]);
    expect(model.unchosenActionFields(blank.actions)).toEqual(['actions[0].agent_id']);
    const chosen: typeof blank.actions = [
      { action: 'assign_agent', agent_id: null },
      model.newAction('assign_team'),
      model.newAction('add_label'),
      { action: 'assign_agent', agent_id: 'usr_1' },
    ];
    expect(model.unchosenActionFields(chosen)).toEqual(['actions[1].team_id']);
  });

  it('offers per event only attributes, operators and actions the server allows there', () => {
    const custom = model.customAttributes([
      { key: 'tier', label: 'Tier', type: 'list', options: ['gold'] },
      { key: 'vip', label: 'VIP', type: 'boolean', options: null },
    ]);
    for (const event of model.RULE_EVENTS) {
      const conditions = model
        .attributesFor(event, custom)
        .flatMap((attribute) =>
          model
            .operatorsFor(attribute.kind, event)
            .map((operator) =>
              model.VALUELESS.has(operator)
                ? { attribute: attribute.name, operator }
                : { attribute: attribute.name, operator, value: SAMPLE[attribute.kind] as string },
            ),
        );
      const actions = model
        .actionsFor(event)
        .map((name) => model.newAction(name))
        .map((a) =>
          a.action === 'add_label' || a.action === 'remove_label'
            ? { ...a, labels: ['vip'] }
            : a.action === 'send_message' || a.action === 'add_note'
              ? { ...a, content: 'hello' }
              : a.action === 'send_webhook'
                ? { ...a, url: 'https://example.com/hook', secret: 'a-secret-of-16-chars' }
                : a.action === 'send_email'
                  ? { ...a, to: ['a@example.com'], subject: 's', body: 'b' }
                  : a.action === 'assign_agent'
                    ? { ...a, agent_id: null }
                    : a.action === 'assign_team'
                      ? { ...a, team_id: null }
                      : a,
        );
      expect(() =>
        parseRuleDefinition({ name: event, event, conditions: { any: conditions }, actions }),
      ).not.toThrow();
    }
  });
});

describe('a refused rule’s reasons placed on the builder’s fields', () => {
  const shown = new Set([
    'name',
    'actions[0]',
    'actions[0].to',
    'actions[0].subject',
    'conditions.all[0].value',
  ]);
  const say = (reason: string | undefined) => `<${reason}>`;
  const sayItem = (item: string, reason: string) => `${item} ${reason}`;

  it.each([
    [
      'a field the builder shows',
      [{ field: 'actions[0].subject', reason: 'is required' }],
      { 'actions[0].subject': '<is required>' },
      [],
    ],
    [
      'two bad addresses of one “To” field, on that field with their values',
      [
        { field: 'actions[0].to[1]', value: 'nope', reason: 'Invalid email address' },
        { field: 'actions[0].to[3]', value: 'x@', reason: 'Invalid email address' },
      ],
      { 'actions[0].to': 'nope <Invalid email address> x@ <Invalid email address>' },
      [],
    ],
    [
      'an action’s key the builder has no field for, named by the action’s number',
      [{ field: 'actions[2].action', value: 'add_labels', reason: 'Invalid discriminator value' }],
      {},
      [{ place: { kind: 'action', n: 3 }, reason: '<Invalid discriminator value>' }],
    ],
    [
      'a condition path it does not show, as the conditions',
      [{ field: 'conditions.all[4].any', reason: 'is too deep' }],
      {},
      [{ place: { kind: 'conditions' }, reason: '<is too deep>' }],
    ],
    [
      'anything else, as the rule',
      [{ field: 'tenant', reason: 'x' }],
      {},
      [{ place: { kind: 'rule' }, reason: '<x>' }],
    ],
  ])('%s', (_, details, fields, elsewhere) => {
    expect(model.placeRuleErrors(details, shown, say, sayItem)).toEqual({ fields, elsewhere });
  });

  it('says several items of one field with the screen’s joiner (its sentences)', () => {
    const details = [
      { field: 'actions[0].to[0]', value: 'nope', reason: 'Invalid email address' },
      { field: 'actions[0].to[2]', value: 'x@', reason: 'Invalid email address' },
    ];
    expect(model.placeRuleErrors(details, shown, say, sayItem, (items) => items.join('|')).fields).toEqual({
      'actions[0].to': 'nope <Invalid email address>|x@ <Invalid email address>',
    });
  });
});
