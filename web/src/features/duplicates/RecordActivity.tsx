/**
 * What each compared record has behind it: its conversations (how many) and its timeline — the latest
 * entries, or on request the last hundred in a scrolling box with a link to the customer's whole
 * history — two rows of the compare table, so a person sees which record is the one in use.
 */
import { Anchor, Button, ScrollArea, Table, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Contact, unwrap } from '../../api/client';
import { formatDateTime, formatNumber } from '../../i18n';
import { labelOr } from '../customers/customer-format';

const COUNTED = 100;
const RECENT = 3;
const EXPANDED = 100;

export function RecordActivity({ records }: { records: readonly Contact[] }) {
  const { t, i18n } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  const limit = expanded ? EXPANDED : RECENT;
  const conversations = useQueries({
    queries: records.map((c) => ({
      queryKey: ['conversations', 'of-contact', c.id],
      queryFn: () =>
        unwrap(api.GET('/api/conversations', { params: { query: { contact_id: c.id, limit: COUNTED } } })),
    })),
  });
  const timelines = useQueries({
    queries: records.map((c) => ({
      queryKey: ['contact-timeline', c.id, limit],
      queryFn: () =>
        unwrap(
          api.GET('/api/contacts/{id}/timeline', {
            params: { path: { id: c.id }, query: { limit } },
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
          <Button variant="default" size="compact-xs" mt={4} onClick={() => setExpanded(!expanded)}>
            {expanded ? t('duplicates.compare.lessHistory') : t('duplicates.compare.moreHistory')}
          </Button>
        </Table.Td>
        {records.map((c, i) => {
          const page = timelines[i]?.data;
          const entries = (page?.data ?? []).map((event) => (
            <Text key={event.id} size="xs">
              {label(`customer.events.${event.type}`, event.type)}{' '}
              <Text span size="xs" c="dimmed">
                {formatDateTime(event.occurred_at)}
              </Text>
            </Text>
          ));
          return (
            <Table.Td key={c.id}>
              {expanded ? (
                <>
                  <ScrollArea.Autosize mah={260} type="auto" offsetScrollbars>
                    {entries}
                  </ScrollArea.Autosize>
                  {page?.data.length === EXPANDED && (
                    <Anchor component={Link} to={`/customers/${c.id}`} size="xs">
                      {t('duplicates.compare.wholeHistory')}
                    </Anchor>
                  )}
                </>
              ) : (
                entries
              )}
            </Table.Td>
          );
        })}
        <Table.Td />
      </Table.Tr>
    </>
  );
}
