/**
 * An export's filters in the user's words (pure): each filter labelled as the list it came from labels
 * it — the customers list's tag, group, search, date and purchase filters, the orders page's status,
 * dates and amounts — so the export dialog and the Exports page read like the lists themselves, never
 * as raw keys and JSON.
 */
import { initialSourceLabel } from '../../ui/initial-source-label';

type T = (key: string, options?: Record<string, unknown>) => string;

/** What names the ids a filter holds: group ids → names, attribute keys → labels. */
export interface FilterNames {
  groups?: ReadonlyMap<string, string>;
  attributes?: ReadonlyMap<string, string>;
  /** A YYYY-MM-DD day and an amount in the reader's language (the app's `formatDate`, `formatNumber`). */
  formatDate?: (day: string) => string;
  formatNumber?: (value: number) => string;
}

/** The customers list's own label for each of its filters (customers page, More filters). */
const CUSTOMER_LABELS: Record<string, string> = {
  q: 'customers.search',
  tag: 'customers.tag',
  group: 'customers.group',
  initial_source: 'fields.initial_source',
  created_since: 'customers.filters.created_since',
  created_before: 'customers.filters.created_before',
  updated_since: 'customers.filters.updated_since',
  updated_before: 'customers.filters.updated_before',
  min_orders: 'orders.facts.min_orders',
  max_orders: 'orders.facts.max_orders',
  min_total_spent: 'orders.facts.min_total_spent',
  max_total_spent: 'orders.facts.max_total_spent',
  last_order_since: 'orders.facts.last_order_since',
  last_order_before: 'orders.facts.last_order_before',
};
const CUSTOMER_DATES = new Set([
  'created_since',
  'created_before',
  'updated_since',
  'updated_before',
  'last_order_since',
  'last_order_before',
]);

/** The orders page's own label for each of its filters. */
const ORDER_LABELS: Record<string, string> = {
  status: 'orders.status',
  since: 'orders.since',
  before: 'orders.to',
  min_amount: 'orders.minAmount',
  max_amount: 'orders.maxAmount',
  source: 'orders.source',
  q: 'orders.q',
};

/** Which list an export's filters came from, when only the filters are known (the audit log). */
export function filtersKind(filters: Record<string, unknown>): 'contacts' | 'orders' {
  return Object.keys(filters).some((key) => key !== 'q' && key in ORDER_LABELS) || 'contact_id' in filters
    ? 'orders'
    : 'contacts';
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** A day as the reader writes it: a plain YYYY-MM-DD as written, an instant as its local day. */
function day(value: string, formatDate: (day: string) => string, exclusiveEnd = false): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  // The orders page sends its inclusive last day as the next day's start: show the day it meant.
  return formatDate(localDay(new Date(at.getTime() - (exclusiveEnd ? 1 : 0))));
}

const text = (value: unknown): string =>
  Array.isArray(value)
    ? value.map(String).join(', ')
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** One line per filter, `Tag: VIP`; none when the export took everything. */
export function filterLabels(
  kind: 'contacts' | 'orders',
  filters: Record<string, unknown>,
  t: T,
  names: FilterNames = {},
): string[] {
  const formatDate = names.formatDate ?? ((value: string) => value);
  const formatNumber = names.formatNumber ?? String;
  const item = (label: string, value: string) => t('exports.page.filterItem', { label, value });
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(filters)) {
    if (raw === undefined || raw === null || raw === '') continue;
    if (kind === 'contacts') {
      if (key === 'ids') {
        const count = Array.isArray(raw) ? raw.length : String(raw).split(',').filter(Boolean).length;
        lines.push(t('exports.selected', { count }));
      } else if (key === 'attributes' && typeof raw === 'object') {
        for (const [attribute, value] of Object.entries(raw as Record<string, unknown>))
          lines.push(item(names.attributes?.get(attribute) || attribute, text(value)));
      } else if (key === 'import') {
        lines.push(t('imports.customersFilter.label', { id: text(raw) }));
      } else if (key === 'initial_source') {
        lines.push(item(t(CUSTOMER_LABELS.initial_source!), initialSourceLabel(text(raw), t)));
      } else if (key === 'group') {
        lines.push(item(t(CUSTOMER_LABELS.group!), names.groups?.get(text(raw)) ?? text(raw)));
      } else if (CUSTOMER_DATES.has(key)) {
        lines.push(item(t(CUSTOMER_LABELS[key]!), day(text(raw), formatDate)));
      } else if (key === 'min_total_spent' || key === 'max_total_spent') {
        const amount = Number(raw);
        lines.push(
          item(t(CUSTOMER_LABELS[key]!), Number.isFinite(amount) ? formatNumber(amount) : text(raw)),
        );
      } else {
        lines.push(item(CUSTOMER_LABELS[key] ? t(CUSTOMER_LABELS[key]) : key, text(raw)));
      }
    } else if (key === 'status') {
      const statuses = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').filter(Boolean);
      lines.push(
        item(
          t(ORDER_LABELS.status!),
          statuses.map((s) => t(`customer.orders.statuses.${s}`)).join(t('common.valueSeparator')),
        ),
      );
    } else if (key === 'since' || key === 'before') {
      lines.push(item(t(ORDER_LABELS[key]!), day(text(raw), formatDate, key === 'before')));
    } else if (key === 'contact_id') {
      lines.push(item(t('exports.page.filterCustomer'), text(raw)));
    } else {
      lines.push(item(ORDER_LABELS[key] ? t(ORDER_LABELS[key]) : key, text(raw)));
    }
  }
  return lines;
}
