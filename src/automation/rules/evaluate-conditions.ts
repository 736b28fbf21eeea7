/**
 * Condition evaluation, pure. A rule sees flat facts (`status`, `labels`, `contact.email`,
 * `message.content`…) after the change and, on update events, before it. Groups are explicit
 * (`all` = AND, `any` = OR, nested freely), so there is no precedence to get wrong, and a `changed*`
 * condition counts exactly where it sits in the tree.
 */
import {
  type Condition,
  type ConditionGroup,
  type ConditionNode,
  type ConditionValue,
} from './rule-definition.js';
import { PRIORITIES } from '../../conversations/conversation-fields.js';

export type Facts = Readonly<Record<string, unknown>>;

export interface RuleFacts {
  after: Facts;
  /** null on events that are not updates: `changed*` conditions are then false. */
  before: Facts | null;
}

export interface ConditionTrace {
  matched: boolean;
  condition?: Condition;
  /** The value the condition looked at (after the change). */
  actual?: unknown;
  group?: 'all' | 'any';
  children?: ConditionTrace[];
}

const PRIORITY_RANK = new Map<string, number>(PRIORITIES.map((p, i) => [p, i]));

function isGroup(node: ConditionNode): node is ConditionGroup {
  return 'all' in node || 'any' in node;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Text compares case-insensitively and without surrounding spaces; numbers as their text. */
function norm(v: unknown): string {
  return typeof v === 'string' ? v.trim().toLowerCase() : String(v);
}

function alternatives(value: ConditionValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(norm) : [norm(value)];
}

function listOf(actual: unknown): string[] | null {
  return Array.isArray(actual) ? actual.map(norm) : null;
}

function equalTo(actual: unknown, value: ConditionValue | undefined): boolean {
  if (value === null) return isEmpty(actual);
  const wanted = alternatives(value);
  const list = listOf(actual);
  if (list) return wanted.some((w) => list.includes(w));
  if (isEmpty(actual)) return false;
  const a = norm(actual);
  return wanted.includes(a);
}

function contains(actual: unknown, value: ConditionValue | undefined): boolean {
  const wanted = alternatives(value);
  const list = listOf(actual);
  if (list) return wanted.some((w) => list.includes(w));
  if (isEmpty(actual)) return false;
  const a = norm(actual);
  return wanted.some((w) => a.includes(w));
}

function startsWith(actual: unknown, value: ConditionValue | undefined): boolean {
  const wanted = alternatives(value);
  const values = listOf(actual) ?? (isEmpty(actual) ? [] : [norm(actual)]);
  return values.some((a) => wanted.some((w) => a.startsWith(w)));
}

/** Priorities by rank, numbers numerically, anything else (ISO dates) as text. */
function compare(attribute: string, actual: unknown, value: ConditionValue | undefined): number | null {
  if (isEmpty(actual) || value === undefined || value === null || Array.isArray(value)) return null;
  if (attribute === 'priority') {
    const a = PRIORITY_RANK.get(norm(actual));
    const b = PRIORITY_RANK.get(norm(value));
    return a === undefined || b === undefined ? null : a - b;
  }
  const [a, b] = [Number(actual), Number(value)];
  if (typeof actual !== 'boolean' && Number.isFinite(a) && Number.isFinite(b) && String(actual).trim() !== '')
    return a - b;
  const [x, y] = [norm(actual), norm(value)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  const [la, lb] = [listOf(a), listOf(b)];
  if (la && lb) return la.length === lb.length && la.every((v) => lb.includes(v));
  if (la || lb || isEmpty(a) || isEmpty(b)) return false;
  return norm(a) === norm(b);
}

function changedBetween(
  before: unknown,
  after: unknown,
  value: ConditionValue | undefined,
  side: 'from' | 'to',
): boolean {
  if (same(before, after)) return false;
  const [was, now] = [listOf(before), listOf(after)];
  if (was || now) {
    // A list "changed to X" when X was added, "changed from X" when X was removed.
    const [gone, came] = [was ?? [], now ?? []];
    const wanted = alternatives(value);
    return side === 'to'
      ? wanted.some((w) => came.includes(w) && !gone.includes(w))
      : wanted.some((w) => gone.includes(w) && !came.includes(w));
  }
  return equalTo(side === 'to' ? after : before, value);
}

export function conditionMatches(condition: Condition, facts: RuleFacts): boolean {
  const actual = facts.after[condition.attribute];
  const { value } = condition;
  switch (condition.operator) {
    case 'equal_to':
      return equalTo(actual, value);
    case 'not_equal_to':
      return !equalTo(actual, value);
    case 'contains':
      return contains(actual, value);
    case 'does_not_contain':
      return !contains(actual, value);
    case 'starts_with':
      return startsWith(actual, value);
    case 'is_present':
      return !isEmpty(actual);
    case 'is_not_present':
      return isEmpty(actual);
    case 'greater_than': {
      const c = compare(condition.attribute, actual, value);
      return c !== null && c > 0;
    }
    case 'less_than': {
      const c = compare(condition.attribute, actual, value);
      return c !== null && c < 0;
    }
    case 'changed':
      return facts.before !== null && !same(facts.before[condition.attribute], actual);
    case 'changed_from':
      return (
        facts.before !== null && changedBetween(facts.before[condition.attribute], actual, value, 'from')
      );
    case 'changed_to':
      return facts.before !== null && changedBetween(facts.before[condition.attribute], actual, value, 'to');
  }
}

/** Short-circuiting evaluation, for the engine. An empty `all` is true, an empty `any` false. */
export function conditionsMatch(node: ConditionNode, facts: RuleFacts): boolean {
  if (!isGroup(node)) return conditionMatches(node, facts);
  return 'all' in node
    ? node.all.every((n) => conditionsMatch(n, facts))
    : node.any.some((n) => conditionsMatch(n, facts));
}

/** Full evaluation with every node's result, for dry runs. */
export function traceConditions(node: ConditionNode, facts: RuleFacts): ConditionTrace {
  if (!isGroup(node))
    return {
      matched: conditionMatches(node, facts),
      condition: node,
      actual: facts.after[node.attribute] ?? null,
    };
  const group = 'all' in node ? 'all' : 'any';
  const children = ('all' in node ? node.all : node.any).map((n) => traceConditions(n, facts));
  const matched = group === 'all' ? children.every((c) => c.matched) : children.some((c) => c.matched);
  return { matched, group, children };
}
