/** The change history (audit log) of a customer: who changed what, when, before → after. */
import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useUserDirectory } from '../../app/user-directory';
import { formatDate, formatDateTime, formatList } from '../../i18n';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { formatPhone } from '../../ui/phone-format';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { labelOr } from './customer-format';
import { groupsQuery, useAttributeDefinitions, useIdentityTypes } from './customer-queries';
import { ORDER_LINK_FIELD, orderLinkText } from '../orders/order-link-format';

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? formatList(value.map(String), 'values') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The groups, identity types and attributes the history names by key, to name them as people read them. */
function useHistoryNames() {
  const groups = useQuery({ ...groupsQuery, retry: false });
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  return {
    groups: groups.data?.data,
    identityTypes: identityTypes.data?.data,
    attributes: attributes.data?.data,
  };
}

export function CustomerHistory({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
  const names = useHistoryNames();
  const fieldName = (field: string) => {
    if (field === ORDER_LINK_FIELD) return t('orders.link.field');
    if (field.startsWith('identities.')) {
      const key = field.slice('identities.'.length);
      const type = names.identityTypes?.find((x) => x.key === key);
      return `${t('fields.identities')} · ${type ? identityTypeLabel(type, t) : key}`;
    }
    if (field.startsWith('attributes.')) {
      const key = field.slice('attributes.'.length);
      return names.attributes?.find((a) => a.key === key)?.label || key;
    }
    return label(`fields.${field}`, field);
  };
  // A value as the customer page shows it: a gender in words, a date in the page's language, a group
  // by name.
  const valueText = (field: string, value: unknown) => {
    if (field === ORDER_LINK_FIELD) return orderLinkText(value, t);
    if (field === 'additional_phones' && Array.isArray(value))
      return shown(value.map((phone) => formatPhone(String(phone))));
    if (typeof value === 'string' && value !== '') {
      if (field === 'gender') return label(`gender.${value}`, value);
      if (field === 'birthday') return formatDate(value);
      if (field === 'phone') return formatPhone(value);
      if (field === 'groups') return names.groups?.find((g) => g.id === value)?.name ?? value;
    }
    return shown(value);
  };
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
              <Table.Td>
                <Text size="sm">{index === 0 ? formatDateTime(entry.created_at) : ''}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {index === 0
                    ? `${who(entry.actor_id)} · ${label(`customer.channels.${entry.channel}`, entry.channel)}`
                    : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{fieldName(change.field)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed" td="line-through">
                  {valueText(change.field, change.old)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{valueText(change.field, change.new)}</Text>
              </Table.Td>
            </Table.Tr>
          ));
        })}
      </Table.Tbody>
    </Table>
  );
}
