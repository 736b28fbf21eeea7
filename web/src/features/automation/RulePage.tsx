/**
 * One automation rule (`/automation/rules/:id`, a new one at `/automation/rules/new?template=…`): the
 * builder, saved as the server's rule JSON with the server's errors on the fields they name; for a saved
 * rule, a dry run against a chosen conversation (or customer) and the rule's log.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, api, unwrap } from '../../api/client';
import { RequireAdmin } from '../../session/RequireSession';
import { formatDateTime } from '../../i18n';
import { joinSentences } from '../../i18n/sentences';
import { ErrorState, errorMessage, isNotFound, LoadingRows, NotFoundState } from '../../ui/states';
import { ConfirmModal } from '../settings/ConfirmModal';
import { reasonText } from '../settings/form-problem';
import { notify } from '../settings/notify';
import { StatusLabel } from '../settings/StatusLabel';
import { CustomerPicker } from '../customers/CustomerPicker';
import { ConversationPicker } from '../conversations/ConversationPicker';
import { attributeLabel, valueText } from './rule-summary';
import { deactivatedReasonText, ruleRunErrorText } from './rule-run-errors';
import {
  ActionsEditor,
  type BuilderLists,
  type FieldErrors,
  GroupEditor,
  operatorLabel,
  RuleEventSelect,
  shownPaths,
  useBuilderLists,
} from './RuleBuilder';
import {
  attributesFor,
  type Condition,
  type ConditionGroup,
  CONTACT_EVENTS,
  emptyRule,
  MESSAGE_TYPES,
  placeRuleErrors,
  unchosenActionFields,
  type RuleAction,
  type RuleDraft,
  type RuleEvent,
  TEMPLATE_IDS,
  type TemplateId,
  templateRule,
  toRuleJson,
} from './rule-model';
import { type AutomationRule, useRefreshRules, useRule, useRuleLog } from './rule-queries';
import { TableScroll } from '../../ui/TableScroll';

/** A stored rule as the builder edits it: the server's own JSON, typed. */
function draftOf(rule: AutomationRule): RuleDraft {
  return toRuleJson({
    ...rule,
    event: rule.event as RuleEvent,
    conditions: rule.conditions as ConditionGroup,
    actions: rule.actions as RuleAction[],
  });
}

export default function RulePage() {
  return (
    <RequireAdmin>
      <RuleScreen />
    </RequireAdmin>
  );
}

function RuleScreen() {
  const { id = 'new' } = useParams();
  const isNew = id === 'new';
  const rule = useRule(isNew ? null : id);
  const { t } = useTranslation();

  if (!isNew && rule.isPending) return <LoadingRows rows={8} />;
  if (!isNew && rule.isError)
    return isNotFound(rule.error) ? (
      <NotFoundState kind="rule" />
    ) : (
      <ErrorState error={rule.error} onRetry={() => void rule.refetch()} />
    );
  const saved = isNew ? null : rule.data!;
  return (
    <Stack gap="md" maw={1100}>
      <Anchor component={Link} to="/automation" size="sm">
        ← {t('automation.builder.back')}
      </Anchor>
      <RuleForm
        key={saved ? `${saved.id}:${saved.updated_at}` : 'new'}
        ruleId={saved?.id ?? null}
        saved={saved}
      />
      {saved && <DryRun ruleId={saved.id} event={saved.event} />}
      {saved && <RuleLog ruleId={saved.id} />}
    </Stack>
  );
}

/** The server's reasons for rule fields, in the user's language where we know them. */
function ruleReason(reason: string, t: TFunction): string {
  if (/^is required by [a-z_]+$/.test(reason)) return t('automation.builder.valueRequired');
  if (reason.startsWith('must be at least 16 characters')) return t('automation.builder.secretLength');
  return reasonText(reason, t);
}

