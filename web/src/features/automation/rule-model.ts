/**
 * The automation rule builder's model: the rule JSON exactly as the server stores and checks it
 * (src/automation/rules/rule-definition.ts), plus what the builder needs to offer only sensible choices —
 * each attribute's type, the operators that fit it, the events it exists on, and the actions an event
 * allows. The server stays the judge: its errors name paths like `conditions.all[0].value`, which are the
 * keys the builder renders its fields under.
 */

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
export const CONTACT_EVENTS: ReadonlySet<string> = new Set(['contact_created', 'contact_updated']);
export const UPDATE_EVENTS: ReadonlySet<string> = new Set(['conversation_updated', 'contact_updated']);

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
export const VALUELESS: ReadonlySet<string> = new Set(['is_present', 'is_not_present', 'changed']);
const CHANGE: Operator[] = ['changed', 'changed_from', 'changed_to'];

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const MESSAGE_TYPES = ['incoming', 'outgoing', 'note'] as const;

export type ConditionValue = string | number | boolean | null | (string | number)[];
export interface Condition {
  attribute: string;
  operator: Operator;
  value?: ConditionValue;
}
export type ConditionGroup = { all: ConditionNode[] } | { any: ConditionNode[] };
export type ConditionNode = Condition | ConditionGroup;

export type RuleAction =
  // `undefined` while a new action's assignee is not chosen yet: "nobody" (null) unassigns, and a rule
  // saved without a choice would take every matching conversation away from its agent.
  | { action: 'assign_agent'; agent_id: string | null | undefined }
  | { action: 'assign_team'; team_id: string | null | undefined }
  | { action: 'add_label'; labels: string[] }
  | { action: 'remove_label'; labels: string[] }
  | { action: 'set_priority'; priority: string | null }
  | { action: 'change_status'; status: string; snoozed_until?: string | null }
  | { action: 'send_message'; content: string }
  | { action: 'add_note'; content: string }
  | { action: 'send_webhook'; url: string; secret: string }
  | { action: 'send_email'; to: string[]; subject: string; body: string };
export type ActionName = RuleAction['action'];
export const ACTIONS: ActionName[] = [
  'assign_agent',
  'assign_team',
  'add_label',
  'remove_label',
  'set_priority',
  'change_status',
  'send_message',
  'add_note',
  'send_webhook',
  'send_email',
];
const CONTACT_EVENT_ACTIONS: ReadonlySet<ActionName> = new Set(['send_webhook', 'send_email']);

export interface RuleDraft {
  name: string;
  event: RuleEvent;
  conditions: ConditionGroup;
  actions: RuleAction[];
  active: boolean;
  once_per_conversation: boolean;
}

/** How a value is picked: from a list the app loads (agents…), a fixed list, or typed. */
export type ValueKind =
  | 'agent'
  | 'team'
  | 'inbox'
  | 'status'
  | 'priority'
  | 'message_type'
  | 'labels'
  | 'text'
  | 'number'
  | 'date'
  | 'boolean'
  | 'options';

export interface AttributeInfo {
  /** The rule name (`status`, `contact.total_spent`, `contact.attr.tier`). */
  name: string;
  kind: ValueKind;
  scope: 'conversation' | 'message' | 'contact';
  /** For `options`: the custom attribute's list. */
  options?: string[];
  /** A custom attribute's own label (its key otherwise goes through the translations). */
  label?: string;
}

const TEXT_OPS: Operator[] = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'starts_with',
  'is_present',
  'is_not_present',
];
const PICK_OPS: Operator[] = ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'];
const ORDER_OPS: Operator[] = [
  'equal_to',
  'not_equal_to',
  'greater_than',
  'less_than',
  'is_present',
  'is_not_present',
];
const DATE_OPS: Operator[] = ['greater_than', 'less_than', 'is_present', 'is_not_present'];
const LIST_OPS: Operator[] = ['contains', 'does_not_contain', 'is_present', 'is_not_present'];

/** The operators that fit a kind of value; `changed*` only where the event has a before and after. */
export function operatorsFor(kind: ValueKind, event: string): Operator[] {
  const base: Operator[] =
    kind === 'text'
      ? TEXT_OPS
      : kind === 'number' || kind === 'priority'
        ? ORDER_OPS
        : kind === 'date'
          ? DATE_OPS
          : kind === 'labels'
            ? LIST_OPS
            : kind === 'boolean'
              ? ['equal_to', 'is_present', 'is_not_present']
              : PICK_OPS;
  return UPDATE_EVENTS.has(event) ? [...base, ...CHANGE] : base;
}

