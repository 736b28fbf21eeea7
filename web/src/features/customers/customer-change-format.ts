/**
 * A change to a customer (a field, its value before and after) as people read it, wherever changes are
 * listed: the customer's change history and the audit log's customer entries, so both name a field and
 * show a value the same way, never by key. A field by its label (an identity by its type, an attribute
 * by its label); a value as the customer page shows it: a gender in words, a date in the page's
 * language, a group by name, yes / no, the initial source Kith writes by its name.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime, formatList } from '../../i18n';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { initialSourceLabel } from '../../ui/initial-source-label';
import { formatPhone } from '../../ui/phone-format';
import { ORDER_LINK_FIELD, orderLinkText } from '../orders/order-link-format';
import { labelOr } from './customer-format';
import { groupsQuery, useAttributeDefinitions, useIdentityTypes } from './customer-queries';

export interface CustomerChangeText {
  fieldName: (field: string) => string;
  valueText: (field: string, value: unknown) => string;
}

/** The groups, identity types and attributes a change names by key, to name them as people read them. */
function useChangeNames() {
  const groups = useQuery({ ...groupsQuery, retry: false });
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  return {
    groups: groups.data?.data,
    identityTypes: identityTypes.data?.data,
    attributes: attributes.data?.data,
  };
}

export function useCustomerChangeText(): CustomerChangeText {
  const { t, i18n } = useTranslation();
  const label = (key: string, raw: string) => labelOr(t, (k) => i18n.exists(k), key, raw);
  const names = useChangeNames();
  const shown = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (Array.isArray(value)) return value.length ? formatList(value.map(String), 'values') : '—';
    if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };
  return {
    fieldName: (field) => {
      if (field === ORDER_LINK_FIELD) return t('orders.link.field');
      if (field.startsWith('identities.')) {
        const key = field.slice('identities.'.length);
        const type = names.identityTypes?.find((x) => x.key === key);
        return `${t('fields.identities')} · ${type ? identityTypeLabel(type, t) : key}`;
      }
      if (field.startsWith('attributes.')) {
        const key = field.slice('attributes.'.length);
        return names.attributes?.find((a) => a.key === key)?.label || key;
      }
      return label(`fields.${field}`, field);
    },
    valueText: (field, value) => {
      if (field === ORDER_LINK_FIELD) return orderLinkText(value, t);
      if (field === 'additional_phones' && Array.isArray(value))
        return shown(value.map((phone) => formatPhone(String(phone))));
      if (typeof value === 'string' && value !== '') {
        if (field === 'gender') return label(`gender.${value}`, value);
        if (field === 'birthday') return formatDate(value);
        if (field === 'phone') return formatPhone(value);
        if (field === 'initial_source') return initialSourceLabel(value, t);
        if (field === 'deleted_at') return formatDateTime(value);
        if (field === 'groups') return names.groups?.find((g) => g.id === value)?.name ?? value;
      }
      return shown(value);
    },
  };
}
