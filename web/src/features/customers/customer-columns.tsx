/**
 * The customers list's columns: standard fields, every identity type and custom attribute. Which are
 * shown is the user's choice, kept in this browser (a column set is a preference, not a filter, so it
 * stays out of the URL).
 */
import { Badge, Group, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { Contact, Schemas } from '../../api/client';
import { formatDate, formatDateTimeNarrow, formatMoney, formatNumber } from '../../i18n';
import { localizeIdentityTypes } from '../../ui/identity-type-label';
import { initialSourceLabel } from '../../ui/initial-source-label';
import { Email } from '../../ui/Email';
import { Phone } from '../../ui/Phone';

export interface CustomerColumn {
  id: string;
  label: string;
  /** The list's `sort` value, when the server can sort by this column. */
  sort?: string;
  render: (contact: Contact) => ReactNode;
}

const STORAGE_KEY = 'kith.customers.columns';
export const DEFAULT_COLUMNS = ['email', 'phone', 'city', 'tags', 'updated_at'];

export function loadColumnChoice(): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (Array.isArray(stored) && stored.every((item) => typeof item === 'string')) return stored;
  } catch {
    // a broken preference falls back to the default
  }
  return DEFAULT_COLUMNS;
}

export function saveColumnChoice(columns: string[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(columns));
}

const plain = (value: string | null | undefined) => value ?? '';

/** A contact as the list answers it: with its purchase facts (read-only, kept from its orders). */
type ContactWithFacts = Contact & {
  orders_count?: number;
  total_spent?: string;
  first_order_at?: string | null;
  last_order_at?: string | null;
};

/** Purchase-fact columns, each sortable by the server. */
function purchaseColumns(t: TFunction): CustomerColumn[] {
  const facts = (contact: Contact) => contact as ContactWithFacts;
  const time = (value: string | null | undefined) => (
    <Text size="sm" c="dimmed" style={{ wordBreak: 'keep-all' }}>
      {value ? formatDateTimeNarrow(value) : ''}
    </Text>
  );
  return [
    {
      id: 'orders_count',
      label: t('orders.facts.orders_count'),
      sort: 'orders_count',
      render: (c) => (
        <Text size="sm" ta="right">
          {formatNumber(facts(c).orders_count ?? 0)}
        </Text>
      ),
    },
    {
      id: 'total_spent',
      label: t('orders.facts.total_spent'),
      sort: 'total_spent',
      render: (c) => (
        <Text size="sm" ta="right" ff="monospace">
          {formatMoney(facts(c).total_spent ?? '0.00', null)}
        </Text>
      ),
    },
    {
      id: 'first_order_at',
      label: t('orders.facts.first_order_at'),
      sort: 'first_order_at',
      render: (c) => time(facts(c).first_order_at),
    },
    {
      id: 'last_order_at',
      label: t('orders.facts.last_order_at'),
      sort: 'last_order_at',
      render: (c) => time(facts(c).last_order_at),
    },
  ];
}

export function customerColumns(
  t: TFunction,
  identityTypes: Schemas['IdentityType'][],
  attributes: Schemas['AttributeDefinition'][],
): CustomerColumn[] {
  const field = (
    id: keyof Contact & string,
    render?: CustomerColumn['render'],
    sort?: string,
  ): CustomerColumn => ({
    id,
    label: t(`fields.${id}`),
    sort,
    render: render ?? ((contact) => plain(contact[id] as string | null)),
  });
  return [
    field('email', (contact) => (contact.email ? <Email address={contact.email} /> : '')),
    field('phone', (contact) => (contact.phone ? <Phone value={contact.phone} /> : '')),
    field('first_name'),
    field('last_name'),
    field('gender', (contact) => (contact.gender ? t(`gender.${contact.gender}`) : '')),
    field('birthday', (contact) => formatDate(contact.birthday)),
    field('company'),
    field('country'),
    field('province'),
    field('city', (contact) => [contact.province, contact.city].filter(Boolean).join(' ')),
    field('address'),
    field('postcode'),
    field('tags', (contact) => (
      <Group gap={4} wrap="nowrap">
        {contact.tags.slice(0, 3).map((name) => (
          // Whole tags: a narrow window scrolls the table sideways rather than cutting them to "20…".
          <Badge
            key={name}
            variant="light"
            color="gray"
            size="sm"
            tt="none"
            style={{ flexShrink: 0, minWidth: 'max-content' }}
          >
            {name}
          </Badge>
        ))}
        {contact.tags.length > 3 && (
          <Text size="xs" c="dimmed">
            +{contact.tags.length - 3}
          </Text>
        )}
      </Group>
    )),
    field('initial_source', (contact) =>
      contact.initial_source ? initialSourceLabel(contact.initial_source, t) : '',
    ),
    field('campaign'),
    ...localizeIdentityTypes(identityTypes, t).map((type) => ({
      id: `identity.${type.key}`,
      label: type.label,
      render: (contact: Contact) => plain(contact.identities[type.key]),
    })),
    ...attributes.map((definition) => ({
      id: `attr.${definition.key}`,
      label: definition.label || definition.key,
      render: (contact: Contact) => {
        const value = contact.attributes[definition.key];
        if (value === undefined) return '';
        if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
        return definition.type === 'date' ? formatDate(String(value)) : String(value);
      },
    })),
    ...purchaseColumns(t),
    field(
      'created_at',
      (contact) => (
        <Text size="sm" c="dimmed" style={{ wordBreak: 'keep-all' }}>
          {formatDateTimeNarrow(contact.created_at)}
        </Text>
      ),
      'created_at',
    ),
    field(
      'updated_at',
      (contact) => (
        <Text size="sm" c="dimmed" style={{ wordBreak: 'keep-all' }}>
          {formatDateTimeNarrow(contact.updated_at)}
        </Text>
      ),
      'updated_at',
    ),
  ];
}
