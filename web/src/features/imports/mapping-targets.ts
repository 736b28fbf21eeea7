/**
 * Where a column can go: standard fields, identities (`identity.<type>`), custom attributes
 * (`attr.<key>`) or nowhere (`ignore`), and the rules the server applies to a mapping, checked live.
 */
import type { Schemas } from '../../api/client';
import { identityTypeLabel, isBuiltInIdentityType } from '../../ui/identity-type-label';

export const IGNORE = 'ignore';

export const STANDARD_TARGETS = [
  'name',
  'first_name',
  'last_name',
  'email',
  'additional_emails',
  'phone',
  'additional_phones',
  'gender',
  'birthday',
  'company',
  'country',
  'province',
  'city',
  'address',
  // Not a field: appended to the address (", "), as Shopify's Address2 continues Address1.
  'address_line_2',
  'postcode',
  'tags',
  'initial_source',
  'initial_source_detail',
  'campaign',
  'id',
] as const;

/** Targets several columns may share (their values are combined). */
const MULTI_COLUMN = new Set(['tags', 'additional_emails', 'additional_phones', 'address_line_2', IGNORE]);

/** The fields the source policy governs. */
export const SOURCE_TARGETS = ['initial_source', 'initial_source_detail', 'campaign'];

/** Column name → target ('ignore' for a column left out). */
export type Mapping = Record<string, string>;

/** A row can be matched or created only through one of these. */
export function isIdentifying(target: string): boolean {
  return target === 'id' || target === 'email' || target === 'phone' || target.startsWith('identity.');
}

export function hasIdentifier(mapping: Mapping): boolean {
  return Object.values(mapping).some(isIdentifying);
}

/** Columns whose target another column already took (only list-like targets may be shared). */
export function clashingColumns(columns: string[], mapping: Mapping): Map<string, string> {
  const firstBy = new Map<string, string>();
  const clashes = new Map<string, string>();
  for (const column of columns) {
    const target = mapping[column] ?? IGNORE;
    if (MULTI_COLUMN.has(target)) continue;
    const first = firstBy.get(target);
    if (first === undefined) firstBy.set(target, column);
    else clashes.set(column, first);
  }
  return clashes;
}

export interface TargetGroup {
  group: string;
  items: { value: string; label: string }[];
}

/** An identity type the server creates when an import first maps a column to it (WeChat OpenID …). */
export interface WellKnownIdentity {
  key: string;
  label: string;
}

/** "Label (key)", or the key alone when the label says nothing more. */
const withKey = (label: string, key: string) => (label && label !== key ? `${label} (${key})` : key);

export function targetGroups(
  t: (key: string, options?: Record<string, unknown>) => string,
  identityTypes: Schemas['IdentityType'][],
  attributes: Schemas['AttributeDefinition'][],
  wellKnown: WellKnownIdentity[] = [],
): TargetGroup[] {
  const existing = new Set(identityTypes.map((type) => type.key));
  const identities = [
    ...identityTypes.map((type) => ({
      value: `identity.${type.key}`,
      label: withKey(identityTypeLabel(type, t), type.key),
    })),
    ...wellKnown
      .filter((type) => !existing.has(type.key))
      .map((type) => ({
        value: `identity.${type.key}`,
        label: t('imports.mapping.createdOnUse', { label: withKey(identityTypeLabel(type, t), type.key) }),
      })),
  ];
  const groups: TargetGroup[] = [
    {
      group: t('imports.mapping.groups.standard'),
      items: STANDARD_TARGETS.map((field) => ({ value: field, label: t(`fields.${field}`) })),
    },
  ];
  if (identities.length > 0)
    groups.push({ group: t('imports.mapping.groups.identities'), items: identities });
  if (attributes.length > 0)
    groups.push({
      group: t('imports.mapping.groups.attributes'),
      items: attributes.map((attribute) => ({
        value: `attr.${attribute.key}`,
        label:
          attribute.label && attribute.label !== attribute.key
            ? `${attribute.label} (${attribute.key})`
            : attribute.key,
      })),
    });
  groups.push({
    group: t('imports.mapping.groups.other'),
    items: [{ value: IGNORE, label: t('imports.mapping.ignore') }],
  });
  return groups;
}

/** A label for a target the lists may not hold (an old import's mapping, a type since removed). */
export function targetLabel(target: string, groups: TargetGroup[]): string {
  for (const group of groups) {
    const item = group.items.find((i) => i.value === target);
    if (item) return item.label;
  }
  return target;
}

/** The identity types and attributes a screen has at hand, to name a stored target by. */
export interface KnownTargets {
  identityTypes?: readonly { key: string; label?: string | null }[];
  attributes?: readonly { key: string; label?: string | null }[];
}

/**
 * A stored target in words: a field's name, or which identity or attribute, by its name with its key
 * as the mapping step lists it (two may share a name); a type or attribute not known by its key alone.
 */
export function describeTarget(
  target: string,
  t: (key: string, options?: Record<string, unknown>) => string,
  known: KnownTargets = {},
): string {
  if (target === IGNORE) return t('imports.mapping.ignore');
  if (target.startsWith('identity.')) {
    const key = target.slice(9);
    const type = known.identityTypes?.find((x) => x.key === key);
    const name =
      type || isBuiltInIdentityType(key) ? withKey(identityTypeLabel(type ?? { key }, t), key) : key;
    return t('imports.mapping.identityTarget', { name });
  }
  if (target.startsWith('attr.')) {
    const key = target.slice(5);
    const label = known.attributes?.find((x) => x.key === key)?.label?.trim();
    return t('imports.mapping.attributeTarget', { name: label ? withKey(label, key) : key });
  }
  return (STANDARD_TARGETS as readonly string[]).includes(target) ? t(`fields.${target}`) : target;
}

/**
 * The reason column Kith adds last to a failure or warnings file (`error`, 失败原因 …): its index, or -1.
 * The server suggests leaving it out, the one column it suggests `ignore` for.
 */
export function reportColumnIndex(preview: {
  suggested_mapping: readonly { index: number; target: string | null }[];
}): number {
  const last = preview.suggested_mapping.at(-1);
  return last?.target === IGNORE ? last.index : -1;
}
