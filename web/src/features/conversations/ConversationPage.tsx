/**
 * One conversation (`/conversations/:id`, keeping the workspace's filters in its query so the way back
 * and j / k go through the same list): messages, private notes and what happened (status changes,
 * assignments, rules' actions named with their rule) in order; the reply / note composer; resolve,
 * reopen, snooze, assignment, team, labels and priority; the customer beside it. Updates live; the
 * common actions have keyboard shortcuts (`?` lists them).
 */
import {
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Kbd,
  Modal,
  Paper,
  Popover,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { formatPhone } from '../../ui/phone-format';
import { ErrorState, errorMessage, isNotFound, LoadingRows, NotFoundState } from '../../ui/states';
import { notify } from './notify';
import {
  PRIORITIES,
  PRIORITY_COLOR,
  STATUS_COLOR,
  useAgentNames,
  useAgents,
  useInboxNames,
  useTeams,
} from './conversation-queries';
import { LiveBadge, workspaceFilters } from './ConversationsPage';
import { CustomerPanel } from './CustomerPanel';
import { useLiveConversations } from './live';
import { shortName } from './conversation-title';

type Conversation = Schemas['Conversation'];
type Mode = 'outgoing' | 'note';

export default function ConversationPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { data: user } = useSession();
  const live = useLiveConversations();
  const agents = useAgents();
  const teams = useTeams();
  const inboxName = useInboxNames();
  const agentName = useAgentNames();
  const [mode, setMode] = useState<Mode>('outgoing');
  const [draft, setDraft] = useState('');
  const [help, setHelp] = useState(false);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const [snoozeAt, setSnoozeAt] = useState('');
  const [snoozeError, setSnoozeError] = useState<string | null>(null);
  const composer = useRef<HTMLTextAreaElement>(null);

  const conversation = useQuery({
    queryKey: ['conversation', id],
    queryFn: () => unwrap(api.GET('/api/conversations/{id}', { params: { path: { id } } })),
  });
  const messages = useQuery({
    queryKey: ['conversation-messages', id],
    queryFn: () => unwrap(api.GET('/api/conversations/{id}/messages', { params: { path: { id } } })),
  });
  const events = useQuery({
    queryKey: ['conversation-events', id],
    queryFn: () => unwrap(api.GET('/api/conversations/{id}/events', { params: { path: { id } } })),
  });
  const contactId = conversation.data?.contact_id;
  const contact = useQuery({
    queryKey: ['contact', contactId],
    enabled: contactId !== undefined,
    queryFn: () => unwrap(api.GET('/api/contacts/{id}', { params: { path: { id: contactId! } } })),
  });

  // The workspace list this conversation was opened from: j / k move through it.
  const { tab, status, inbox } = workspaceFilters(params);
  const assignee = tab === 'mine' ? user?.id : tab === 'unassigned' ? 'none' : undefined;
  const listQuery = { status, inbox_id: inbox, assignee_id: assignee, sort: 'waiting' as const, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['conversations', 'workspace', listQuery],
    enabled: user !== undefined,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/conversations', { params: { query: { ...listQuery, after: pageParam } } })),
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const listIds = list.data?.pages.flatMap((p) => p.data.map((c) => c.id)) ?? [];
  const search = params.toString();
  const back = `/conversations${search ? `?${search}` : ''}`;
  const go = (step: number) => {
    const at = listIds.indexOf(id);
    const next = listIds[at === -1 ? 0 : at + step];
    if (next && next !== id) void navigate(`/conversations/${next}${search ? `?${search}` : ''}`);
  };

  const update = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      unwrap(api.PATCH('/api/conversations/{id}', { params: { path: { id } }, body })),
    onSuccess: (next: Conversation) => {
      client.setQueryData(['conversation', id], next);
      void client.invalidateQueries({ queryKey: ['conversation-events', id] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['conversation-counts'] });
    },
    onError: (error) => notify({ color: 'red', message: errorMessage(error, t) }),
  });
  const send = useMutation({
    mutationFn: (body: { direction: Mode; content: string }) =>
      unwrap(api.POST('/api/conversations/{id}/messages', { params: { path: { id } }, body })),
    // The message appearing in the conversation is the confirmation.
    onSuccess: () => {
      setDraft('');
      void client.invalidateQueries({ queryKey: ['conversation-messages', id] });
      void client.invalidateQueries({ queryKey: ['conversation', id] });
    },
    onError: (error) => notify({ color: 'red', message: errorMessage(error, t) }),
  });

  const c = conversation.data;
  const submit = () => {
    if (draft.trim() !== '' && !send.isPending) send.mutate({ direction: mode, content: draft });
  };
  const toggleResolved = () => {
    if (c) update.mutate({ status: c.status === 'resolved' ? 'open' : 'resolved' });
  };
  const focusComposer = (next: Mode) => {
    setMode(next);
    // After the mode's re-render, so the placeholder already says what the text will be.
    window.setTimeout(() => composer.current?.focus(), 0);
  };
  useHotkeys([
    ['r', () => focusComposer('outgoing')],
    ['n', () => focusComposer('note')],
    ['e', toggleResolved],
    ['a', () => user && update.mutate({ assignee_id: user.id })],
    ['s', () => setSnoozeOpen(true)],
    ['u', () => void navigate(back)],
    ['j', () => go(1)],
    ['k', () => go(-1)],
    ['shift+?', () => setHelp(true)],
  ]);

  if (conversation.isError)
    return isNotFound(conversation.error) ? (
      <NotFoundState kind="conversation" backTo={back} />
    ) : (
      <ErrorState error={conversation.error} onRetry={() => void conversation.refetch()} />
    );
  if (!c) return <LoadingRows />;
  const customerName =
    contact.data?.name ||
    formatPhone(contact.data?.phone) ||
    contact.data?.email ||
    t('conversations.unknownCustomer');
  // Who can take it: admins and the agents of its inbox (the server refuses anyone else), and whoever
  // holds it now.
  const agentOptions = (agents.data ?? [])
    .filter((a) => a.role === 'admin' || a.inbox_ids.includes(c.inbox_id) || a.user_id === c.assignee_id)
    .map((a) => ({ value: a.user_id, label: a.name || a.email }));
  const teamOptions = (teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name }));

  return (
    <>
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} to={back} size="sm">
            ← {t('conversations.conversation.back')}
          </Anchor>
          {/* At most two lines, whole in its tooltip, as every page's title (ui/PageHeader); a long name
              is cut itself, so that the words after it (Chinese: 的会话) stay in sight. */}
          <Title
            order={1}
            size="h3"
            lineClamp={2}
            title={t('conversations.conversation.title', { name: customerName })}
            style={{ overflowWrap: 'anywhere' }}
          >
            {t('conversations.conversation.title', { name: shortName(customerName) })}
          </Title>
          <Group gap="xs">
            <Badge color={STATUS_COLOR[c.status]} variant="dot" data-testid="conversation-status">
              {t(`conversations.statuses.${c.status}`)}
            </Badge>
            {/* One line, parted by ·: the inbox's name ran on from the snooze's time ("…18:38 Support"). */}
            <Text size="sm" c="dimmed" data-testid="conversation-meta">
              {[
                c.snoozed_until
                  ? t('conversations.conversation.snoozedUntil', { time: formatDateTime(c.snoozed_until) })
                  : null,
                inboxName.get(c.inbox_id),
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <LiveBadge state={live} />
          </Group>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {user && c.assignee_id !== user.id && (
            <Button variant="default" onClick={() => update.mutate({ assignee_id: user.id })}>
              {t('conversations.conversation.assignToMe')}
            </Button>
          )}
          <Popover opened={snoozeOpen} onChange={setSnoozeOpen} trapFocus position="bottom-end" withArrow>
            <Popover.Target>
              <Button variant="default" onClick={() => setSnoozeOpen((o) => !o)}>
                {t('conversations.conversation.snooze')}
              </Button>
            </Popover.Target>
            <Popover.Dropdown>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!snoozeAt) return;
                  // The server refuses a past time too; said here on the field, in the page's language.
                  if (new Date(snoozeAt).getTime() <= Date.now()) {
                    setSnoozeError(t('conversations.conversation.snoozeInPast'));
                    return;
                  }
                  update.mutate(
                    { status: 'snoozed', snoozed_until: new Date(snoozeAt).toISOString() },
                    { onSuccess: () => setSnoozeOpen(false) },
                  );
                }}
              >
                <Stack gap="xs">
                  <TextInput
                    type="datetime-local"
                    label={t('conversations.conversation.snoozeUntil')}
                    value={snoozeAt}
                    onChange={(e) => {
                      setSnoozeAt(e.currentTarget.value);
                      setSnoozeError(null);
                    }}
                    error={snoozeError}
                    required
                  />
                  <Button type="submit" size="xs" loading={update.isPending}>
                    {t('conversations.conversation.snoozeConfirm')}
                  </Button>
                </Stack>
              </form>
            </Popover.Dropdown>
          </Popover>
          <Button
            onClick={toggleResolved}
            loading={update.isPending && update.variables?.status !== undefined}
          >
            {c.status === 'resolved'
              ? t('conversations.conversation.reopen')
              : t('conversations.conversation.resolve')}
          </Button>
          <Button variant="subtle" onClick={() => setHelp(true)}>
            {t('conversations.conversation.shortcutsButton')}
          </Button>
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Paper withBorder p="sm" mb="sm">
            <Title order={2} size="h5" mb="xs">
              {t('conversations.conversation.messages')}
            </Title>
            {messages.isPending || events.isPending ? (
              <LoadingRows rows={4} />
            ) : messages.isError ? (
              <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />
            ) : (
              <Timeline
                messages={messages.data.data}
                events={events.data?.data ?? []}
                agentName={agentName}
                teamName={new Map(teamOptions.map((o) => [o.value, o.label]))}
              />
            )}
          </Paper>
          <Paper withBorder p="sm">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
            >
              <Stack gap="xs">
                <SegmentedControl
                  value={mode}
                  onChange={(value) => setMode(value as Mode)}
                  data={[
                    { value: 'outgoing', label: t('conversations.conversation.reply') },
                    { value: 'note', label: t('conversations.conversation.addNote') },
                  ]}
                  w="fit-content"
                />
                <Textarea
                  ref={composer}
                  aria-label={t('conversations.conversation.composerLabel')}
                  placeholder={
                    mode === 'note'
                      ? t('conversations.conversation.notePlaceholder')
                      : t('conversations.conversation.replyPlaceholder')
                  }
                  autosize
                  minRows={3}
                  maxRows={10}
                  value={draft}
                  onChange={(e) => setDraft(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                      e.preventDefault();
                      submit();
                    } else if (e.key === 'Escape') e.currentTarget.blur();
                  }}
                  styles={
                    mode === 'note' ? { input: { background: 'var(--mantine-color-yellow-0)' } } : undefined
                  }
                />
                <Group justify="flex-end">
                  <Button type="submit" loading={send.isPending} disabled={draft.trim() === ''}>
                    {mode === 'note'
                      ? t('conversations.conversation.saveNote')
                      : t('conversations.conversation.send')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="sm" mb="sm">
            <Title order={2} size="h5" mb="xs">
              {t('conversations.conversation.details')}
            </Title>
            <Stack gap="xs">
              <Select
                label={t('conversations.conversation.assignAgent')}
                placeholder={t('conversations.unassigned')}
                data={agentOptions}
                value={c.assignee_id}
                clearable
                searchable
                onChange={(value) => update.mutate({ assignee_id: value })}
              />
              <Select
                label={t('conversations.conversation.assignTeam')}
                placeholder={t('conversations.noTeam')}
                data={teamOptions}
                value={c.team_id}
                clearable
                onChange={(value) => update.mutate({ team_id: value })}
              />
              <TagsInput
                label={t('conversations.conversation.labels')}
                placeholder={t('conversations.conversation.labelsPlaceholder')}
                value={c.labels}
                onChange={(labels) => update.mutate({ labels })}
              />
              <Select
                label={t('conversations.conversation.priority')}
                placeholder={t('conversations.noPriority')}
                data={PRIORITIES.map((p) => ({ value: p, label: t(`conversations.priorities.${p}`) }))}
                value={c.priority}
                clearable
                onChange={(value) => update.mutate({ priority: value })}
                leftSection={
                  c.priority ? (
                    <Badge variant="dot" color={PRIORITY_COLOR[c.priority]} size="xs" p={0} />
                  ) : null
                }
              />
            </Stack>
          </Paper>
          <CustomerPanel contactId={c.contact_id} conversationId={c.id} contact={contact} />
        </Grid.Col>
      </Grid>

      <Modal
        opened={help}
        onClose={() => setHelp(false)}
        title={t('conversations.conversation.shortcuts')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack gap={6} data-testid="shortcut-help">
          {(
            [
              ['R', 'reply'],
              ['N', 'note'],
              ['Ctrl + Enter', 'send'],
              ['E', 'resolve'],
              ['A', 'assignMe'],
              ['S', 'snooze'],
              ['U', 'list'],
              ['J / K', 'next'],
              ['?', 'help'],
            ] as const
          ).map(([keys, what]) => (
            <Group key={what} justify="space-between" wrap="nowrap">
              <Text size="sm">{t(`conversations.conversation.keys.${what}`)}</Text>
              <Kbd>{keys}</Kbd>
            </Group>
          ))}
        </Stack>
      </Modal>
    </>
  );
}

