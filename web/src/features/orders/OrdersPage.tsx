/**
 * Every order, newest first, with filters in the URL (`/orders?status=completed&since=2026-10-01&
 * to=2026-10-31&min_amount=100`; what each parameter means is in order-filters.ts): status, the days
 * ordered (both ends inclusive, in the browser's time zone), amount range, source and an order number or
 * nickname survive a reload and can be shared, and the form always shows the URL's filters (Back and
 * Forward included). A value in the URL the page cannot use is ignored, saying so. An order links to its
 * customer's Orders tab.
 */
import { Anchor, Badge, Button, Group, MultiSelect, Paper, Table, Text, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type ChangeEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, type Contact, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatDateTime, formatList, formatMoney, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { useRowKeys } from '../../ui/row-keys';
import { NextPageButton } from '../../ui/NextPageButton';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { IgnoredFiltersNotice } from '../../ui/IgnoredFiltersNotice';
import { OrdersExportMenu } from '../exports/OrdersExportMenu';
import { ORDER_STATUS_COLOR } from '../customers/CustomerOrders';
import { displayName } from '../customers/customer-format';
import { useContactsById } from '../customers/customer-queries';
import {
  amountCents,
  filtersSearch,
  type IgnoredParam,
  isFiltered,
  ORDER_STATUSES,
  type OrderFilters,
  type OrderStatus,
  ordersQuery,
  readAmount,
  amountInRange,
  MAX_AMOUNT,
  readDay,
  readFilters,
  readSource,
} from './order-filters';
import { DateField } from '../../ui/DateField';
import { TableScroll } from '../../ui/TableScroll';

const PARAM_LABELS: Record<IgnoredParam['param'], string> = {
  status: 'orders.status',
  since: 'orders.since',
  to: 'orders.to',
  before: 'orders.to',
  min_amount: 'orders.minAmount',
  max_amount: 'orders.maxAmount',
  source: 'orders.source',
};

export default function OrdersPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const { filters, ignored } = readFilters(params);
  const query = ordersQuery(filters);
  const filtered = isFiltered(filters);
  const orders = useInfiniteQuery({
    queryKey: ['orders', query],
    initialPageParam: undefined as string | undefined,
    // The first page counts the matches; the next ones need not count them again.
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/orders', {
          params: {
            query: { ...query, cursor: pageParam, limit: 50, total: pageParam ? 'false' : undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const apply = (next: OrderFilters) => setParams(filtersSearch(next));
  const clear = () => setParams(new URLSearchParams());
  const rows = orders.data?.pages.flatMap((p) => p.data) ?? [];
  const customers = useContactsById(rows.map((order) => order.contact_id));
  const navigate = useNavigate();
  // An order opens on its customer's Orders tab, as its number's link does.
  const orderUrl = (contactId: string) => `/customers/${contactId}?tab=orders`;
  const rowKeys = useRowKeys({
    count: rows.length,
    open: (index) => void navigate(orderUrl(rows[index]!.contact_id)),
    resetOn: params,
  });
  const first = orders.data?.pages[0];
  const total =
    !first || first.total === null
      ? null
      : first.total_is_lower_bound
        ? t('orders.totalMore', { formatted: formatNumber(first.total) })
        : t('orders.total', { count: first.total, formatted: formatNumber(first.total) });

  return (
    <>
      <PageHeader
        title={t('orders.title')}
        description={total ? t('orders.descriptionWithTotal', { total }) : t('orders.description')}
        actions={<OrdersExportMenu filters={{ ...query }} />}
      />
      <Paper withBorder p="sm" mb="md">
        {/* Keyed by the navigation: every URL change (Back and Forward too) shows that URL's filters. */}
        <FilterForm
          key={location.key}
          filters={filters}
          onApply={apply}
          onClear={filtered ? clear : undefined}
        />
      </Paper>
      {ignored.length > 0 && (
        <IgnoredFiltersNotice
          title={t('orders.ignored.title')}
          description={t('orders.ignored.body', {
            list: formatList(
              ignored.map(({ param, value }) =>
                t('orders.ignored.item', { filter: t(PARAM_LABELS[param]), value }),
              ),
              'values',
            ),
          })}
          removeLabel={t('orders.ignored.remove')}
          onRemove={() => setParams(filtersSearch(filters), { replace: true })}
        />
      )}
      {orders.isPending ? (
        <LoadingRows />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title={t('orders.noMatchTitle')}
            description={t('orders.noMatch')}
            action={
              <Button variant="light" onClick={clear}>
                {t('orders.clear')}
              </Button>
            }
          />
        ) : (
          <EmptyState
            title={t('orders.emptyTitle')}
            description={t('orders.empty')}
            action={
              isAdmin(user) ? (
                <Button component={Link} to="/imports/new" variant="light">
                  {t('orders.importAction')}
                </Button>
              ) : undefined
            }
          />
        )
      ) : (
        <Paper withBorder>
          {/* Seven columns with long names and order numbers need more than a 1024 px window leaves: the
              list scrolls sideways in its own box instead of running past the window's edge. */}
          <TableScroll minWidth={900} label={t('orders.title')}>
            <Table
              highlightOnHover
              className="kith-sticky-head kith-tabular kith-nowrap-head"
              aria-label={t('orders.title')}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('customer.orders.number')}</Table.Th>
                  <Table.Th>{t('orders.customer')}</Table.Th>
                  <Table.Th>{t('customer.orders.status')}</Table.Th>
                  <Table.Th>{t('customer.orders.paid')}</Table.Th>
                  <Table.Th>{t('customer.orders.orderedAt')}</Table.Th>
                  <Table.Th>{t('orders.receiver')}</Table.Th>
                  <Table.Th>{t('customer.orders.items')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody {...rowKeys.bodyProps}>
                {rows.map((order, index) => (
                  <Table.Tr key={order.id} {...rowKeys.rowProps(index)}>
                    {/* An order number is read and copied whole: it never breaks at its hyphens. */}
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor component={Link} to={orderUrl(order.contact_id)} className="kith-mono">
                        {order.order_number}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <OrderCustomer
                        id={order.contact_id}
                        contact={customers.data?.get(order.contact_id)}
                        nick={order.buyer_nick}
                      />
                    </Table.Td>
                    <Table.Td>
                      {/* A badge clips its label: squeezed by long names it showed "Clos…" for "Closed". */}
                      <Badge
                        variant="dot"
                        color={ORDER_STATUS_COLOR[order.status] ?? 'gray'}
                        miw="max-content"
                      >
                        {t(`customer.orders.statuses.${order.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatMoney(order.paid_amount ?? order.total_amount, order.currency)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(order.ordered_at)}</Table.Td>
                    <Table.Td>{order.receiver_name ?? ''}</Table.Td>
                    <Table.Td>{formatNumber(order.item_count)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
          <NextPageButton pages={orders} label={t('orders.more')} />
        </Paper>
      )}
    </>
  );
}

type Draft = Record<'since' | 'to' | 'min_amount' | 'max_amount' | 'source' | 'q', string>;
type DraftErrors = Partial<Record<keyof Draft, string>>;

/** The filter form: starts from the URL's filters; a value that cannot filter is named under its field. */
function FilterForm({
  filters,
  onApply,
  onClear,
}: {
  filters: OrderFilters;
  onApply: (filters: OrderFilters) => void;
  onClear?: () => void;
}) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<OrderStatus[]>(filters.status);
  const [draft, setDraft] = useState<Draft>({
    since: filters.since ?? '',
    to: filters.to ?? '',
    min_amount: filters.min_amount ?? '',
    max_amount: filters.max_amount ?? '',
    source: filters.source ?? '',
    q: filters.q ?? '',
  });
  const [errors, setErrors] = useState<DraftErrors>({});
  // `/` searches, as on the customers list (typed in a field, it stays a character).
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);
  const setField = (key: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((errs) => ({ ...errs, [key]: undefined }));
  };
  const dateField = (key: keyof Draft) => ({
    value: draft[key],
    error: errors[key],
    onChange: (value: string) => setField(key, value),
  });
  const field = (key: keyof Draft) => ({
    value: draft[key],
    error: errors[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setField(key, e.currentTarget.value),
  });

  const submit = () => {
    const next: OrderFilters = { status };
    const found: DraftErrors = {};
    for (const key of ['since', 'to'] as const) {
      if (!draft[key].trim()) continue;
      const day = readDay(draft[key]);
      if (day === null) found[key] = t('orders.errors.date');
      else next[key] = day;
    }
    if (next.since && next.to && next.since > next.to) found.to = t('orders.errors.dateRange');
    for (const key of ['min_amount', 'max_amount'] as const) {
      if (!draft[key].trim()) continue;
      const amount = readAmount(draft[key]);
      if (amount === null) found[key] = t('orders.errors.amount');
      else if (!amountInRange(amount))
        found[key] = t('orders.errors.amountTooLarge', { max: formatMoney(MAX_AMOUNT, null) });
      else next[key] = amount;
    }
    if (next.min_amount && next.max_amount && amountCents(next.min_amount) > amountCents(next.max_amount))
      found.max_amount = t('orders.errors.amountRange');
    if (draft.source.trim()) {
      const source = readSource(draft.source);
      if (source === null) found.source = t('orders.errors.source');
      else next.source = source;
    }
    if (draft.q.trim()) next.q = draft.q.trim();
    setErrors(found);
    if (Object.keys(found).length === 0) onApply(next);
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Group gap="sm" align="flex-start">
        <MultiSelect
          label={t('orders.status')}
          placeholder={status.length === 0 ? t('orders.anyStatus') : undefined}
          clearable
          data={ORDER_STATUSES.map((s) => ({ value: s, label: t(`customer.orders.statuses.${s}`) }))}
          value={status}
          onChange={(value) => setStatus(value as OrderStatus[])}
          w={220}
        />
        <DateField label={t('orders.since')} w={180} {...dateField('since')} />
        <DateField label={t('orders.to')} w={180} {...dateField('to')} />
        <TextInput label={t('orders.minAmount')} inputMode="decimal" w={130} {...field('min_amount')} />
        <TextInput label={t('orders.maxAmount')} inputMode="decimal" w={130} {...field('max_amount')} />
        <TextInput
          label={t('orders.source')}
          placeholder={t('orders.sourcePlaceholder')}
          w={130}
          {...field('source')}
        />
        <TextInput ref={searchRef} label={t('orders.q')} {...field('q')} />
        <Group gap="xs" mt={25}>
          <Button type="submit">{t('orders.apply')}</Button>
          {onClear && (
            <Button variant="default" onClick={onClear}>
              {t('orders.clear')}
            </Button>
          )}
        </Group>
      </Group>
    </form>
  );
}

/** The order's customer by name (the buyer's shop nickname beneath it, when the shop gave one). */
function OrderCustomer({ id, contact, nick }: { id: string; contact?: Contact; nick: string | null }) {
  return (
    <>
      <Anchor component={Link} to={`/customers/${id}`} size="sm">
        {contact ? displayName(contact) : id}
      </Anchor>
      {nick && (
        <Text size="xs" c="dimmed">
          {nick}
        </Text>
      )}
    </>
  );
}
