import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { parseRuleDefinition } from '../../src/automation/rules/rule-definition.js';
import { KithError } from '../../src/domain/errors.js';
import { WEB, zh } from './web-i18n.js';

const { reasonText } = (await import(`${WEB}/features/settings/form-problem.ts`)) as {
  reasonText: (reason: string, t: TFunction) => string;
};

/** The reasons the server gives for a rule, by field. */
function reasonsOf(rule: unknown): Record<string, string> {
  try {
    parseRuleDefinition(rule);
  } catch (e) {
    if (!(e instanceof KithError)) throw e;
    const details = (Array.isArray(e.details) ? e.details : [e.details]) as {
      field: string;
      reason: string;
    }[];
    return Object.fromEntries(details.map((d) => [d.field, d.reason]));
  }
  throw new Error('the rule was accepted');
}

const base = { name: 'R', event: 'conversation_created', conditions: { all: [] } };

describe('a refused rule’s reasons in the rule editor’s language (the server’s real words)', () => {
  it.each([
    ['an empty message', { actions: [{ action: 'send_message', content: '' }] }, '必填'],
    [
      'an e-mail with no subject',
      { actions: [{ action: 'send_email', to: ['a@example.com'], subject: '', body: 'x' }] },
      '必填',
    ],
    [
      'an e-mail to nobody',
      { actions: [{ action: 'send_email', to: [], subject: 's', body: 'x' }] },
      '至少添加',
    ],
    [
      'an e-mail to a bad address',
      { actions: [{ action: 'send_email', to: ['nope'], subject: 's', body: 'x' }] },
      '不是有效的邮箱地址',
    ],
    [
      'a webhook to no address',
      { actions: [{ action: 'send_webhook', url: 'not a url', secret: 'x'.repeat(20) }] },
      'http://',
    ],
    [
      'an impossible priority',
      {
        actions: [{ action: 'add_label', labels: ['x'] }],
        conditions: { all: [{ attribute: 'priority', operator: 'equal_to', value: 'whenever' }] },
      },
      '请从以下选项中选择',
    ],
    [
      'a total spent in words',
      {
        actions: [{ action: 'add_label', labels: ['x'] }],
        conditions: { all: [{ attribute: 'contact.total_spent', operator: 'greater_than', value: 'lots' }] },
      },
      '请输入数字',
    ],
  ])('%s', (_, change, chinese) => {
    const reasons = Object.values(reasonsOf({ ...base, ...change }));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reasonText(reason, zh)).toContain(chinese);
  });
});
