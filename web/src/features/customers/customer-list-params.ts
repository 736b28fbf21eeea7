/**
 * The customers list's state lives in the URL: search, every filter, the sort and the page. This turns
 * the URL's parameters into the list API's query and the bulk API's filter (the same selection).
 */
import type { paths } from '../../api/schema';
import {
  type AttributeFilterDefinition,
  attributeValueRefusal,
  CHECKED_FILTERS,
  type CheckedFilter,
  filterValueRefusal,
  type Refusal,
  refusalOfReason,
} from './customer-filter-values';

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

/**
 * A filter of the URL the list leaves out: one that names a tag, group or attribute the store does not
 * have, or (with `refusal`) one whose value the server cannot filter by.
 */
export type IgnoredFilter =
  | { param: 'tag'; value: string }
  | { param: 'group'; value: string }
  | { param: 'attr'; key: string; value: string; refusal?: Refusal }
  | { param: CheckedFilter; value: string; refusal: Refusal };

/** What the store has that the URL's filters may name: undefined while (or when) it could not be read. */
export interface KnownNames {
  tags?: readonly string[];
  groups?: readonly { id: string; name: string }[];
  attributes?: readonly string[];
  /** The attributes' types (and a list's options), to check the values filtered by. */
  definitions?: readonly AttributeFilterDefinition[];
}

/** Whether the URL names a tag, group or attribute: the list waits for those to be known first. */
export function namesDefinitions(list: ListParams): { tags: boolean; groups: boolean; attributes: boolean } {
  return {
    tags: list.filters.tag !== undefined,
    groups: list.filters.group !== undefined,
    attributes: Object.keys(list.attributes).length > 0,
  };
}

/** A tag's name as the server compares it (normalizeText: no controls, NFKC, spaces collapsed; any case). */
export function tagKey(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex -- the characters the server removes
      .replace(/[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu, '')
      .normalize('NFKC')
      .replace(/\s+/gu, ' ')
      .trim()
      .toLowerCase()
  );
}

/**
 * The URL's filters without those that name nothing: a tag no customer can hold, a group id that is no
 * group's, an attribute that is not defined. The list ignores them and says so (the server would answer
 * an empty list for the first two and refuse the third in English). A tag written in another case is the
 * tag (the Tag select then shows it), and a group named by its name is that group. What is not known yet
 * (undefined) is kept as written: the server decides.
 */
export function withoutUnknownNames(
  list: ListParams,
  known: KnownNames,
): { list: ListParams; ignored: IgnoredFilter[] } {
  const ignored: IgnoredFilter[] = [];
  const filters = { ...list.filters };
  const tag = filters.tag;
  if (tag !== undefined && known.tags) {
    const match = known.tags.find((name) => tagKey(name) === tagKey(tag));
    if (match === undefined) {
      ignored.push({ param: 'tag', value: tag });
      delete filters.tag;
    } else filters.tag = match;
  }
  const group = filters.group;
  if (group !== undefined && known.groups) {
    const match =
      known.groups.find((g) => g.id === group) ??
      known.groups.find((g) => g.name.toLowerCase() === group.toLowerCase());
    if (match === undefined) {
      ignored.push({ param: 'group', value: group });
      delete filters.group;
    } else filters.group = match.id;
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(list.attributes)) {
    if (known.attributes && !known.attributes.includes(key)) ignored.push({ param: 'attr', key, value });
    else attributes[key] = value;
  }
  return { list: { ...list, filters, attributes }, ignored };
}

/**
 * The URL's filters without those the server would refuse or that name nothing: withoutUnknownNames,
 * then each date, count and amount and each known attribute's value checked as the server checks it
 * (customer-filter-values.ts). An attribute whose type is not known yet is kept: the server decides.
 */
export function withoutIgnoredFilters(
  asked: ListParams,
  known: KnownNames,
): { list: ListParams; ignored: IgnoredFilter[] } {
  const { list, ignored } = withoutUnknownNames(asked, known);
  const filters = { ...list.filters };
  for (const name of Object.keys(CHECKED_FILTERS) as CheckedFilter[]) {
    const value = filters[name];
    const refusal = value === undefined ? null : filterValueRefusal(name, value);
    if (value !== undefined && refusal) {
      ignored.push({ param: name, value, refusal });
      delete filters[name];
    }
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(list.attributes)) {
    const definition = known.definitions?.find((d) => d.key === key);
    const refusal = definition ? attributeValueRefusal(definition, value) : null;
    if (refusal) ignored.push({ param: 'attr', key, value, refusal });
    else attributes[key] = value;
  }
  return { list: { ...list, filters, attributes }, ignored };
}

/**
 * The filter the server refused, from its answer's details (`{field, value, reason}`), when the reason
 * is one the list can say: the filter as the list sent it, to be named and removed like those left out
 * before asking. Null for anything else (the list then shows the server's message).
 */
export function refusedFilterOf(
  list: ListParams,
  details: readonly { field?: string; reason?: string }[],
): IgnoredFilter | null {
  for (const { field, reason } of details) {
    if (typeof field !== 'string' || typeof reason !== 'string') continue;
    const attribute = /^(?:attr|attributes)\.(.+)$/s.exec(field)?.[1];
    if (attribute !== undefined) {
      const value = list.attributes[attribute];
      if (value === undefined) continue;
      if (/^attribute ".*" is not defined$/s.test(reason)) return { param: 'attr', key: attribute, value };
      const refusal = refusalOfReason(reason);
      if (refusal) return { param: 'attr', key: attribute, value, refusal };
    } else if (field in CHECKED_FILTERS) {
      const value = list.filters[field as CheckedFilter];
      const refusal = refusalOfReason(reason);
      if (value !== undefined && refusal) return { param: field as CheckedFilter, value, refusal };
    }
  }
  return null;
}

/** The URL without the ignored filters (and its page: the list they leave is another one). */
export function withoutIgnored(params: URLSearchParams, ignored: readonly IgnoredFilter[]): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const item of ignored) next.delete(item.param === 'attr' ? `attr.${item.key}` : item.param);
  next.delete('cursor');
  return next;
}
