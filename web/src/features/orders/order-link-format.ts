/**
 * The change log's order links (changed field `orders`, written when an import binds orders to a
 * customer or a merge moves them): the customer's orders count and total spent, before and after.
 */
import type { TFunction } from 'i18next';
import { formatMoney, formatNumber } from '../../i18n';

export const ORDER_LINK_FIELD = 'orders';

export function orderLinkText(value: unknown, t: TFunction): string {
  if (typeof value !== 'object' || value === null) return '—';
  const v = value as { orders_count?: number; total_spent?: string };
  return t('orders.link.value', {
    count: v.orders_count ?? 0,
    formatted: formatNumber(v.orders_count ?? 0),
    spent: formatMoney(v.total_spent ?? '0.00', null),
  });
}
