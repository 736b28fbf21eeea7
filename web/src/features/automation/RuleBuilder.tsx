/**
 * The automation rule builder: event, nested all/any condition groups, actions with their parameters.
 * It edits the rule JSON itself, and renders each field under the path the server's errors name
 * (`conditions.all[0].value`, `actions[1].secret`), so a refusal lands on the field it is about.
 */
import {
  ActionIcon,
  Box,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { agentLabel, useAgents, useInboxes, useTeams } from '../settings/assignment-queries';
import {
  type ActionName,
  actionsFor,
  type AttributeInfo,
  attributesFor,
  childrenOf,
  type Condition,
  type ConditionGroup,
  type ConditionNode,
  type ConditionValue,
  customAttributes,
  groupKind,
  isGroup,
  MESSAGE_TYPES,
  newAction,
  type Operator,
  operatorsFor,
  PRIORITIES,
  type RuleAction,
  RULE_EVENTS,
  type RuleEvent,
  STATUSES,
  VALUELESS,
  withChildren,
} from './rule-model';
import { attributeLabel } from './rule-summary';
import { DateField } from '../../ui/DateField';

export type FieldErrors = Record<string, string>;
type Option = { value: string; label: string };
const NONE = '__none__';
const MAX_DEPTH = 3;

/** The pickers' lists (agents, teams, inboxes, custom attributes), loaded once for the whole builder. */
export function useBuilderLists() {
  const agents = useAgents();
  const teams = useTeams();
  const inboxes = useInboxes();
  const attributes = useQuery({
    queryKey: ['attributes'],
    queryFn: () => unwrap(api.GET('/api/attributes')),
  });
  return {
    agents: (agents.data?.data ?? []).map((a) => ({ value: a.user_id, label: agentLabel(a) })),
    teams: (teams.data?.data ?? []).map((t) => ({ value: t.id, label: t.name })),
    inboxes: (inboxes.data?.data ?? []).map((i) => ({ value: i.id, label: i.name })),
    custom: customAttributes(attributes.data?.data ?? []),
  };
}
export type BuilderLists = ReturnType<typeof useBuilderLists>;

export function operatorLabel(operator: string, kind: string | undefined, t: TFunction): string {
  if (kind === 'date' && operator === 'greater_than') return t('automation.operators.after');
  if (kind === 'date' && operator === 'less_than') return t('automation.operators.before');
  return t(`automation.operators.${operator as Operator}`);
}

export function RuleEventSelect({
  value,
  onChange,
  error,
}: {
  value: RuleEvent;
  onChange: (event: RuleEvent) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('automation.builder.event')}
      data={RULE_EVENTS.map((e) => ({ value: e, label: t(`automation.events.${e}`) }))}
      value={value}
      allowDeselect={false}
      onChange={(v) => v && onChange(v as RuleEvent)}
      error={error}
      w={280}
    />
  );
}

