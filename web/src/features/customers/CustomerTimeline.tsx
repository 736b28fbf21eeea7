/** What happened to a customer, newest first: created, imported, merged, conversations … */
import { Anchor, Text, Timeline } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDateTime, formatMoney } from '../../i18n';
import { NextPageButton } from '../../ui/NextPageButton';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { labelOr } from './customer-format';

/** Entries a page of the timeline reads; older ones come on request. */
const TIMELINE_PAGE = 100;

export function CustomerTimeline({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
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
          const importId = typeof data.import_id === 'string' ? data.import_id : null;
          return (
            <Timeline.Item
              key={event.id}
              title={
                <Text size="sm" fw={500}>
                  {label(`customer.events.${event.type}`, event.type)}
                </Text>
              }
            >
              <Text size="xs" c="dimmed">
                {formatDateTime(event.occurred_at)} ·{' '}
                {label(`customer.channels.${event.channel}`, event.channel)}
              </Text>
              {event.type === 'purchase' && (
                <Text size="xs">
                  {`${String(data.order_number ?? '')} · ${formatMoney(data.amount == null ? null : String(data.amount), data.currency == null ? null : String(data.currency))}`}
                </Text>
              )}
              {importId && (
                <Anchor component={Link} to={`/imports/${importId}`} size="xs">
                  {importId}
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
