/**
 * What happened to a customer, newest first: created, imported, merged, conversations … An entry that
 * points at something else names it as people know it, never by its id: the import by its file name
 * (linking to it for administrators), the group by its name, the conversation by a link to it.
 */
import { Anchor, Text, Timeline } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { useUserDirectory } from '../../session/user-directory';
import { formatDateTime, formatMoney } from '../../i18n';
import { channelLabel } from '../../ui/channel-label';
import { NextPageButton } from '../../ui/NextPageButton';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { labelOr } from './customer-format';

/** Entries a page of the timeline reads; older ones come on request. */
const TIMELINE_PAGE = 100;

export function CustomerTimeline({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
  const { nameOf } = useUserDirectory();
  const events = useInfiniteQuery({
    queryKey: ['contact-timeline', contactId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/contacts/{id}/timeline', {
          params: { path: { id: contactId }, query: { limit: TIMELINE_PAGE, before: pageParam } },
        }),
      ),
    // A full page may have older entries: the next starts before its last.
    getNextPageParam: (last) => (last.data.length === TIMELINE_PAGE ? last.data.at(-1)!.id : undefined),
  });
  if (events.isPending) return <LoadingRows rows={4} />;
  if (events.isError) return <ErrorState error={events.error} onRetry={() => void events.refetch()} />;
  const entries = events.data.pages.flatMap((page) => page.data);
  if (entries.length === 0) return <EmptyState title={t('customer.noEvents')} />;
  return (
    <>
      <Timeline bulletSize={12} lineWidth={2}>
        {entries.map((event) => {
          const data = (event.data ?? {}) as Record<string, unknown>;
          const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null);
          const importId = text('import_id');
          const conversationId = text('conversation_id');
          const groupId = text('group_id');
          // An import's entry says whether the row made the customer or changed them (older entries just "Imported").
          const type =
            event.type === 'imported' && (text('action') === 'created' || text('action') === 'updated')
              ? `imported_${text('action')}`
              : event.type;
          return (
            <Timeline.Item
              key={event.id}
              title={
                <Text size="sm" fw={500}>
                  {label(`customer.events.${type}`, event.type)}
                </Text>
              }
            >
              <Text size="xs" c="dimmed">
                {formatDateTime(event.occurred_at)} · {channelLabel(event.channel, t)}
              </Text>
              {event.type === 'purchase' && (
                <Text size="xs">
                  {`${String(data.order_number ?? '')} · ${formatMoney(data.amount == null ? null : String(data.amount), data.currency == null ? null : String(data.currency))}`}
                </Text>
              )}
              {importId && (
                <Text size="xs">
                  <ImportName id={importId} />
                  {typeof data.row === 'number' && ` · ${t('customer.entry.row', { row: data.row })}`}
                </Text>
              )}
              {groupId && (
                <Anchor component={Link} to={`/customers?group=${encodeURIComponent(groupId)}`} size="xs">
                  {text('group_name') ?? t('customer.entry.aGroup')}
                </Anchor>
              )}
              {event.type === 'conversation_status_changed' && text('to') && (
                <Text size="xs">
                  {t('customer.entry.statusTo', {
                    status: label(`conversations.statuses.${text('to')}`, text('to')!),
                  })}
                </Text>
              )}
              {event.type === 'conversation_assigned' && (
                <Text size="xs">
                  {text('to')
                    ? t('customer.entry.assignedTo', {
                        name: nameOf(text('to')) ?? t('customer.entry.anAgent'),
                      })
                    : t('customer.entry.unassigned')}
                </Text>
              )}
              {conversationId && (
                <Anchor component={Link} to={`/conversations/${conversationId}`} size="xs">
                  {t('customer.entry.openConversation')}
                </Anchor>
              )}
            </Timeline.Item>
          );
        })}
      </Timeline>
      <NextPageButton pages={events} label={t('customer.olderEvents')} compact />
    </>
  );
}

/**
 * An import as the timeline names it: its file name, linking to the import, for administrators (who may
 * read imports); "an import" while the name is unknown (agents, an import since deleted).
 */
function ImportName({ id }: { id: string }) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const admin = isAdmin(user);
  // The same query as the customers list's import filter: one read per import, however many entries.
  const imported = useQuery({
    queryKey: ['import', id],
    queryFn: () => unwrap(api.GET('/api/imports/{id}', { params: { path: { id } } })),
    enabled: admin,
    retry: false,
    staleTime: 300_000,
  });
  const name = imported.data?.file_name || t('customer.entry.anImport');
  if (!admin || imported.isError) return <>{name}</>;
  return (
    <Anchor component={Link} to={`/imports/${id}`} size="xs">
      {name}
    </Anchor>
  );
}
