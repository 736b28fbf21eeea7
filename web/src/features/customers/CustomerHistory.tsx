/** The change history (audit log) of a customer: who changed what, when, before → after. */
import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useUserDirectory } from '../../session/user-directory';
import { formatDateTime } from '../../i18n';
import { channelLabel } from '../../ui/channel-label';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { useCustomerChangeText } from './customer-change-format';
import { labelOr } from './customer-format';

export function CustomerHistory({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
  const { fieldName, valueText } = useCustomerChangeText();
  const history = useQuery({
    queryKey: ['contact-history', contactId],
    queryFn: () =>
      unwrap(
        api.GET('/api/contacts/{id}/history', { params: { path: { id: contactId }, query: { limit: 100 } } }),
      ),
  });
  const { nameOf } = useUserDirectory();
  if (history.isPending) return <LoadingRows rows={4} />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  if (history.data.data.length === 0) return <EmptyState title={t('customer.noHistory')} />;
  const who = (id: string | null) => {
    if (!id) return t('customer.system');
    return nameOf(id) ?? id;
  };
  return (
    <Table aria-label={t('customer.history')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('customer.when')}</Table.Th>
          <Table.Th>{t('customer.who')}</Table.Th>
          <Table.Th>{t('customer.field')}</Table.Th>
          <Table.Th>{t('customer.before')}</Table.Th>
          <Table.Th>{t('customer.after')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {history.data.data.flatMap((entry) => {
          const changes = entry.changes.length
            ? entry.changes
            : [{ field: entry.action, old: null, new: null }];
          return changes.map((change, index) => (
            <Table.Tr key={`${entry.id}-${index}`}>
              {/* The time on one line; who, and below it where the change came from, as the audit log shows them. */}
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm">{index === 0 ? formatDateTime(entry.created_at) : ''}</Text>
              </Table.Td>
              <Table.Td>
                {index === 0 && (
                  <>
                    <Text size="sm">{who(entry.actor_id)}</Text>
                    <Text size="xs" c="dimmed">
                      {channelLabel(entry.channel, t)}
                    </Text>
                  </>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {/* An entry that changed no field is named by what happened, as the audit log names it. */}
                  {entry.changes.length
                    ? fieldName(change.field)
                    : label(`settings.audit.actions.${entry.action}`, entry.action)}
                </Text>
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                <Text size="sm" c="dimmed" td="line-through">
                  {valueText(change.field, change.old)}
                </Text>
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                <Text size="sm">{valueText(change.field, change.new)}</Text>
              </Table.Td>
            </Table.Tr>
          ));
        })}
      </Table.Tbody>
    </Table>
  );
}