export const CONVERSATION_ATTRIBUTES: AttributeInfo[] = [
  { name: 'status', kind: 'status', scope: 'conversation' },
  { name: 'assignee_id', kind: 'agent', scope: 'conversation' },
  { name: 'team_id', kind: 'team', scope: 'conversation' },
  { name: 'inbox_id', kind: 'inbox', scope: 'conversation' },
  { name: 'labels', kind: 'labels', scope: 'conversation' },
  { name: 'priority', kind: 'priority', scope: 'conversation' },
];
export const MESSAGE_ATTRIBUTES: AttributeInfo[] = [
  { name: 'message.content', kind: 'text', scope: 'message' },
  { name: 'message.type', kind: 'message_type', scope: 'message' },
];
export const CONTACT_ATTRIBUTES: AttributeInfo[] = [
  ...['name', 'email', 'phone', 'company', 'country', 'province', 'city', 'initial_source', 'campaign'].map(
    (f): AttributeInfo => ({ name: `contact.${f}`, kind: 'text', scope: 'contact' }),
  ),
  { name: 'contact.tags', kind: 'labels', scope: 'contact' },
  { name: 'contact.orders_count', kind: 'number', scope: 'contact' },
  { name: 'contact.total_spent', kind: 'number', scope: 'contact' },
  { name: 'contact.first_order_at', kind: 'date', scope: 'contact' },
  { name: 'contact.last_order_at', kind: 'date', scope: 'contact' },
  { name: 'contact.created_at', kind: 'date', scope: 'contact' },
];

/** Custom contact attributes (Settings → Attributes) as rule attributes. */
export function customAttributes(
  defs: { key: string; label: string; type: string; options: string[] | null }[],
): AttributeInfo[] {
  return defs.map((d) => ({
    name: `contact.attr.${d.key}`,
    kind:
      d.type === 'number'
        ? 'number'
        : d.type === 'date'
          ? 'date'
          : d.type === 'boolean'
            ? 'boolean'
            : d.type === 'list'
              ? 'options'
              : 'text',
    scope: 'contact',
    options: d.options ?? undefined,
    label: d.label,
  }));
}

/** The attributes an event carries: contact events have no conversation; only messages have message.*. */
export function attributesFor(event: string, custom: AttributeInfo[]): AttributeInfo[] {
  if (CONTACT_EVENTS.has(event)) return [...CONTACT_ATTRIBUTES, ...custom];
  return [
    ...CONVERSATION_ATTRIBUTES,
    ...(event === 'message_created' ? MESSAGE_ATTRIBUTES : []),
    ...CONTACT_ATTRIBUTES,
    ...custom,
  ];
}

export function actionsFor(event: string): ActionName[] {
  return CONTACT_EVENTS.has(event) ? ACTIONS.filter((a) => CONTACT_EVENT_ACTIONS.has(a)) : ACTIONS;
}

export function newAction(name: ActionName): RuleAction {
  switch (name) {
    case 'assign_agent':
      return { action: name, agent_id: undefined };
    case 'assign_team':
      return { action: name, team_id: undefined };
    case 'add_label':
    case 'remove_label':
      return { action: name, labels: [] };
    case 'set_priority':
      return { action: name, priority: 'high' };
    case 'change_status':
      return { action: name, status: 'pending' };
    case 'send_message':
    case 'add_note':
      return { action: name, content: '' };
    case 'send_webhook':
      return { action: name, url: '', secret: '' };
    case 'send_email':
      return { action: name, to: [], subject: '', body: '' };
  }
}

/** The actions' fields still to be chosen, by path (`actions[0].agent_id`): checked before a save. */
export function unchosenActionFields(actions: readonly RuleAction[]): string[] {
  return actions.flatMap((action, i) => {
    if (action.action === 'assign_agent' && action.agent_id === undefined) return [`actions[${i}].agent_id`];
    if (action.action === 'assign_team' && action.team_id === undefined) return [`actions[${i}].team_id`];
    return [];
  });
}

export function isGroup(node: ConditionNode): node is ConditionGroup {
  return 'all' in node || 'any' in node;
}
export function groupKind(group: ConditionGroup): 'all' | 'any' {
  return 'all' in group ? 'all' : 'any';
}
export function childrenOf(group: ConditionGroup): ConditionNode[] {
  return 'all' in group ? group.all : group.any;
}
export function withChildren(kind: 'all' | 'any', children: ConditionNode[]): ConditionGroup {
  return kind === 'all' ? { all: children } : { any: children };
}

