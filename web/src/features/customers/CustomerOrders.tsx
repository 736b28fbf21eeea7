/**
 * A customer's orders (the customer page's Orders tab, `?tab=orders`): the purchase facts, then each
 * order newest first; a row opens to show its items.
 */
import { Badge, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { formatDateTime, formatMoney, formatNumber } from '../../i18n';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';

/** An order's status colour, the same on the Orders page. */
export const ORDER_STATUS_COLOR: Record<string, string> = {
  completed: 'green',
  paid: 'blue',
  shipped: 'cyan',
  partially_shipped: 'cyan',
  pending_payment: 'gray',
  closed: 'red',
};

export function CustomerOrders({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const orders = useQuery({
    queryKey: ['contact-orders', contactId],
    queryFn: () =>
      unwrap(
        api.GET('/api/contacts/{id}/orders', {
          params: { path: { id: contactId }, query: { limit: 100 } },
        }),
      ),
  });
  if (orders.isPending) return <LoadingRows rows={4} />;
  if (orders.isError) return <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />;
  const facts = orders.data.purchase_facts;
  // The total adds up every order: it has a currency only when all of them (all listed here) share one.
  const currencies = new Set(orders.data.data.map((order) => order.currency));
  const spentCurrency = currencies.size === 1 && !orders.data.next_cursor ? [...currencies][0] : null;
  return (
    <Stack gap="sm">
      <Group gap="xl" data-testid="purchase-facts">
        <Fact label={t('customer.orders.count')} value={formatNumber(facts.orders_count)} />
        <Fact label={t('customer.orders.totalSpent')} value={formatMoney(facts.total_spent, spentCurrency)} />
        <Fact label={t('customer.orders.lastOrder')} value={formatDateTime(facts.last_order_at) || '—'} />
      </Group>
      {orders.data.data.length === 0 ? (
        <EmptyState title={t('customer.orders.none')} />
      ) : (
        <Table highlightOnHover striped="odd" className="kith-tabular">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('customer.orders.number')}</Table.Th>
              <Table.Th>{t('customer.orders.status')}</Table.Th>
              <Table.Th>{t('customer.orders.paid')}</Table.Th>
              <Table.Th>{t('customer.orders.orderedAt')}</Table.Th>
              <Table.Th>{t('customer.orders.items')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orders.data.data.map((order) => (
              <Fragment key={order.id}>
                <Table.Tr
                  style={{ cursor: 'pointer' }}
                  onClick={() => setOpen(open === order.id ? null : order.id)}
                >
                  <Table.Td>
                    {/* The button is what a keyboard reaches; a click anywhere on the row does the same. */}
                    <UnstyledButton
                      className="kith-mono"
                      aria-expanded={open === order.id}
                      onClick={(e) => {
                        e.stopPropagation();
                        setOpen(open === order.id ? null : order.id);
                      }}
                    >
                      {order.order_number}
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={ORDER_STATUS_COLOR[order.status] ?? 'gray'} miw="max-content">
                      {t(`customer.orders.statuses.${order.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatMoney(order.paid_amount ?? order.total_amount, order.currency)}</Table.Td>
                  <Table.Td>{formatDateTime(order.ordered_at)}</Table.Td>
                  <Table.Td>{formatNumber(order.item_count)}</Table.Td>
                </Table.Tr>
                {open === order.id && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Stack gap={4}>
                        {order.items.map((item, i) => (
                          <Text size="sm" key={i}>
                            {`${item.quantity ?? '?'} × ${
                              item.properties
                                ? t('customer.orders.itemTitle', {
                                    title: item.title ?? '',
                                    properties: item.properties,
                                  })
                                : (item.title ?? '')
                            }`}
                            {item.unit_price ? ` · ${formatMoney(item.unit_price, order.currency)}` : ''}
                          </Text>
                        ))}
                        {order.shop_name && (
                          <Text size="xs" c="dimmed">
                            {t('customer.orders.shop', { shop: order.shop_name })}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </Stack>
  );
}
