/**
 * Every order, newest first, with filters in the URL (`/orders?status=completed&since=2026-10-01&
 * min_amount=100`): status, time range and amount range survive a reload and can be shared. An order
 * links to its customer's Orders tab.
 */
import { Anchor, Badge, Button, Group, Paper, Select, Table, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { OrdersExportMenu } from '../exports/OrdersExportMenu';

const STATUSES = ['paid', 'shipped', 'partially_shipped', 'completed', 'closed'] as const;
const FILTERS = ['status', 'since', 'before', 'min_amount', 'max_amount', 'q'] as const;

export default function OrdersPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    FILTERS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])),
  ) as Partial<Record<(typeof FILTERS)[number], string>>;
  const [draft, setDraft] = useState(filters);
  const orders = useInfiniteQuery({
    queryKey: ['orders', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/orders', { params: { query: { ...filters, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const apply = (next: typeof filters) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) search.set(k, v);
    setParams(search);
  };
  const rows = orders.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <>
      <PageHeader
        title={t('orders.title')}
        description={t('orders.description')}
        actions={<OrdersExportMenu filters={filters} />}
      />
      <Paper withBorder p="sm" mb="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            apply(draft);
          }}
        >
          <Group gap="sm" align="flex-end">
            <Select
              label={t('orders.status')}
              clearable
              data={STATUSES.map((s) => ({ value: s, label: t(`customer.orders.statuses.${s}`) }))}
              value={draft.status ?? null}
              onChange={(value) => setDraft({ ...draft, status: value ?? undefined })}
              w={160}
            />
            <TextInput
              label={t('orders.since')}
              type="date"
              value={draft.since ?? ''}
              onChange={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
            />
            <TextInput
              label={t('orders.before')}
              type="date"
              value={draft.before ?? ''}
              onChange={(e) => setDraft({ ...draft, before: e.currentTarget.value })}
            />
            <TextInput
              label={t('orders.minAmount')}
              inputMode="decimal"
              value={draft.min_amount ?? ''}
              onChange={(e) => setDraft({ ...draft, min_amount: e.currentTarget.value })}
              w={120}
            />
            <TextInput
              label={t('orders.maxAmount')}
              inputMode="decimal"
              value={draft.max_amount ?? ''}
              onChange={(e) => setDraft({ ...draft, max_amount: e.currentTarget.value })}
              w={120}
            />
            <TextInput
              label={t('orders.q')}
              value={draft.q ?? ''}
              onChange={(e) => setDraft({ ...draft, q: e.currentTarget.value })}
            />
            <Button type="submit">{t('orders.apply')}</Button>
          </Group>
        </form>
      </Paper>
      {orders.isPending ? (
        <LoadingRows />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={t('orders.none')}
          action={
            <Button component={Link} to="/imports/new" variant="light">
              {t('orders.importAction')}
            </Button>
          }
        />
      ) : (
        <Paper withBorder>
          <Table highlightOnHover stickyHeader className="kith-tabular">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('customer.orders.number')}</Table.Th>
                <Table.Th>{t('customer.orders.status')}</Table.Th>
                <Table.Th>{t('customer.orders.paid')}</Table.Th>
                <Table.Th>{t('customer.orders.orderedAt')}</Table.Th>
                <Table.Th>{t('orders.receiver')}</Table.Th>
                <Table.Th>{t('customer.orders.items')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((order) => (
                <Table.Tr key={order.id}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/customers/${order.contact_id}?tab=orders`}
                      className="kith-mono"
                    >
                      {order.order_number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot">{t(`customer.orders.statuses.${order.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{`${order.paid_amount ?? order.total_amount ?? '—'} ${order.currency}`}</Table.Td>
                  <Table.Td>{formatDateTime(order.ordered_at)}</Table.Td>
                  <Table.Td>{order.receiver_name ?? ''}</Table.Td>
                  <Table.Td>{formatNumber(order.item_count)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {orders.hasNextPage && (
            <Group justify="center" p="sm">
              <Button
                variant="default"
                loading={orders.isFetchingNextPage}
                onClick={() => void orders.fetchNextPage()}
              >
                {t('orders.more')}
              </Button>
            </Group>
          )}
        </Paper>
      )}
    </>
  );
}