/**
 * A reason the server gave for a path of the rule (ApiError.fieldErrors). The server names every path
 * as the builder keys its fields: keys joined by dots, a list's positions in brackets
 * (`actions[0].to[1]`, src/domain/field-path.ts).
 */
export interface RuleFieldReason {
  field: string;
  reason?: string;
  value?: unknown;
}

/** Where in the rule a path is, for a reason that has no field of its own in the builder. */
export type RulePlace = { kind: 'action'; n: number } | { kind: 'conditions' } | { kind: 'rule' };

/**
 * The server's reasons placed on the builder's fields (keyed as `shown` keys them): a path the builder
 * shows gets its reason; an item of a list it shows as one field (`actions[0].to[1]`, one address of
 * several) goes on that field, naming the item; anything else stays for the message above the form,
 * with the place it belongs to (an action's number, the conditions) instead of the server's path.
 * Several items of one field are said together by `joinItems` (the screen's joinSentences).
 */
export function placeRuleErrors(
  details: readonly RuleFieldReason[],
  shown: ReadonlySet<string>,
  say: (reason: string | undefined) => string,
  sayItem: (item: string, reason: string) => string,
  joinItems: (items: string[]) => string = (items) => items.join(' '),
): { fields: Record<string, string>; elsewhere: { place: RulePlace; reason: string }[] } {
  const fields: Record<string, string> = {};
  const items = new Map<string, string[]>();
  const elsewhere: { place: RulePlace; reason: string }[] = [];
  for (const detail of details) {
    const path = detail.field;
    const reason = say(detail.reason);
    const list = /^(.*)\[\d+\]$/.exec(path)?.[1];
    if (shown.has(path)) fields[path] = reason;
    else if (list !== undefined && shown.has(list)) {
      const item = typeof detail.value === 'string' ? sayItem(detail.value, reason) : reason;
      items.set(list, [...(items.get(list) ?? []), item]);
    } else elsewhere.push({ place: rulePlace(path), reason });
  }
  for (const [list, said] of items) fields[list] = joinItems(said);
  return { fields, elsewhere };
}

function rulePlace(path: string): RulePlace {
  const action = /^actions\[(\d+)\]/.exec(path);
  if (action) return { kind: 'action', n: Number(action[1]) + 1 };
  return path.startsWith('conditions') ? { kind: 'conditions' } : { kind: 'rule' };
}

/** The rule's JSON for the server: exactly its format, nothing the builder keeps for itself. */
export function toRuleJson(draft: RuleDraft): RuleDraft {
  return {
    name: draft.name,
    event: draft.event,
    conditions: draft.conditions,
    actions: draft.actions,
    active: draft.active,
    once_per_conversation: draft.once_per_conversation,
  };
}

export const TEMPLATE_IDS = ['unassign_on_resolve', 'vip_priority', 'refund_keyword', 'welcome'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** Common rules to start from; names come from the translations, so a template reads in the user's language. */
export function templateRule(id: TemplateId, name: string, text: string): RuleDraft {
  const base = { name, active: true, once_per_conversation: false };
  switch (id) {
    case 'unassign_on_resolve':
      // Resolving hands the conversation back: when the customer writes again it is reopened without an
      // assignee, and auto-assignment gives it to an agent who is online now.
      return {
        ...base,
        event: 'conversation_resolved',
        conditions: { all: [] },
        actions: [{ action: 'assign_agent', agent_id: null }],
      };
    case 'vip_priority':
      return {
        ...base,
        event: 'conversation_created',
        conditions: {
          any: [
            { attribute: 'contact.total_spent', operator: 'greater_than', value: 1000 },
            { attribute: 'contact.orders_count', operator: 'greater_than', value: 5 },
          ],
        },
        actions: [
          { action: 'set_priority', priority: 'high' },
          { action: 'add_label', labels: ['vip'] },
        ],
      };
    case 'refund_keyword':
      return {
        ...base,
        event: 'message_created',
        conditions: {
          all: [
            { attribute: 'message.type', operator: 'equal_to', value: 'incoming' },
            { attribute: 'message.content', operator: 'contains', value: text },
          ],
        },
        actions: [
          { action: 'add_label', labels: ['refund'] },
          { action: 'set_priority', priority: 'urgent' },
        ],
      };
    case 'welcome':
      return {
        ...base,
        event: 'conversation_created',
        once_per_conversation: true,
        conditions: { all: [] },
        actions: [{ action: 'send_message', content: text }],
      };
  }
}

export function emptyRule(): RuleDraft {
  return {
    name: '',
    event: 'conversation_created',
    conditions: { all: [] },
    actions: [newAction('assign_agent')],
    active: true,
    once_per_conversation: false,
  };
}
