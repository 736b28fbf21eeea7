/**
 * Choose one customer by typing part of a name, e-mail, phone or id: the customers list's own search
 * (GET /api/contacts?q=) answers as one types, ten at a time.
 */
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Contact, unwrap } from '../../api/client';
import { formatPhone } from '../../ui/phone-format';
import { displayName } from './customer-format';

const SHOWN = 10;

function optionOf(contact: Contact) {
  const reach = contact.email ?? formatPhone(contact.phone);
  const name = displayName(contact);
  return { value: contact.id, label: reach && reach !== name ? `${name} · ${reach}` : name };
}

export function CustomerPicker({
  label,
  value,
  onChange,
  error,
  width = 320,
}: {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  error?: string;
  width?: number;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const [chosen, setChosen] = useState<Contact | null>(null);
  const found = useQuery({
    queryKey: ['contacts', 'picker', query],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/contacts', { params: { query: { q: query, limit: SHOWN, total: 'false' } } }),
        )
      ).data,
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
  });
  const contacts = found.data ?? [];
  const options = contacts.map(optionOf);
  // A customer given from outside (a shared link's id) is read once to be shown by name.
  const given = useQuery({
    queryKey: ['contacts', 'picker', 'given', value],
    queryFn: () => unwrap(api.GET('/api/contacts/{id}', { params: { path: { id: value! } } })),
    enabled: value !== null && chosen?.id !== value,
    retry: false,
  });
  const shown = chosen?.id === value ? chosen : given.data?.id === value ? given.data : null;
  // The chosen customer stays an option while another search runs.
  if (shown && !options.some((o) => o.value === shown.id)) options.push(optionOf(shown));

  return (
    <Select
      label={label}
      placeholder={t('customers.picker.placeholder')}
      w={width}
      searchable
      clearable
      data={options}
      value={value}
      filter={({ options: all }) => all}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={query ? t('customers.picker.nothing') : t('customers.picker.typeToSearch')}
      onChange={(id) => {
        setChosen(contacts.find((c) => c.id === id) ?? null);
        onChange(id);
      }}
      error={error}
    />
  );
}
