/**
 * What each compared record has behind it: its conversations (how many) and its latest timeline
 * entries — two rows of the compare table, so a person sees which record is the one in use.
 */
import { Table, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Contact, unwrap } from '../../api/client';
import { formatDateTime, formatNumber } from '../../i18n';
import { labelOr } from '../customers/customer-format';

const COUNTED = 100;
const RECENT = 3;

export function RecordActivity({ records }: { records: readonly Contact[] }) {
  const { t, i18n } = useTranslation();
  const conversations = useQueries({
    queries: records.map((c) => ({
      queryKey: ['conversations', 'of-contact', c.id],
      queryFn: () =>
        unwrap(api.GET('/api/conversations', { params: { query: { contact_id: c.id, limit: COUNTED } } })),
    })),
  });
  const timelines = useQueries({
    queries: records.map((c) => ({
      queryKey: ['contact-timeline', c.id, RECENT],
      queryFn: () =>
        unwrap(
          api.GET('/api/contacts/{id}/timeline', {
            params: { path: { id: c.id }, query: { limit: RECENT } },
          }),
        ),
    })),
  });
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
  return (
    <>
      <Table.Tr>
        <Table.Td>
          <Text size="sm" fw={500}>
            {t('duplicates.compare.conversations')}
          </Text>
        </Table.Td>
        {records.map((c, i) => {
          const page = conversations[i]?.data;
          return (
            <Table.Td key={c.id}>
              <Text size="sm">
                {page ? `${formatNumber(page.data.length)}${page.next_after ? '+' : ''}` : '…'}
              </Text>
            </Table.Td>
          );
        })}
        <Table.Td />
      </Table.Tr>
      <Table.Tr>
        <Table.Td>
          <Text size="sm" fw={500}>
            {t('duplicates.compare.recent')}
          </Text>
        </Table.Td>
        {records.map((c, i) => (
          <Table.Td key={c.id}>
            {(timelines[i]?.data?.data ?? []).map((event) => (
              <Text key={event.id} size="xs">
                {label(`customer.events.${event.type}`, event.type)}{' '}
                <Text span size="xs" c="dimmed">
                  {formatDateTime(event.occurred_at)}
                </Text>
              </Text>
            ))}
          </Table.Td>
        ))}
        <Table.Td />
      </Table.Tr>
    </>
  );
}
