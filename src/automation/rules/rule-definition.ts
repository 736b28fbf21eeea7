/**
 * The automation rule format: the same JSON in the API, the CLI and storage. `parseRuleDefinition` checks
 * its shape with zod and then what zod cannot see (an attribute the event does not carry, `changed` on a
 * non-update event, a conversation action on a contact event); every error names its path.
 */
import { z } from 'zod';
import { ValidationError, ValidationErrors } from '../../domain/errors.js';
import { CONTACT_KEYS, PURCHASE_FACT_KEYS } from '../../domain/contact/contact-fields.js';
import { nestsDeeperThan } from '../../domain/nesting.js';
import { refuseControlCharacters } from '../../domain/well-formed-text.js';
import { toValidationErrors } from '../../domain/zod-validation.js';
import {
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  PRIORITIES,
} from '../../conversations/conversation-fields.js';
import { fieldPath } from '../../domain/field-path.js';

export const RULE_EVENTS = [
  'conversation_created',
  'conversation_updated',
  'conversation_opened',
  'conversation_resolved',
  'message_created',
  'contact_created',
  'contact_updated',
] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

export const CONTACT_EVENTS: ReadonlySet<RuleEvent> = new Set(['contact_created', 'contact_updated']);
/** Events that carry a before and an after state, where `changed*` operators mean something. */
export const UPDATE_EVENTS: ReadonlySet<RuleEvent> = new Set(['conversation_updated', 'contact_updated']);

export const OPERATORS = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'starts_with',
  'is_present',
  'is_not_present',
  'greater_than',
  'less_than',
  'changed',
  'changed_from',
  'changed_to',
] as const;
export type Operator = (typeof OPERATORS)[number];
const VALUELESS: ReadonlySet<Operator> = new Set(['is_present', 'is_not_present', 'changed']);
export const CHANGE_OPERATORS: ReadonlySet<Operator> = new Set(['changed', 'changed_from', 'changed_to']);

/** Conversation attributes by their rule names; `attr.<key>` are the conversation's custom attributes. */
export const CONVERSATION_ATTRIBUTES = [
  'status',
  'assignee_id',
  'team_id',
  'inbox_id',
  'labels',
  'priority',
] as const;
export const MESSAGE_ATTRIBUTES = ['message.content', 'message.type'] as const;
/** `contact.<field>`: any standard field, `contact.attr.<key>`, `contact.identity.<type>`. */
export const CONTACT_FIELDS = CONTACT_KEYS.filter((key) => key !== 'identities' && key !== 'attributes');
/** The customer's purchase facts (src/orders), kept current by every order import, merge and undo. */
export const PURCHASE_FACT_FIELDS = PURCHASE_FACT_KEYS;

const ConditionValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);
export type ConditionValue = z.infer<typeof ConditionValue>;

export interface Condition {
  attribute: string;
  operator: Operator;
  value?: ConditionValue;
}
export type ConditionGroup = { all: ConditionNode[] } | { any: ConditionNode[] };
export type ConditionNode = Condition | ConditionGroup;

const ConditionSchema = z.strictObject({
  attribute: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: ConditionValue.optional(),
});
const ConditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(z.union([ConditionSchema, ConditionGroupSchema])) }),
    z.strictObject({ any: z.array(z.union([ConditionSchema, ConditionGroupSchema])) }),
  ]),
);

const labels = z.array(z.string().trim().min(1).max(100)).min(1);
const content = z.string().trim().min(1).max(10_000);
const ActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('assign_agent'), agent_id: z.string().nullable() }),
  z.strictObject({ action: z.literal('assign_team'), team_id: z.string().nullable() }),
  z.strictObject({ action: z.literal('add_label'), labels }),
  z.strictObject({ action: z.literal('remove_label'), labels }),
  z.strictObject({ action: z.literal('set_priority'), priority: z.enum(PRIORITIES).nullable() }),
  z.strictObject({
    action: z.literal('change_status'),
    status: z.enum(CONVERSATION_STATUSES),
    snoozed_until: z.iso.datetime({ offset: true }).nullable().optional(),
  }),
  z.strictObject({ action: z.literal('send_message'), content }),
  z.strictObject({ action: z.literal('add_note'), content }),
  z.strictObject({
    action: z.literal('send_webhook'),
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16, 'must be at least 16 characters: it signs the payload'),
  }),
  z.strictObject({
    action: z.literal('send_email'),
    to: z.array(z.email()).min(1),
    subject: z.string().trim().min(1).max(500),
    body: content,
  }),
]);
export type RuleAction = z.infer<typeof ActionSchema>;
export type RuleActionName = RuleAction['action'];
const CONTACT_EVENT_ACTIONS: ReadonlySet<RuleActionName> = new Set(['send_webhook', 'send_email']);

const RuleSchema = z.strictObject({
  // NUL refused here on either store (PostgreSQL cannot store it; SQLite kept a name of "\u0000"), and
  // any other control character (a name shown in every list of rules and in the audit log).
  name: z.string().trim().min(1).max(200).superRefine(refuseControlCharacters()),
  event: z.enum(RULE_EVENTS),
  conditions: ConditionGroupSchema.default({ all: [] }),
  actions: z.array(ActionSchema).min(1, 'a rule needs at least one action'),
  active: z.boolean().default(true),
  once_per_conversation: z.boolean().default(false),
  position: z.number().int().min(0).optional(),
});
export type RuleDefinition = z.infer<typeof RuleSchema>;

