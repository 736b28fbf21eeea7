/**
 * The Orders page's filters as its URL holds them, read and written (pure). The page's URL:
 *
 * - `status`: one or more of Kith's order statuses, comma-separated (`status=paid,shipped`);
 * - `since`: ordered on or after this day (YYYY-MM-DD), from its start in the browser's time zone;
 * - `to`: ordered on or before this day (YYYY-MM-DD), inclusive: up to the end of that local day;
 * - `before`: the older form of the end, exclusive (`before=2026-10-02` is `to=2026-10-01`), still read
 *   so links shared before keep showing the same orders; the page writes `to`;
 * - `min_amount`, `max_amount`: paid (else total) at least / at most, decimal (`99.50`), inclusive;
 * - `source`: the orders' source name (tmall, csv, shopify …), exactly;
 * - `q`: an order number, buyer nickname or receiver name, exactly.
 *
 * A value the page cannot use (an unknown status, a date that is not one, an amount that is not a number)
 * is left out of the filter and reported, so the page can say so in the user's language instead of
 * sending it to the server and showing the server's English refusal.
 */

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'shipped',
  'partially_shipped',
  'completed',
  'closed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderFilters {
  status: OrderStatus[];
  since?: string;
  to?: string;
  min_amount?: string;
  max_amount?: string;
  source?: string;
  q?: string;
}

/** A URL parameter whose value the page ignored. */
export interface IgnoredParam {
  param: 'status' | 'since' | 'to' | 'before' | 'min_amount' | 'max_amount' | 'source';
  value: string;
}

/** The API's query for the filters: the days become the instants of their local day's bounds. */
export interface OrdersQuery {
  status?: string;
  since?: string;
  before?: string;
  min_amount?: string;
  max_amount?: string;
  source?: string;
  q?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

function localDate(day: string, offsetDays = 0): Date | null {
  const m = DATE.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d + offsetDays);
  // 2026-02-31 rolls over to March: not a day.
  const check = new Date(y, mo - 1, d);
  if (check.getFullYear() !== y || check.getMonth() !== mo - 1 || check.getDate() !== d) return null;
  return date;
}

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A YYYY-MM-DD that is a real day, or null. */
export function readDay(value: string): string | null {
  const trimmed = value.trim();
  return localDate(trimmed) ? trimmed : null;
}

/**
 * An amount as the server reads it (`128.5`, `¥1,234.00`, `99元`), written plainly (`128.5`, `1234.00`,
 * `99`); null when it is not a non-negative amount with at most two decimals.
 */
export function readAmount(value: string): string | null {
  const cleaned = value
    .replace(/[元¥￥]|RMB|CNY/giu, '')
    .replace(/[,，\s]/gu, '')
    .trim();
  if (/^[0-9]+(?:\.[0-9]{1,2}0*)?$/.test(cleaned)) return cleaned;
  if (/^\.[0-9]{1,2}$/.test(cleaned)) return `0${cleaned}`;
  return null;
}

/** A source name (`tmall`, `shopify`), lower-cased, or null when it could be no source's name. */
export function readSource(value: string): string | null {
  const name = value.trim().toLowerCase();
  return SOURCE_NAME.test(name) ? name : null;
}

/** The largest amount the server takes (2^53 − 1 cents, src/orders: an amount past it is out of range). */
export const MAX_AMOUNT = '90071992547409.91';

/** Whether an amount `readAmount` gave is one the server can hold. */
export function amountInRange(value: string): boolean {
  return amountCents(value) <= Number.MAX_SAFE_INTEGER;
}

export function amountCents(value: string): number {
  const [whole, fraction = ''] = value.split('.');
  return Number(whole || '0') * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
}

/** The filters the URL holds, and the values in it the page ignores. */
export function readFilters(params: URLSearchParams): { filters: OrderFilters; ignored: IgnoredParam[] } {
  const filters: OrderFilters = { status: [] };
  const ignored: IgnoredParam[] = [];
  for (const value of params
    .getAll('status')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')) {
    if ((ORDER_STATUSES as readonly string[]).includes(value)) {
      if (!filters.status.includes(value as OrderStatus)) filters.status.push(value as OrderStatus);
    } else ignored.push({ param: 'status', value });
  }
  const day = (param: 'since' | 'to' | 'before'): string | undefined => {
    const value = params.get(param)?.trim();
    if (!value) return undefined;
    const read = readDay(value);
    if (read === null) ignored.push({ param, value });
    return read ?? undefined;
  };
  filters.since = day('since');
  filters.to = day('to');
  const before = day('before');
  if (filters.to === undefined && before !== undefined) filters.to = isoDay(localDate(before, -1)!);
  for (const param of ['min_amount', 'max_amount'] as const) {
    const value = params.get(param)?.trim();
    if (!value) continue;
    const read = readAmount(value);
    if (read === null || !amountInRange(read)) ignored.push({ param, value });
    else filters[param] = read;
  }
  const source = params.get('source')?.trim();
  if (source) {
    const read = readSource(source);
    if (read === null) ignored.push({ param: 'source', value: source });
    else filters.source = read;
  }
  const q = params.get('q')?.trim();
  if (q) filters.q = q;
  return { filters, ignored };
}

/** Whether any filter is set. */
export function isFiltered(filters: OrderFilters): boolean {
  return Object.entries(filters).some(([, v]) => (Array.isArray(v) ? v.length > 0 : Boolean(v)));
}

/** The page's URL for the filters. */
export function filtersSearch(filters: OrderFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status.length > 0) search.set('status', filters.status.join(','));
  for (const key of ['since', 'to', 'min_amount', 'max_amount', 'source', 'q'] as const) {
    const value = filters[key];
    if (value) search.set(key, value);
  }
  return search;
}

/** GET /api/orders' query: `since` from the start of its local day, `to` up to the end of its own. */
export function ordersQuery(filters: OrderFilters): OrdersQuery {
  const query: OrdersQuery = {};
  if (filters.status.length > 0) query.status = filters.status.join(',');
  if (filters.since) query.since = localDate(filters.since)!.toISOString();
  if (filters.to) query.before = localDate(filters.to, 1)!.toISOString();
  if (filters.min_amount) query.min_amount = filters.min_amount;
  if (filters.max_amount) query.max_amount = filters.max_amount;
  if (filters.source) query.source = filters.source;
  if (filters.q) query.q = filters.q;
  return query;
}
