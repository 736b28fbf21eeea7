/**
 * The customers list's filters as `kith` options, one set for every command that selects contacts
 * (`contacts list`, `contacts delete`, `export contacts`), named as the API's query parameters are
 * (`created_since` → `--created-since`), so a filter that works in one place works in all.
 */
import type { Command } from 'commander';
import type { ContactListQuery } from '../contacts/contact-service.js';
import type { KithServices } from '../services.js';
import { collect, parsePairs } from './cli-context.js';
import { groupIdOf } from './cli-names.js';

export type ContactFilter = Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total' | 'ids'>;

export interface ContactFilterOptions {
  q?: string;
  tag?: string;
  group?: string;
  import?: string;
  initialSource?: string;
  attr: string[];
  createdSince?: string;
  createdBefore?: string;
  updatedSince?: string;
  updatedBefore?: string;
  minOrders?: string;
  maxOrders?: string;
  minTotalSpent?: string;
  maxTotalSpent?: string;
  lastOrderSince?: string;
  lastOrderBefore?: string;
}

export function addContactFilterOptions(command: Command): Command {
  return command
    .option('--q <text>', 'search: name, e-mail, phone (any format, or its last digits) or identity value')
    .option('--tag <tag>', 'contacts with this tag')
    .option('--group <id|name>', 'members of this group (its id, grp_…, or its name)')
    .option('--import <id>', 'contacts this import created, updated or matched')
    .option('--initial-source <source>', 'exact initial source')
    .option('--attr <KEY=VALUE>', 'custom attribute equals value, repeatable', collect, [])
    .option('--created-since <date>', 'created at or after (ISO 8601)')
    .option('--created-before <date>', 'created before (ISO 8601)')
    .option('--updated-since <date>', 'updated at or after (ISO 8601)')
    .option('--updated-before <date>', 'updated before (ISO 8601)')
    .option('--min-orders <n>', 'at least this many orders')
    .option('--max-orders <n>', 'at most this many orders (0: never bought)')
    .option('--min-total-spent <amount>', 'spent at least this much in all')
    .option('--max-total-spent <amount>', 'spent at most this much in all')
    .option('--last-order-since <date>', 'last order at or after (ISO 8601)')
    .option('--last-order-before <date>', 'last order before (ISO 8601)');
}

/** The list query's filter keys, as the API names them; each is the option `--` + its words joined by `-`. */
export const CONTACT_FILTER_KEYS = [
  'q',
  'tag',
  'group',
  'import',
  'initial_source',
  'created_since',
  'created_before',
  'updated_since',
  'updated_before',
  'min_orders',
  'max_orders',
  'min_total_spent',
  'max_total_spent',
  'last_order_since',
  'last_order_before',
] as const satisfies readonly (keyof ContactFilter)[];

type FilterKey = (typeof CONTACT_FILTER_KEYS)[number];
// Fails to compile when the list query gains a filter the commands do not offer.
const everyListFilterOffered: Exclude<keyof ContactFilter, FilterKey | 'attributes'> extends never
  ? true
  : never = true;
void everyListFilterOffered;

/** `initial_source` → `initialSource`: the property commander gives `--initial-source`. */
const optionOf = (key: FilterKey) =>
  key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as Exclude<keyof ContactFilterOptions, 'attr'>;

export function hasContactFilter(o: ContactFilterOptions): boolean {
  return o.attr.length > 0 || CONTACT_FILTER_KEYS.some((key) => o[optionOf(key)] !== undefined);
}

/**
 * The options as a list filter. A group is named by id or name; one that does not exist would select
 * nobody, so it is refused, as an attribute that does not exist is by the list itself.
 */
export async function contactFilterOf(kith: KithServices, o: ContactFilterOptions): Promise<ContactFilter> {
  const filter: ContactFilter = {};
  for (const key of CONTACT_FILTER_KEYS) {
    const value = o[optionOf(key)];
    if (value !== undefined) filter[key] = value;
  }
  if (filter.group !== undefined) {
    filter.group = await groupIdOf(kith, '--group', filter.group);
  }
  const attributes = parsePairs('attr', o.attr);
  if (Object.keys(attributes).length > 0) filter.attributes = attributes;
  return filter;
}
