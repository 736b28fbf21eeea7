/**
 * The agent workspace (`/conversations?assignee=mine&status=open&inbox=…`): Mine / Unassigned / All
 * with their counts, per inbox and status, the longest waiting first. Every filter is in the URL; the
 * list, the counts and each row update live through the stream (live.ts), without a reload.
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { useRowKeys } from '../../ui/row-keys';
import { TableScroll } from '../../ui/TableScroll';
import { NextPageButton } from '../../ui/NextPageButton';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import {
  formatWaiting,
  PRIORITY_COLOR,
  STATUSES,
  useAgentNames,
  useInboxes,
  useInboxNames,
} from './conversation-queries';
import { useContactNames } from './contact-names';
import { type LiveState, useLiveConversations } from './live';
import { LastMessage } from './LastMessage';

const TABS = ['mine', 'unassigned', 'all'] as const;
type Tab = (typeof TABS)[number];
type Status = (typeof STATUSES)[number];

/** The workspace's filters as the URL holds them (defaults: mine, open, every inbox). */
export function workspaceFilters(params: URLSearchParams) {
  const tab = (TABS as readonly string[]).includes(params.get('assignee') ?? '')
    ? (params.get('assignee') as Tab)
    : 'mine';
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as Status)
    : 'open';
  const inbox = params.get('inbox') || undefined;
  return { tab, status, inbox };
}

