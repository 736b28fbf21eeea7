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
                  : a,
        );
      expect(() =>
        parseRuleDefinition({ name: event, event, conditions: { any: conditions }, actions }),
      ).not.toThrow();
    }
  });

  it('writes server paths the way the builder keys its fields', () => {
    expect(model.normalizePath('actions.0.secret')).toBe('actions[0].secret');
    expect(model.normalizePath('conditions.all.1.any.0.value')).toBe('conditions.all[1].any[0].value');
    expect(model.normalizePath('conditions.all[0].value')).toBe('conditions.all[0].value');
  });
});