type Entry =
  | { at: string; id: string; kind: 'message'; message: Schemas['Message'] & { sender_name: string | null } }
  | { at: string; id: string; kind: 'event'; event: Schemas['ConversationEvent'] };

function Timeline({
  messages,
  events,
  agentName,
  teamName,
}: {
  messages: (Schemas['Message'] & { sender_name: string | null })[];
  events: Schemas['ConversationEvent'][];
  agentName: Map<string, string>;
  teamName: Map<string, string>;
}) {
  const { t } = useTranslation();
  const entries: Entry[] = [
    ...messages.map((m) => ({ at: m.created_at, id: m.id, kind: 'message' as const, message: m })),
    ...events.map((e) => ({ at: e.occurred_at, id: e.id, kind: 'event' as const, event: e })),
  ].sort((a, b) =>
    a.at === b.at
      ? a.kind === b.kind
        ? a.id.localeCompare(b.id)
        : a.kind === 'event'
          ? -1
          : 1
      : a.at.localeCompare(b.at),
  );
  if (entries.length === 0) return <Text c="dimmed">{t('conversations.conversation.empty')}</Text>;
  return (
    <Stack gap="xs" data-testid="conversation-timeline" aria-live="polite">
      {entries.map((entry) =>
        entry.kind === 'message' ? (
          <MessageBubble key={entry.id} message={entry.message} />
        ) : (
          <Text key={entry.id} size="xs" c="dimmed" ta="center" data-testid="conversation-event">
            {describeEvent(entry.event, t, agentName, teamName)} · {formatDateTime(entry.at)}
          </Text>
        ),
      )}
    </Stack>
  );
}