/** Where `attribute` may be used, or why not. */
function attributeProblem(attribute: string, event: RuleEvent): string | null {
  const isContactEvent = CONTACT_EVENTS.has(event);
  if (attribute.startsWith('contact.')) {
    const field = attribute.slice('contact.'.length);
    if ((CONTACT_FIELDS as readonly string[]).includes(field)) return null;
    if ((PURCHASE_FACT_FIELDS as readonly string[]).includes(field)) return null;
    if (/^(attr|identity)\.[a-z0-9_]+$/.test(field)) return null;
    return `is not a contact field: use contact.<standard field>, contact.attr.<key> or contact.identity.<type>`;
  }
  if ((MESSAGE_ATTRIBUTES as readonly string[]).includes(attribute)) {
    return event === 'message_created' ? null : 'is only available on message_created';
  }
  if (
    (CONVERSATION_ATTRIBUTES as readonly string[]).includes(attribute) ||
    /^attr\.[a-z0-9_]+$/.test(attribute)
  ) {
    return isContactEvent ? `is a conversation attribute, and ${event} has no conversation` : null;
  }
  return `is not an attribute rules know: use ${CONVERSATION_ATTRIBUTES.join(', ')}, attr.<key>, contact.<field> or message.content/message.type`;
}

function checkConditions(
  node: ConditionNode,
  path: string,
  event: RuleEvent,
  errors: ValidationError[],
): void {
  if ('all' in node || 'any' in node) {
    const [key, children] = 'all' in node ? ['all', node.all] : ['any', node.any];
    children.forEach((child, i) => checkConditions(child, fieldPath(path, key, i), event, errors));
    return;
  }
  const problem = attributeProblem(node.attribute, event);
  if (problem) errors.push(new ValidationError(fieldPath(path, 'attribute'), node.attribute, problem));
  if (CHANGE_OPERATORS.has(node.operator) && !UPDATE_EVENTS.has(event))
    errors.push(
      new ValidationError(
        fieldPath(path, 'operator'),
        node.operator,
        `only means something on update events (${[...UPDATE_EVENTS].join(', ')})`,
      ),
    );
  if (!VALUELESS.has(node.operator) && node.value === undefined)
    errors.push(new ValidationError(fieldPath(path, 'value'), null, `is required by ${node.operator}`));
  const wrongValue = VALUELESS.has(node.operator) ? null : valueProblem(node.attribute, node.value);
  if (wrongValue) errors.push(new ValidationError(fieldPath(path, 'value'), node.value, wrongValue));
  if (
    (node.operator === 'greater_than' || node.operator === 'less_than') &&
    (Array.isArray(node.value) || node.value === null || typeof node.value === 'boolean')
  )
    errors.push(
      new ValidationError(
        fieldPath(path, 'value'),
        node.value,
        `must be one number or text for ${node.operator}`,
      ),
    );
}

/** Attributes whose values are one of a fixed set: a value outside it could never match. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  status: CONVERSATION_STATUSES,
  priority: PRIORITIES,
  'message.type': MESSAGE_DIRECTIONS,
};
const NUMBER_ATTRIBUTES: ReadonlySet<string> = new Set(['contact.orders_count', 'contact.total_spent']);
const TIME_ATTRIBUTES: ReadonlySet<string> = new Set([
  'contact.first_order_at',
  'contact.last_order_at',
  'contact.created_at',
  'contact.updated_at',
]);

/** Why a condition's value could never match its attribute, or null. */
function valueProblem(attribute: string, value: ConditionValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  const values = Array.isArray(value) ? value : [value];
  const choices = CHOICES[attribute];
  if (choices) {
    const wrong = values.find((v) => !choices.includes(String(v)));
    return wrong === undefined ? null : `is not a ${attribute} (one of ${choices.join(', ')})`;
  }
  if (NUMBER_ATTRIBUTES.has(attribute)) {
    const wrong = values.find((v) => typeof v === 'boolean' || !/^-?\d+(\.\d+)?$/.test(String(v).trim()));
    return wrong === undefined ? null : 'must be a number (e.g. 1000 or 99.50)';
  }
  if (TIME_ATTRIBUTES.has(attribute)) {
    const wrong = values.find(
      (v) => typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v)),
    );
    return wrong === undefined ? null : 'must be a date or time (2026-01-31, or 2026-01-31T09:00:00+08:00)';
  }
  return null;
}

/** Levels of objects and lists a rule may nest (its groups of conditions among them). */
const MAX_RULE_NESTING = 32;

export function parseRuleDefinition(input: unknown): RuleDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError(
      'rule',
      input,
      'must be a JSON object with name, event, conditions and actions',
    );
  if (nestsDeeperThan(input, MAX_RULE_NESTING))
    throw new ValidationError(
      'conditions',
      null,
      `are nested more than ${MAX_RULE_NESTING} levels deep; write the rule with fewer levels of all/any`,
    );
  const parsed = RuleSchema.safeParse(input);
  if (!parsed.success) throw toValidationErrors('', input, parsed.error, RuleSchema);
  const rule = parsed.data;
  const errors: ValidationError[] = [];
  checkConditions(rule.conditions, 'conditions', rule.event, errors);
  if (CONTACT_EVENTS.has(rule.event)) {
    rule.actions.forEach((action, i) => {
      if (!CONTACT_EVENT_ACTIONS.has(action.action))
        errors.push(
          new ValidationError(
            fieldPath('actions', i, 'action'),
            action.action,
            `acts on a conversation, and ${rule.event} has none: contact events may use ${[...CONTACT_EVENT_ACTIONS].join(', ')}`,
          ),
        );
    });
  }
  if (errors.length > 0) throw new ValidationErrors(errors);
  return rule;
}

/** A partial update: the stored rule merged with the given keys, then checked as a whole. */
export function patchRuleDefinition(current: RuleDefinition, patch: unknown): RuleDefinition {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw new ValidationError('body', patch, 'must be an object with the rule keys to change');
  return parseRuleDefinition({ ...current, ...patch });
}
