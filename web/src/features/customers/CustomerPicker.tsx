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
}: {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  error?: string;
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
  // The chosen customer stays an option while another search runs.
  if (chosen && chosen.id === value && !options.some((o) => o.value === chosen.id))
    options.push(optionOf(chosen));

  return (
    <Select
      label={label}
      placeholder={t('customers.picker.placeholder')}
      w={320}
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