/** A condition group and everything in it; `path` is the group's path (`conditions`, `conditions.all[2]`). */
export function GroupEditor({
  group,
  path,
  depth,
  event,
  lists,
  errors,
  onChange,
  onRemove,
}: {
  group: ConditionGroup;
  path: string;
  depth: number;
  event: string;
  lists: BuilderLists;
  errors: FieldErrors;
  onChange: (group: ConditionGroup) => void;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  const kind = groupKind(group);
  const children = childrenOf(group);
  const attributes = attributesFor(event, lists.custom);
  const set = (next: ConditionNode[]) => onChange(withChildren(kind, next));
  const replace = (i: number, node: ConditionNode) => set(children.map((c, j) => (j === i ? node : c)));
  const remove = (i: number) => set(children.filter((_, j) => j !== i));
  const first = attributes[0]!;
  const addCondition = () =>
    set([
      ...children,
      { attribute: first.name, operator: operatorsFor(first.kind, event)[0]!, value: undefined },
    ]);

  return (
    <Paper
      withBorder={depth > 0}
      p={depth > 0 ? 'sm' : 0}
      bg={depth > 0 ? 'gray.0' : undefined}
      data-testid="condition-group"
      role="group"
      aria-label={kind === 'all' ? t('automation.builder.all') : t('automation.builder.any')}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <SegmentedControl
            size="xs"
            aria-label={t('automation.builder.groupKind')}
            value={kind}
            onChange={(value) => onChange(withChildren(value as 'all' | 'any', children))}
            data={[
              { value: 'all', label: t('automation.builder.all') },
              { value: 'any', label: t('automation.builder.any') },
            ]}
          />
          {onRemove && (
            <Button variant="subtle" color="red" size="compact-xs" onClick={onRemove}>
              {t('automation.builder.removeGroup')}
            </Button>
          )}
        </Group>
        {errors[path] && (
          <Text size="xs" c="red.8" role="alert">
            {errors[path]}
          </Text>
        )}
        {children.length === 0 && depth === 0 && (
          <Text size="sm" c="dimmed">
            {t('automation.builder.conditionsHint')}
          </Text>
        )}
        {children.map((child, i) => {
          const childPath = `${path}.${kind}[${i}]`;
          return isGroup(child) ? (
            <GroupEditor
              key={i}
              group={child}
              path={childPath}
              depth={depth + 1}
              event={event}
              lists={lists}
              errors={errors}
              onChange={(g) => replace(i, g)}
              onRemove={() => remove(i)}
            />
          ) : (
            <ConditionRow
              key={i}
              condition={child}
              path={childPath}
              n={i + 1}
              event={event}
              attributes={attributes}
              lists={lists}
              errors={errors}
              onChange={(c) => replace(i, c)}
              onRemove={() => remove(i)}
            />
          );
        })}
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={addCondition}>
            {t('automation.builder.addCondition')}
          </Button>
          {depth < MAX_DEPTH - 1 && (
            <Button
              variant="subtle"
              size="xs"
              onClick={() => set([...children, withChildren(kind === 'all' ? 'any' : 'all', [])])}
            >
              {t('automation.builder.addGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function ConditionRow({
  condition,
  path,
  n,
  event,
  attributes,
  lists,
  errors,
  onChange,
  onRemove,
}: {
  condition: Condition;
  path: string;
  n: number;
  event: string;
  attributes: AttributeInfo[];
  lists: BuilderLists;
  errors: FieldErrors;
  onChange: (condition: Condition) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const info = attributes.find((a) => a.name === condition.attribute);
  const kind = info?.kind ?? 'text';
  const operators = operatorsFor(kind, event);
  // A stored rule may use what this event no longer offers: show it, and let the server say why not.
  const operatorList = operators.includes(condition.operator)
    ? operators
    : [condition.operator, ...operators];
  const scopes = ['conversation', 'message', 'contact'] as const;
  const attributeData = scopes
    .map((scope) => ({
      group: t(`automation.attributes.groups.${scope}`),
      items: attributes
        .filter((a) => a.scope === scope)
        .map((a) => ({ value: a.name, label: attributeLabel(a.name, t, lists.custom) })),
    }))
    .filter((g) => g.items.length > 0);
  if (!info)
    attributeData.push({ group: '—', items: [{ value: condition.attribute, label: condition.attribute }] });

  return (
    <Box data-testid="condition">
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <Select
          size="xs"
          w={220}
          aria-label={t('automation.builder.attribute', { n })}
          data={attributeData}
          value={condition.attribute}
          searchable
          allowDeselect={false}
          error={errors[`${path}.attribute`]}
          onChange={(value) => {
            if (!value || value === condition.attribute) return;
            const next = attributes.find((a) => a.name === value);
            onChange({
              attribute: value,
              operator: operatorsFor(next?.kind ?? 'text', event)[0]!,
              value: undefined,
            });
          }}
        />
        <Select
          size="xs"
          w={170}
          aria-label={t('automation.builder.operator', { n })}
          data={operatorList.map((o) => ({ value: o, label: operatorLabel(o, kind, t) }))}
          value={condition.operator}
          allowDeselect={false}
          error={errors[`${path}.operator`]}
          onChange={(value) => {
            if (!value) return;
            const operator = value as Operator;
            onChange(
              VALUELESS.has(operator)
                ? { attribute: condition.attribute, operator }
                : { ...condition, operator },
            );
          }}
        />
        {!VALUELESS.has(condition.operator) && (
          <ValuePicker
            kind={kind}
            info={info}
            label={t('automation.builder.value', { n })}
            value={condition.value}
            lists={lists}
            error={errors[`${path}.value`]}
            onChange={(value) => {
              const next: Condition = { attribute: condition.attribute, operator: condition.operator };
              if (value !== undefined) next.value = value;
              onChange(next);
            }}
          />
        )}
        <Tooltip label={t('automation.builder.removeCondition', { n })}>
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={2}
            onClick={onRemove}
            aria-label={t('automation.builder.removeCondition', { n })}
          >
            ✕
          </ActionIcon>
        </Tooltip>
      </Group>
      {errors[path] && (
        <Text size="xs" c="red.8">
          {errors[path]}
        </Text>
      )}
    </Box>
  );
}

function ValuePicker({
  kind,
  info,
  label,
  value,
  lists,
  error,
  onChange,
}: {
  kind: string;
  info: AttributeInfo | undefined;
  label: string;
  value: ConditionValue | undefined;
  lists: BuilderLists;
  error?: string;
  onChange: (value: ConditionValue | undefined) => void;
}) {
  const { t } = useTranslation();
  const common = { size: 'xs' as const, w: 220, 'aria-label': label, error };
  const pick = (data: Option[]) => (
    <Select
      {...common}
      data={data}
      value={typeof value === 'string' ? value : null}
      searchable
      onChange={(v) => onChange(v ?? undefined)}
    />
  );
  switch (kind) {
    case 'agent':
      return pick(lists.agents);
    case 'team':
      return pick(lists.teams);
    case 'inbox':
      return pick(lists.inboxes);
    case 'status':
      return pick(STATUSES.map((s) => ({ value: s, label: t(`automation.statuses.${s}`) })));
    case 'priority':
      return pick(PRIORITIES.map((p) => ({ value: p, label: t(`automation.priorities.${p}`) })));
    case 'message_type':
      return pick(MESSAGE_TYPES.map((m) => ({ value: m, label: t(`automation.messageTypes.${m}`) })));
    case 'options':
      return pick((info?.options ?? []).map((o) => ({ value: o, label: o })));
    case 'boolean':
      return (
        <Select
          {...common}
          data={[
            { value: 'true', label: t('automation.builder.yes') },
            { value: 'false', label: t('automation.builder.no') },
          ]}
          value={typeof value === 'boolean' ? String(value) : null}
          onChange={(v) => onChange(v === null ? undefined : v === 'true')}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v === '' ? undefined : typeof v === 'number' ? v : Number(v))}
        />
      );
    case 'date':
      return (
        <DateField
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(date) => onChange(date || undefined)}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
          onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
        />
      );
  }
}

export function ActionsEditor({
  actions,
  event,
  lists,
  errors,
  onChange,
}: {
  actions: RuleAction[];
  event: string;
  lists: BuilderLists;
  errors: FieldErrors;
  onChange: (actions: RuleAction[]) => void;
}) {
  const { t } = useTranslation();
  const allowed = actionsFor(event);
  const replace = (i: number, action: RuleAction) => onChange(actions.map((a, j) => (j === i ? action : a)));
  return (
    <Stack gap="xs">
      {errors.actions && (
        <Text size="xs" c="red.8" role="alert">
          {errors.actions}
        </Text>
      )}
      {actions.map((action, i) => {
        const path = `actions[${i}]`;
        const names = allowed.includes(action.action) ? allowed : [action.action, ...allowed];
        return (
          <Group key={i} gap="xs" align="flex-start" wrap="nowrap" data-testid="action">
            <Select
              size="xs"
              w={220}
              aria-label={t('automation.builder.action', { n: i + 1 })}
              data={names.map((a) => ({ value: a, label: t(`automation.actionNames.${a}`) }))}
              value={action.action}
              allowDeselect={false}
              error={errors[`${path}.action`] ?? errors[path]}
              onChange={(value) =>
                value && value !== action.action && replace(i, newAction(value as ActionName))
              }
            />
            <Box style={{ flex: 1, maxWidth: 600 }}>
              <ActionParams
                action={action}
                path={path}
                lists={lists}
                errors={errors}
                onChange={(a) => replace(i, a)}
              />
            </Box>
            <Tooltip label={t('automation.builder.removeAction', { n: i + 1 })}>
              <ActionIcon
                variant="subtle"
                color="gray"
                mt={2}
                onClick={() => onChange(actions.filter((_, j) => j !== i))}
                aria-label={t('automation.builder.removeAction', { n: i + 1 })}
              >
                ✕
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      })}
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange([...actions, newAction(allowed[0]!)])}>
          {t('automation.builder.addAction')}
        </Button>
      </Group>
    </Stack>
  );
}

function ActionParams({
  action,
  path,
  lists,
  errors,
  onChange,
}: {
  action: RuleAction;
  path: string;
  lists: BuilderLists;
  errors: FieldErrors;
  onChange: (action: RuleAction) => void;
}) {
  const { t } = useTranslation();
  const err = (key: string) => errors[`${path}.${key}`];
  const size = 'xs' as const;
  switch (action.action) {
    case 'assign_agent':
      return (
        <Select
          size={size}
          maw={320}
          aria-label={t('automation.builder.agent')}
          data={[{ value: NONE, label: t('automation.builder.unassign') }, ...lists.agents]}
          placeholder={t('automation.builder.chooseAgent')}
          value={action.agent_id === undefined ? null : (action.agent_id ?? NONE)}
          allowDeselect={false}
          searchable
          error={err('agent_id')}
          onChange={(v) => onChange({ ...action, agent_id: !v || v === NONE ? null : v })}
        />
      );
    case 'assign_team':
      return (
        <Select
          size={size}
          maw={320}
          aria-label={t('automation.builder.team')}
          data={[{ value: NONE, label: t('automation.builder.noTeam') }, ...lists.teams]}
          placeholder={t('automation.builder.chooseTeam')}
          value={action.team_id === undefined ? null : (action.team_id ?? NONE)}
          allowDeselect={false}
          error={err('team_id')}
          onChange={(v) => onChange({ ...action, team_id: !v || v === NONE ? null : v })}
        />
      );
    case 'add_label':
    case 'remove_label':
      return (
        <TagsInput
          size={size}
          maw={420}
          aria-label={t('automation.builder.labels')}
          placeholder={t('automation.builder.labelsHint')}
          value={action.labels}
          error={err('labels')}
          onChange={(labels) => onChange({ ...action, labels })}
        />
      );
    case 'set_priority':
      return (
        <Select
          size={size}
          maw={220}
          aria-label={t('automation.builder.priority')}
          data={[
            { value: NONE, label: t('automation.builder.noPriority') },
            ...PRIORITIES.map((p) => ({ value: p, label: t(`automation.priorities.${p}`) })),
          ]}
          value={action.priority ?? NONE}
          allowDeselect={false}
          error={err('priority')}
          onChange={(v) => onChange({ ...action, priority: !v || v === NONE ? null : v })}
        />
      );
    case 'change_status':
      return (
        <Group gap="xs" align="flex-start">
          <Select
            size={size}
            w={180}
            aria-label={t('automation.builder.status')}
            data={STATUSES.map((s) => ({ value: s, label: t(`automation.statuses.${s}`) }))}
            value={action.status}
            allowDeselect={false}
            error={err('status')}
            onChange={(v) =>
              v && onChange(v === 'snoozed' ? { ...action, status: v } : { action: action.action, status: v })
            }
          />
          {action.status === 'snoozed' && (
            <TextInput
              size={size}
              type="datetime-local"
              aria-label={t('automation.builder.snoozedUntil')}
              error={err('snoozed_until')}
              value={action.snoozed_until ? toLocalInput(action.snoozed_until) : ''}
              onChange={(e) =>
                onChange({
                  ...action,
                  snoozed_until: e.currentTarget.value ? new Date(e.currentTarget.value).toISOString() : null,
                })
              }
            />
          )}
        </Group>
      );
    case 'send_message':
    case 'add_note':
      return (
        <Textarea
          size={size}
          autosize
          minRows={2}
          aria-label={t('automation.builder.content')}
          description={t('automation.builder.contentHint', { example: '{{contact.name}}' })}
          value={action.content}
          error={err('content')}
          onChange={(e) => onChange({ ...action, content: e.currentTarget.value })}
        />
      );
    case 'send_webhook':
      return (
        <Group gap="xs" align="flex-start" grow>
          <TextInput
            size={size}
            label={t('automation.builder.url')}
            value={action.url}
            error={err('url')}
            onChange={(e) => onChange({ ...action, url: e.currentTarget.value })}
          />
          <TextInput
            size={size}
            label={t('automation.builder.secret')}
            value={action.secret}
            error={err('secret')}
            onChange={(e) => onChange({ ...action, secret: e.currentTarget.value })}
          />
        </Group>
      );
    case 'send_email':
      return (
        <Stack gap="xs">
          <TagsInput
            size={size}
            label={t('automation.builder.to')}
            value={action.to}
            error={err('to')}
            onChange={(to) => onChange({ ...action, to })}
          />
          <TextInput
            size={size}
            label={t('automation.builder.subject')}
            value={action.subject}
            error={err('subject')}
            onChange={(e) => onChange({ ...action, subject: e.currentTarget.value })}
          />
          <Textarea
            size={size}
            autosize
            minRows={2}
            label={t('automation.builder.body')}
            value={action.body}
            error={err('body')}
            onChange={(e) => onChange({ ...action, body: e.currentTarget.value })}
          />
        </Stack>
      );
  }
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Every path the builder shows a message at, so the page can list the rest above the form. */
export function shownPaths(conditions: ConditionGroup, actions: RuleAction[]): Set<string> {
  const paths = new Set(['name', 'event', 'active', 'once_per_conversation', 'conditions', 'actions']);
  const walk = (group: ConditionGroup, path: string) => {
    const kind = groupKind(group);
    childrenOf(group).forEach((child, i) => {
      const p = `${path}.${kind}[${i}]`;
      paths.add(p);
      if (isGroup(child)) walk(child, p);
      else for (const key of ['attribute', 'operator', 'value']) paths.add(`${p}.${key}`);
    });
  };
  walk(conditions, 'conditions');
  actions.forEach((action, i) => {
    paths.add(`actions[${i}]`);
    for (const key of Object.keys(newAction(action.action))) paths.add(`actions[${i}].${key}`);
    if (action.action === 'change_status') paths.add(`actions[${i}].snoozed_until`);
  });
  return paths;
}
