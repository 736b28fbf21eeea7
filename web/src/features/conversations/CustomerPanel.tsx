/**
 * The customer beside a conversation: main fields, identities, tags, their other conversations, their
 * latest orders when they have any (the customer page's Orders tab has them all), and a link to the
 * customer page.
 */
import { Anchor, Badge, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Contact, unwrap } from '../../api/client';
import { formatDateTime, formatMoney, formatNumber } from '../../i18n';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { Phone } from '../../ui/Phone';
import { Email } from '../../ui/Email';
import { formatPhone } from '../../ui/phone-format';
import { ErrorState, LoadingRows } from '../../ui/states';
import { useIdentityTypes } from '../customers/customer-queries';
import { STATUS_COLOR } from './conversation-queries';

export function CustomerPanel({
  contactId,
  conversationId,
  contact,
}: {
  contactId: string;
  conversationId: string;
  contact: UseQueryResult<Contact>;
}) {
  const { t } = useTranslation();
  const identityTypes = useIdentityTypes();
  const others = useQuery({
    queryKey: ['conversations', 'of-contact', contactId],
    queryFn: () =>
      unwrap(api.GET('/api/conversations', { params: { query: { contact_id: contactId, limit: 20 } } })),
  });
  const orders = useQuery({
    queryKey: ['contact-orders', contactId, 'latest'],
    queryFn: () =>
      unwrap(
        api.GET('/api/contacts/{id}/orders', { params: { path: { id: contactId }, query: { limit: 3 } } }),
      ),
  });
  if (contact.isError) return <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />;
  if (!contact.data) return <LoadingRows rows={4} />;
  const c = contact.data;
  const fields = (
    [
      ['phone', c.phone ? <Phone value={c.phone} link /> : null],
      ['email', c.email ? <Email address={c.email} /> : null],
      ['company', c.company],
      ['city', [c.province, c.city].filter(Boolean).join(' ')],
    ] as const
  ).filter(([, value]) => value);
  const otherConversations = (others.data?.data ?? []).filter((o) => o.id !== conversationId);
  // Each identity under its type's label, as the customer page shows it (a built-in type's in the
  // user's language), not its key.
  const identities = Object.entries(c.identities).map(([key, value]) => {
    const type = identityTypes.data?.data.find((x) => x.key === key) ?? { key };
    return { key, label: identityTypeLabel(type, t), value };
  });
  const facts = orders.data?.purchase_facts;
  // The total adds up every order: it has a currency only when all of them (all shown here) share one.
  const currencies = new Set(orders.data?.data.map((order) => order.currency));
  const spentCurrency = currencies.size === 1 && !orders.data?.next_cursor ? [...currencies][0] : null;

  return (
    <Paper withBorder p="sm" data-testid="customer-panel">
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} size="h5">
          {t('conversations.customerPanel.title')}
        </Title>
        <Anchor component={Link} to={`/customers/${c.id}`} size="sm">
          {t('conversations.customerPanel.open')}
        </Anchor>
      </Group>
      <Stack gap="xs">
        <Text fw={600}>{c.name || formatPhone(c.phone) || c.email}</Text>
        {fields.map(([key, value]) => (
          // The label beside its value's first line: centred, "Email" floated mid-way down a wrapped address.
          <Group key={key} gap="xs" wrap="nowrap" align="flex-start" data-field={key}>
            <Text size="sm" c="dimmed" w={64} style={{ flexShrink: 0 }}>
              {t(`conversations.customerPanel.${key}`)}
            </Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {value}
            </Text>
          </Group>
        ))}
        {identities.length > 0 && (
          <>
            <Divider label={t('conversations.customerPanel.identities')} labelPosition="left" />
            {/* The label above its value: a type's label can be long ("Taobao member name"). */}
            {identities.map(({ key, label, value }) => (
              <Stack key={key} gap={0} data-identity={key}>
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {label}
                </Text>
                <Text size="sm" className="kith-mono" style={{ overflowWrap: 'anywhere' }}>
                  {value}
                </Text>
              </Stack>
            ))}
          </>
        )}
        <Divider label={t('conversations.customerPanel.tags')} labelPosition="left" />
        {c.tags.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('conversations.customerPanel.noTags')}
          </Text>
        ) : (
          <Group gap={4}>
            {c.tags.map((tag) => (
              <Badge key={tag} variant="light" size="sm">
                {tag}
              </Badge>
            ))}
          </Group>
        )}
        {facts && facts.orders_count > 0 && (
          <>
            <Divider label={t('conversations.customerPanel.orders')} labelPosition="left" />
            <Text size="sm">
              {/* "2 orders · ¥257.00 spent", as the change history writes it, not a bare "2 · ¥257.00". */}
              {`${t('orders.link.value', {
                count: facts.orders_count,
                formatted: formatNumber(facts.orders_count),
                spent: formatMoney(facts.total_spent, spentCurrency),
              })} · ${formatDateTime(facts.last_order_at)}`}
            </Text>
            {orders.data!.data.map((order) => (
              <Anchor
                key={order.id}
                component={Link}
                to={`/customers/${c.id}?tab=orders`}
                size="sm"
                className="kith-mono"
              >
                {`${order.order_number} · ${formatMoney(order.paid_amount ?? order.total_amount, order.currency)}`}
              </Anchor>
            ))}
          </>
        )}
        <Divider label={t('conversations.customerPanel.other')} labelPosition="left" />
        {otherConversations.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('conversations.customerPanel.noOther')}
          </Text>
        ) : (
          otherConversations.map((o) => (
            <Group key={o.id} gap="xs" justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={`/conversations/${o.id}`} size="sm">
                {formatDateTime(o.created_at)}
              </Anchor>
              <Badge size="sm" variant="dot" color={STATUS_COLOR[o.status]}>
                {t(`conversations.statuses.${o.status}`)}
              </Badge>
            </Group>
          ))
        )}
      </Stack>
    </Paper>
  );
}