export function LiveBadge({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  const live = state === 'live';
  return (
    <Tooltip label={live ? t('conversations.live.liveHint') : t('conversations.live.reconnectingHint')}>
      <Badge variant="dot" color={live ? 'green' : 'gray'} data-testid="live-state" data-state={state}>
        {live ? t('conversations.live.live') : t('conversations.live.reconnecting')}
      </Badge>
    </Tooltip>
  );
}

export default function ConversationsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { tab, status, inbox } = workspaceFilters(params);
  const { data: user } = useSession();
  const live = useLiveConversations();
  const inboxes = useInboxes();
  const assignee = tab === 'mine' ? user?.id : tab === 'unassigned' ? 'none' : undefined;
  const query = { status, inbox_id: inbox, assignee_id: assignee, sort: 'waiting' as const, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['conversations', 'workspace', query],
    enabled: user !== undefined,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/conversations', { params: { query: { ...query, after: pageParam } } })),
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const counts = useQuery({
    queryKey: ['conversation-counts', { status, inbox }],
    queryFn: () =>
      unwrap(api.GET('/api/conversations/counts', { params: { query: { status, inbox_id: inbox } } })),
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const names = useContactNames(rows.map((r) => r.contact_id));
  const agentName = useAgentNames();
  const inboxName = useInboxNames();
  const navigate = useNavigate();
  // The list opens each conversation with the list's filters kept, for the way back.
  const conversationUrl = (id: string) => `/conversations/${id}?${params.toString()}`;
  const rowKeys = useRowKeys({
    count: rows.length,
    open: (index) => void navigate(conversationUrl(rows[index]!.id)),
    resetOn: params,
  });

  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const countOf = (which: Tab) => {
    if (!counts.data) return '';
    const n = counts.data[which];
    // Counts stop at 10,000 on the server.
    return ` ${formatNumber(n)}${counts.data.capped && n >= 10_000 ? '+' : ''}`;
  };

  return (
    <>
      <PageHeader
        title={t('conversations.title')}
        description={t('conversations.description')}
        actions={<LiveBadge state={live} />}
      />
      <Paper withBorder p="sm" mb="md">
        <Group gap="md" align="flex-end" wrap="wrap">
          <SegmentedControl
            aria-label={t('conversations.tabsLabel')}
            value={tab}
            onChange={(value) => setFilter('assignee', value === 'mine' ? null : value)}
            data={TABS.map((which) => ({
              value: which,
              label: `${t(`conversations.tabs.${which}`)}${countOf(which)}`,
            }))}
            data-testid="workspace-tabs"
          />
          <SegmentedControl
            aria-label={t('conversations.statusLabel')}
            value={status}
            onChange={(value) => setFilter('status', value === 'open' ? null : value)}
            data={STATUSES.map((s) => ({ value: s, label: t(`conversations.statuses.${s}`) }))}
          />
          <Select
            label={t('conversations.inbox')}
            placeholder={t('conversations.allInboxes')}
            clearable
            data={(inboxes.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
            value={inbox ?? null}
            onChange={(value) => setFilter('inbox', value)}
            w={200}
          />
        </Group>
      </Paper>
      {list.isPending ? (
        <LoadingRows />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={t('conversations.none')}
          description={t('conversations.noneHint')}
          action={
            // Mine or Unassigned is empty while All is not (an admin in no inbox lands on an empty Mine).
            tab !== 'all' && counts.data && counts.data.all > 0 ? (
              <Button variant="default" onClick={() => setFilter('assignee', 'all')}>
                {t('conversations.showAll', {
                  count: counts.data.all,
                  formatted: countOf('all').trim(),
                })}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Paper withBorder>
          {/* Seven columns need more than a 1024 px window leaves: the list scrolls sideways in its box,
              as the customers list does, instead of running past the window's edge. */}
          <TableScroll minWidth={760} label={t('conversations.title')}>
            <Table
              highlightOnHover
              className="kith-sticky-head kith-tabular kith-nowrap-head"
              data-testid="conversation-list"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('conversations.customer')}</Table.Th>
                  <Table.Th>{t('conversations.lastMessage')}</Table.Th>
                  <Table.Th>{t('conversations.waiting')}</Table.Th>
                  <Table.Th>{t('conversations.inbox')}</Table.Th>
                  <Table.Th>{t('conversations.assignee')}</Table.Th>
                  <Table.Th>{t('conversations.labels')}</Table.Th>
                  <Table.Th>{t('conversations.priority')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody {...rowKeys.bodyProps}>
                {rows.map((c, index) => {
                  const since = c.last_message_at ?? c.created_at;
                  return (
                    <Table.Tr key={c.id} data-testid="conversation-row" {...rowKeys.rowProps(index)}>
                      {/* A long name takes one line (whole in its title), not the list's width. */}
                      <Table.Td maw={240}>
                        <Anchor
                          component={Link}
                          to={conversationUrl(c.id)}
                          fw={500}
                          display="block"
                          truncate="end"
                          title={names.data?.get(c.contact_id)}
                        >
                          {names.data?.get(c.contact_id) ?? t('conversations.unknownCustomer')}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <LastMessage message={c.last_message} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" title={formatDateTime(since)} style={{ whiteSpace: 'nowrap' }}>
                          {formatWaiting(since, i18n.language)}
                        </Text>
                      </Table.Td>
                      {/* An inbox's or agent's long name is cut to one line too (whole in its title): kept whole,
                        it pushed the assignee, labels and priority past the window's edge at 1024 px; at
                        200 px each (and 280 for the customer), long names still pushed the priority out of
                        sight at 1440 px. */}
                      <Table.Td maw={160}>
                        <Text size="sm" truncate="end" title={inboxName.get(c.inbox_id)}>
                          {inboxName.get(c.inbox_id) ?? ''}
                        </Text>
                      </Table.Td>
                      <Table.Td maw={160}>
                        {c.assignee_id ? (
                          <Text size="sm" truncate="end" title={agentName.get(c.assignee_id)}>
                            {agentName.get(c.assignee_id) ?? ''}
                          </Text>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {t('conversations.unassigned')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {c.labels.map((l) => (
                            <Badge key={l} variant="light" color="gray" size="sm">
                              {l}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {c.priority && (
                          <Badge variant="dot" color={PRIORITY_COLOR[c.priority]} miw="max-content">
                            {t(`conversations.priorities.${c.priority}`)}
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </TableScroll>
          <NextPageButton pages={list} label={t('conversations.more')} />
        </Paper>
      )}
    </>
  );
}