/** Why a dry run was refused: a conversation or customer id that names none, in the user's words. */
function dryRunError(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('common.errors.unexpected');
  const details = error.details && !Array.isArray(error.details) ? error.details : null;
  if (error.code === 'not_found' && (details?.entity === 'conversation' || details?.entity === 'contact'))
    return t(`automation.dryRun.notFound.${details.entity}`, { id: String(details.id ?? '') });
  const reason = error.fieldErrors[0]?.reason;
  return reason ? ruleReason(reason, t) : errorMessage(error, t);
}

function initialDraft(saved: RuleDraft | null, template: string | null, t: TFunction) {
  if (saved) return saved;
  if (template && (TEMPLATE_IDS as readonly string[]).includes(template)) {
    const id = template as TemplateId;
    const text =
      id === 'refund_keyword'
        ? t('automation.templates.refund_keywordText')
        : id === 'welcome'
          ? t('automation.templates.welcomeText', { name: '{{contact.name}}' })
          : '';
    return templateRule(id, t(`automation.templates.${id}`), text);
  }
  return emptyRule();
}

function RuleForm({ ruleId, saved }: { ruleId: string | null; saved: AutomationRule | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const refresh = useRefreshRules();
  const lists = useBuilderLists();
  const [draft, setDraft] = useState<RuleDraft>(() =>
    initialDraft(saved ? draftOf(saved) : null, params.get('template'), t),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = useMutation({
    mutationFn: () =>
      ruleId
        ? unwrap(
            api.PATCH('/api/rules/{id}', {
              params: { path: { id: ruleId } },
              body: { ...toRuleJson(draft) },
            }),
          )
        : unwrap(api.POST('/api/rules', { body: { ...toRuleJson(draft) } })),
    onSuccess: (rule) => {
      setErrors({});
      setMessage(null);
      refresh();
      notify({
        color: 'green',
        message: t(ruleId ? 'automation.builder.saved' : 'automation.builder.created', { name: rule.name }),
      });
      if (!ruleId) void navigate(`/automation/rules/${rule.id}`, { replace: true });
    },
    onError: (error) => {
      if (!(error instanceof ApiError) || error.fieldErrors.length === 0) {
        setErrors({});
        setMessage(errorMessage(error, t));
        return;
      }
      const { fields, elsewhere } = placeRuleErrors(
        error.fieldErrors,
        shownPaths(draft.conditions, draft.actions),
        (reason) => (reason ? ruleReason(reason, t) : error.message),
        (item, reason) => t('automation.builder.itemReason', { item, reason }),
        (items) => joinSentences(items, t),
      );
      setErrors(fields);
      setMessage(
        elsewhere.length > 0
          ? joinSentences(
              elsewhere.map(({ place, reason }) =>
                t('automation.builder.placeReason', {
                  place:
                    place.kind === 'action'
                      ? t('automation.builder.action', { n: place.n })
                      : t(`automation.builder.${place.kind === 'conditions' ? 'conditions' : 'rule'}`),
                  reason,
                }),
              ),
              t,
            )
          : t('automation.builder.fixBelow'),
      );
    },
  });
  // An assignee not chosen yet is said on its field before anything is sent.
  const submit = () => {
    const unchosen = unchosenActionFields(draft.actions);
    if (unchosen.length === 0) return save.mutate();
    setErrors(
      Object.fromEntries(
        unchosen.map((path) => [
          path,
          t(
            path.endsWith('agent_id')
              ? 'automation.builder.chooseAgentFirst'
              : 'automation.builder.chooseTeamFirst',
          ),
        ]),
      ),
    );
    setMessage(t('automation.builder.fixBelow'));
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Title order={1} size="h3">
            {saved ? saved.name : t('automation.builder.newTitle')}
          </Title>
          {saved && (
            <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
              {t('automation.builder.delete')}
            </Button>
          )}
        </Group>
        {message && (
          <Alert color="red" role="alert" title={t('automation.builder.refused')}>
            <Text size="sm">{message}</Text>
          </Alert>
        )}
        <Group align="flex-start" gap="md">
          <TextInput
            label={t('automation.builder.name')}
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={errors.name}
            w={360}
            required
          />
          <RuleEventSelect value={draft.event} onChange={(event) => set({ event })} error={errors.event} />
        </Group>
        <Stack gap={6}>
          <Title order={2} size="h5">
            {t('automation.builder.conditions')}
          </Title>
          <GroupEditor
            group={draft.conditions}
            path="conditions"
            depth={0}
            event={draft.event}
            lists={lists}
            errors={errors}
            onChange={(conditions) => set({ conditions })}
          />
        </Stack>
        <Stack gap={6}>
          <Title order={2} size="h5">
            {t('automation.builder.actions')}
          </Title>
          <ActionsEditor
            actions={draft.actions}
            event={draft.event}
            lists={lists}
            errors={errors}
            onChange={(actions) => set({ actions })}
          />
        </Stack>
        <Group gap="xl">
          <Switch
            label={t('automation.builder.active')}
            checked={draft.active}
            onChange={(e) => set({ active: e.currentTarget.checked })}
            error={errors.active}
          />
          <Switch
            label={t('automation.builder.once')}
            description={t('automation.builder.onceHint')}
            checked={draft.once_per_conversation}
            onChange={(e) => set({ once_per_conversation: e.currentTarget.checked })}
            error={errors.once_per_conversation}
          />
        </Group>
        {saved?.deactivated_reason && (
          <Alert color="orange" title={t('automation.switchedOff')}>
            <Text size="sm">{deactivatedReasonText(saved.deactivated_reason, t)}</Text>
            <Text size="sm">{t('automation.switchedOffHint')}</Text>
          </Alert>
        )}
        <Group>
          <Button onClick={submit} loading={save.isPending}>
            {ruleId ? t('automation.builder.save') : t('automation.builder.create')}
          </Button>
        </Group>
      </Stack>
      {deleting && saved && (
        <ConfirmModal
          title={t('automation.builder.deleteTitle')}
          confirmLabel={t('automation.builder.delete')}
          onClose={() => setDeleting(false)}
          onConfirm={() => unwrap(api.DELETE('/api/rules/{id}', { params: { path: { id: saved.id } } }))}
          onDone={() => {
            refresh();
            notify({ color: 'green', message: t('automation.builder.deleted', { name: saved.name }) });
            void navigate('/automation');
          }}
        >
          {t('automation.builder.deleteBody', { name: saved.name })}
        </ConfirmModal>
      )}
    </Paper>
  );
}

interface Trace {
  matched: boolean;
  condition?: Condition;
  actual?: unknown;
  group?: 'all' | 'any';
  children?: Trace[];
}

type MessageType = (typeof MESSAGE_TYPES)[number];

function DryRun({ ruleId, event }: { ruleId: string; event: string }) {
  const { t } = useTranslation();
  const lists = useBuilderLists();
  const [params, setParams] = useSearchParams();
  const contactEvent = CONTACT_EVENTS.has(event);
  // Events whose rules the builder gives message conditions: those are tried on a message.
  const messageEvent = attributesFor(event, []).some((a) => a.scope === 'message');
  const param = contactEvent ? 'contact' : 'conversation';
  const [subject, setSubject] = useState<string | null>(params.get(param));
  // A message to try the rule on (else the conversation's latest): what a customer might write.
  const [message, setMessage] = useState('');
  const [messageType, setMessageType] = useState<MessageType>('incoming');
  const run = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/api/rules/{id}/dry-run', {
          params: { path: { id: ruleId } },
          body: contactEvent
            ? { contact_id: id }
            : {
                conversation_id: id,
                ...(messageEvent && message.trim() !== ''
                  ? { message: { content: message, type: messageType } }
                  : {}),
              },
        }),
      ),
  });
  // A shared link with ?conversation= shows the same check.
  const initial = params.get(param);
  useEffect(() => {
    if (initial) run.mutate(initial);
    // Once, on arriving: later choices check through `check`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Choosing checks at once; the button checks the same one again after the rule or the record changed.
  const check = (id: string | null) => {
    setSubject(id);
    setParams(
      (p) => {
        if (id) p.set(param, id);
        else p.delete(param);
        return p;
      },
      { replace: true },
    );
    if (id) run.mutate(id);
    else run.reset();
  };
  const error = run.isError ? dryRunError(run.error, t) : undefined;

  return (
    <Paper withBorder p="md" data-testid="dry-run">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4">
            {t('automation.dryRun.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {contactEvent ? t('automation.dryRun.contactDescription') : t('automation.dryRun.description')}
          </Text>
        </div>
        <Group align="flex-end" gap="xs">
          {contactEvent ? (
            <CustomerPicker
              label={t('automation.dryRun.contact')}
              value={subject}
              onChange={check}
              error={error}
              width={360}
            />
          ) : (
            <ConversationPicker
              label={t('automation.dryRun.conversation')}
              value={subject}
              onChange={check}
              error={error}
            />
          )}
          <Button
            variant="default"
            loading={run.isPending}
            disabled={!subject}
            onClick={() => subject && run.mutate(subject)}
          >
            {t('automation.dryRun.run')}
          </Button>
        </Group>
        {messageEvent && (
          <Group align="flex-start" gap="xs">
            <Textarea
              label={t('automation.dryRun.message')}
              description={t('automation.dryRun.messageHint')}
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={6}
              w={360}
            />
            <Select
              label={t('automation.dryRun.messageType')}
              data={MESSAGE_TYPES.map((value) => ({ value, label: t(`automation.messageTypes.${value}`) }))}
              value={messageType}
              onChange={(value) => value && setMessageType(value as MessageType)}
              allowDeselect={false}
              w={180}
            />
          </Group>
        )}
        {run.data && (
          <Stack gap={6} data-testid="dry-run-result">
            <StatusLabel color={run.data.matched ? 'green' : 'gray'}>
              {run.data.matched ? t('automation.dryRun.matched') : t('automation.dryRun.notMatched')}
            </StatusLabel>
            {run.data.would_skip === 'inactive' && (
              <Text size="sm">{t('automation.dryRun.skipInactive')}</Text>
            )}
            {run.data.would_skip === 'once_per_conversation' && (
              <Text size="sm">{t('automation.dryRun.skipOnce')}</Text>
            )}
            {run.data.message && (
              <Text size="sm" c="dimmed" data-testid="dry-run-message">
                {t(
                  run.data.message.given ? 'automation.dryRun.triedGiven' : 'automation.dryRun.triedLatest',
                  {
                    type: t(`automation.messageTypes.${run.data.message.type}`),
                    content: run.data.message.content,
                  },
                )}
              </Text>
            )}
            <TraceView trace={run.data.trace as Trace} lists={lists} />
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function TraceView({ trace, lists }: { trace: Trace; lists: BuilderLists }) {
  const { t } = useTranslation();
  const names = new Map([...lists.agents, ...lists.teams, ...lists.inboxes].map((o) => [o.value, o.label]));
  if (trace.condition) {
    const c = trace.condition;
    // Ids by name (agents, teams, inboxes), fixed values (statuses, priorities) in words.
    const show = (v: unknown): string => {
      if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0))
        return t('automation.dryRun.empty');
      if (Array.isArray(v)) return v.map(show).join(t('common.valueSeparator'));
      if (typeof v === 'object') return JSON.stringify(v);
      return names.get(String(v)) ?? valueText(c.attribute, v as Condition['value'], t);
    };
    return (
      <Group gap="xs" wrap="nowrap" data-testid="trace-condition" data-matched={trace.matched}>
        <StatusLabel color={trace.matched ? 'green' : 'red'}>
          {trace.matched ? t('automation.dryRun.held') : t('automation.dryRun.failed')}
        </StatusLabel>
        <Text size="sm">
          {attributeLabel(c.attribute, t, lists.custom)} {operatorLabel(c.operator, undefined, t)}
          {c.value !== undefined ? ` ${show(c.value)}` : ''}{' '}
          <Text span c="dimmed" size="sm">
            {t('automation.dryRun.actual', { value: show(trace.actual) })}
          </Text>
        </Text>
      </Group>
    );
  }
  return (
    <Stack gap={4} pl="sm" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }}>
      <Group gap="xs">
        <StatusLabel color={trace.matched ? 'green' : 'red'}>
          {trace.matched ? t('automation.dryRun.held') : t('automation.dryRun.failed')}
        </StatusLabel>
        <Text size="sm" fw={600}>
          {trace.group === 'any' ? t('automation.builder.any') : t('automation.builder.all')}
        </Text>
      </Group>
      {(trace.children ?? []).map((child, i) => (
        <TraceView key={i} trace={child} lists={lists} />
      ))}
    </Stack>
  );
}

function RuleLog({ ruleId }: { ruleId: string }) {
  const { t, i18n } = useTranslation();
  const log = useRuleLog(ruleId);
  const outcomeColor: Record<string, string> = {
    matched: 'green',
    not_matched: 'gray',
    skipped_own_change: 'yellow',
    skipped_once: 'yellow',
    stopped_depth: 'orange',
  };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        {t('automation.log.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('automation.log.description')}
      </Text>
      {log.isPending ? (
        <LoadingRows rows={3} />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('automation.log.empty')}
        </Text>
      ) : (
        <TableScroll minWidth={760} label={t('automation.log.title')}>
          <Table
            className="kith-sticky-head"
            fz="sm"
            verticalSpacing={6}
            aria-label={t('automation.log.title')}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('automation.log.when')}</Table.Th>
                <Table.Th>{t('automation.log.event')}</Table.Th>
                <Table.Th>{t('automation.log.subject')}</Table.Th>
                <Table.Th>{t('automation.log.outcome')}</Table.Th>
                <Table.Th>{t('automation.log.actions')}</Table.Th>
                <Table.Th>{t('automation.log.error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.data.map((entry) => {
                const outcomeKey = `automation.log.outcomes.${entry.outcome}`;
                const eventKey = `automation.events.${entry.event}`;
                const actions = (entry.actions as { action?: string; ok?: boolean }[]).map((a) => {
                  const key = `automation.actionNames.${a.action ?? ''}`;
                  return `${a.ok === false ? '✗ ' : ''}${i18n.exists(key) ? t(key) : (a.action ?? '')}`;
                });
                return (
                  <Table.Tr key={entry.id} data-testid="log-entry" data-outcome={entry.outcome}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.created_at)}</Table.Td>
                    <Table.Td>{i18n.exists(eventKey) ? t(eventKey) : entry.event}</Table.Td>
                    <Table.Td>
                      {entry.conversation_id ? (
                        <Anchor
                          component={Link}
                          to={`/conversations/${entry.conversation_id}`}
                          size="sm"
                          title={entry.conversation_id}
                        >
                          {t('automation.log.conversationOf', {
                            name: entry.subject_name ?? t('automation.log.unnamed'),
                          })}
                        </Anchor>
                      ) : entry.contact_id ? (
                        <Anchor
                          component={Link}
                          to={`/customers/${entry.contact_id}`}
                          size="sm"
                          title={entry.contact_id}
                        >
                          {entry.subject_name ?? t('automation.log.unnamed')}
                        </Anchor>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <StatusLabel color={outcomeColor[entry.outcome] ?? 'gray'}>
                        {i18n.exists(outcomeKey) ? t(outcomeKey) : entry.outcome}
                      </StatusLabel>
                    </Table.Td>
                    <Table.Td>{actions.join(t('common.valueSeparator'))}</Table.Td>
                    <Table.Td>
                      {entry.error && (
                        <Text size="sm" c="red.8">
                          {ruleRunErrorText(entry.error, t)}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Paper>
  );
}
