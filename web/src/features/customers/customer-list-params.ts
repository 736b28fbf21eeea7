/**
 * The customers list's state lives in the URL: search, every filter, the sort and the page. This turns
 * the URL's parameters into the list API's query and the bulk API's filter (the same selection).
 */
import type { paths } from '../../api/schema';

export const LIST_FILTERS = [
  'q',
  'tag',
  'group',
  'import',
  'initial_source',
  'created_since',
  'created_before',
  'updated_since',
  'updated_before',
  // Purchase facts (orders): min_orders, max_orders (0: never bought), total spent, last order dates.
  'min_orders',
  'max_orders',
  'min_total_spent',
  'max_total_spent',
  'last_order_since',
  'last_order_before',
] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** The list API's own filter parameters (its OpenAPI document): the URL carries every one, no other. */
type ApiListFilter = Exclude<
  keyof NonNullable<paths['/api/contacts']['get']['parameters']['query']>,
  'ids' | 'sort' | 'cursor' | 'limit' | 'total'
>;
// Fails to compile when the API gains a filter the list does not carry (or loses one it does).
const listFiltersMatchTheApi: [
  Exclude<ApiListFilter, ListFilter>,
  Exclude<ListFilter, ApiListFilter>,
] extends [never, never]
  ? true
  : never = true;
void listFiltersMatchTheApi;

export const SORTS = [
  'relevance',
  'name',
  '-name',
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
  'orders_count',
  '-orders_count',
  'total_spent',
  '-total_spent',
  'first_order_at',
  '-first_order_at',
  'last_order_at',
  '-last_order_at',
] as const;
export type Sort = (typeof SORTS)[number];
type ApiSort = NonNullable<NonNullable<paths['/api/contacts']['get']['parameters']['query']>['sort']>;
const sortsMatchTheApi: [Exclude<ApiSort, Sort>, Exclude<Sort, ApiSort>] extends [never, never]
  ? true
  : never = true;
void sortsMatchTheApi;

export interface ListParams {
  filters: Partial<Record<ListFilter, string>>;
  attributes: Record<string, string>;
  sort: Sort | undefined;
  cursor: string | undefined;
}

export function listParamsOf(params: URLSearchParams): ListParams {
  const filters: ListParams['filters'] = {};
  for (const name of LIST_FILTERS) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name.startsWith('attr.') && name.length > 5 && value.trim()) attributes[name.slice(5)] = value.trim();
  }
  const sort = params.get('sort');
  return {
    filters,
    attributes,
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : undefined,
    cursor: params.get('cursor') || undefined,
  };
}

export const isFiltered = (list: ListParams) =>
  Object.keys(list.filters).length > 0 || Object.keys(list.attributes).length > 0;

/** The list API's query string: filters, `attr.<key>`, sort, cursor. */
export function listQuery(list: ListParams, limit: number): Record<string, string | number> {
  const query: Record<string, string | number> = { ...list.filters, limit };
  for (const [key, value] of Object.entries(list.attributes)) query[`attr.${key}`] = value;
  if (list.sort) query.sort = list.sort;
  if (list.cursor) query.cursor = list.cursor;
  return query;
}

/** The same selection for the bulk and batch-delete APIs. */
export function selectionFilter(list: ListParams): Record<string, unknown> {
  return {
    ...list.filters,
    ...(Object.keys(list.attributes).length ? { attributes: list.attributes } : {}),
  };
}

/** The next sort when a column header is pressed: ascending, then descending, then back to the default. */
export type SortColumn = Exclude<Sort, 'relevance' | `-${string}`>;

export function nextSort(current: Sort | undefined, column: SortColumn): Sort | undefined {
  if (current === column) return `-${column}` as Sort;
  if (current === `-${column}`) return undefined;
  return column;
}