function MessageBubble({ message }: { message: Schemas['Message'] & { sender_name: string | null } }) {
  const { t } = useTranslation();
  const incoming = message.direction === 'incoming';
  const note = message.direction === 'note';
  const who = incoming
    ? t('conversations.conversation.incoming')
    : message.sender_type === 'automation'
      ? t('conversations.conversation.automation', { name: message.sender_name ?? '' })
      : (message.sender_name ?? t('conversations.conversation.system'));
  return (
    <Paper
      p="xs"
      radius="md"
      maw="80%"
      ml={incoming ? 0 : 'auto'}
      bg={note ? 'yellow.0' : incoming ? 'gray.0' : 'indigo.0'}
      withBorder
      data-testid="message"
      data-direction={message.direction}
    >
      <Group justify="space-between" gap="md" mb={2} wrap="nowrap">
        <Text size="xs" fw={600}>
          {note ? `${t('conversations.conversation.note')} · ${who}` : who}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(message.created_at)}
        </Text>
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {message.content}
      </Text>
    </Paper>
  );
}

function describeEvent(
  event: Schemas['ConversationEvent'],
  t: (key: string, options?: Record<string, unknown>) => string,
  agentName: Map<string, string>,
  teamName: Map<string, string>,
): string {
  const data = event.data as Record<string, unknown>;
  const status = (s: unknown) => (typeof s === 'string' ? t(`conversations.statuses.${s}`) : '');
  let text: string;
  switch (event.type) {
    case 'status_changed':
      text = t('conversations.conversation.events.status_changed', {
        from: status(data.from),
        to: status(data.to),
      });
      break;
    case 'assigned':
      text =
        typeof data.to === 'string'
          ? t('conversations.conversation.events.assigned', { to: agentName.get(data.to) ?? data.to })
          : t('conversations.conversation.events.unassigned');
      break;
    case 'team_changed':
      text = t('conversations.conversation.events.team_changed', {
        to: typeof data.to === 'string' ? (teamName.get(data.to) ?? data.to) : t('conversations.noTeam'),
      });
      break;
    case 'labels_changed': {
      const added = (data.added as string[] | undefined) ?? [];
      const removed = (data.removed as string[] | undefined) ?? [];
      const changes = [...added.map((l) => `+${l}`), ...removed.map((l) => `−${l}`)].join(' ');
      text = t('conversations.conversation.events.labels_changed', { changes });
      break;
    }
    case 'priority_changed':
      text = t('conversations.conversation.events.priority_changed', {
        to:
          typeof data.to === 'string'
            ? t(`conversations.priorities.${data.to}`)
            : t('conversations.noPriority'),
      });
      break;
    default:
      text = t('conversations.conversation.events.created');
  }
  const name = event.actor_name;
  if (event.channel === 'automation' && name)
    return t('conversations.conversation.events.byRule', { event: text, name });
  if (name) return t('conversations.conversation.events.by', { event: text, name });
  return text;
}
