/**
 * A rule's conditions and actions in words (the audit log's before → after of a rule): "Priority is
 * High and (Labels contains vip or Customer total spent is more than 1000)"; "Add labels: vip · Set
 * priority: High". Pure; the labels are the rule builder's.
 */
import type { TFunction } from 'i18next';
import {
  type Condition,
  type ConditionNode,
  childrenOf,
  groupKind,
  isGroup,
  type RuleAction,
  VALUELESS,
} from './rule-model';

export function attributeLabel(name: string, t: TFunction, custom: { name: string; label?: string }[] = []) {
  const own = custom.find((a) => a.name === name);
  if (own) return t('automation.attributes.custom', { label: own.label ?? name });
  const translated = t(`automation.attributes.${name.replace(/\./g, '_')}`, { defaultValue: '' });
  if (translated) return translated;
  // A custom attribute not in the list given (deleted since, or no list at hand): by its key.
  if (name.startsWith('contact.attr.'))
    return t('automation.attributes.custom', { label: name.slice('contact.attr.'.length) });
  return name;
}

const isDate = (attribute: string) => /(_at)$/.test(attribute);

/** A condition's value in words: statuses, priorities and message types translated. */
export function valueText(attribute: string, value: Condition['value'], t: TFunction): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value))
    return value.map((v) => valueText(attribute, v, t)).join(t('common.valueSeparator'));
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  const text = String(value);
  if (attribute === 'status') return t(`automation.statuses.${text}`, { defaultValue: text });
  if (attribute === 'priority') return t(`automation.priorities.${text}`, { defaultValue: text });
  if (attribute === 'message.type') return t(`automation.messageTypes.${text}`, { defaultValue: text });
  return text;
}

function conditionText(condition: Condition, t: TFunction): string {
  const operator =
    isDate(condition.attribute) && condition.operator === 'greater_than'
      ? t('automation.operators.after')
      : isDate(condition.attribute) && condition.operator === 'less_than'
        ? t('automation.operators.before')
        : t(`automation.operators.${condition.operator}`, { defaultValue: condition.operator });
  const subject = `${attributeLabel(condition.attribute, t)} ${operator}`;
  return VALUELESS.has(condition.operator)
    ? subject
    : `${subject} ${valueText(condition.attribute, condition.value, t)}`;
}

/** Conditions as one sentence; a nested group in brackets. Nothing when there are none. */
export function conditionsText(node: unknown, t: TFunction, nested = false): string {
  if (node === null || node === undefined) return '';
  if (Array.isArray(node)) return conditionsText({ all: node }, t, nested);
  if (typeof node !== 'object') return String(node);
  const condition = node as ConditionNode;
  if (!isGroup(condition)) return conditionText(condition, t);
  const children = childrenOf(condition);
  if (children.length === 0) return nested ? '' : t('automation.summary.always');
  const word = t(`automation.summary.${groupKind(condition) === 'all' ? 'and' : 'or'}`);
  // A full-width bracket (Chinese) has its own space: none beside it ("且（状态…）"). Only the joiner's
  // spaces go; a value's own ("ACME （北京）") stays as typed.
  const text = children
    .map((child) => conditionsText(child, t, true))
    .reduce(
      (joined, next) =>
        `${joined}${joined.endsWith('）') ? '' : ' '}${word}${next.startsWith('（') ? '' : ' '}${next}`,
    );
  return nested && children.length > 1 ? t('automation.summary.group', { conditions: text }) : text;
}

function actionArgument(action: RuleAction, t: TFunction): string {
  switch (action.action) {
    case 'add_label':
    case 'remove_label':
      return action.labels.join(t('common.valueSeparator'));
    case 'set_priority':
      return action.priority ? t(`automation.priorities.${action.priority}`) : '—';
    case 'change_status':
      return t(`automation.statuses.${action.status}`, { defaultValue: action.status });
    case 'send_message':
    case 'add_note':
      return `“${action.content.length > 60 ? `${action.content.slice(0, 60)}…` : action.content}”`;
    case 'send_webhook':
      return action.url;
    case 'send_email':
      return action.to.join(t('common.valueSeparator'));
    case 'assign_agent':
      return action.agent_id ?? t('automation.summary.nobody');
    case 'assign_team':
      return action.team_id ?? t('automation.summary.nobody');
  }
}

/** Actions as a list: each by its name, with what it sets. */
export function actionsText(actions: unknown, t: TFunction): string {
  if (!Array.isArray(actions)) return '';
  if (actions.length === 0) return t('automation.summary.noActions');
  return (actions as RuleAction[])
    .map((action) => {
      const name = t(`automation.actionNames.${action.action}`, { defaultValue: action.action });
      const argument = actionArgument(action, t);
      return argument ? t('automation.summary.actionWith', { name, argument }) : name;
    })
    .join(' · ');
}
