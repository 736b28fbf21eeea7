/**
 * Choose one conversation without knowing its id: the newest conversations, or a customer's when a
 * customer is chosen first, each named by its customer, inbox, status and last activity; typing
 * narrows the list by any of those words.
 */
import { Group, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { CustomerPicker } from '../customers/CustomerPicker';
import { useContactNames } from './contact-names';
import { useInboxNames } from './conversation-queries';
import { formatMessageTime } from './message-time';

/** As many as one list can show usefully; a customer narrows an older one into reach. */
const SHOWN = 50;

export function ConversationPicker({
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
  const { t, i18n } = useTranslation();
  const [customer, setCustomer] = useState<string | null>(null);
  const listed = useQuery({
    queryKey: ['conversations', 'picker', customer],
    queryFn: () =>
      unwrap(
        api.GET('/api/conversations', {
          params: { query: { limit: SHOWN, ...(customer ? { contact_id: customer } : {}) } },
        }),
      ),
    select: (r) => r.data,
  });
  const conversations = listed.data ?? [];
  // A conversation given from outside (a shared link) is read once to be shown like the others.
  const given = useQuery({
    queryKey: ['conversation', value],
    queryFn: () => unwrap(api.GET('/api/conversations/{id}', { params: { path: { id: value! } } })),
    enabled: value !== null && !conversations.some((c) => c.id === value),
    retry: false,
  });
  const all =
    given.data && !conversations.some((c) => c.id === given.data.id)
      ? [...conversations, given.data]
      : conversations;
  const names = useContactNames(all.map((c) => c.contact_id));
  const inboxName = useInboxNames();

  const options = all.map((c) => {
    const when = c.last_message_at ?? c.created_at;
    const parts = [
      names.data?.get(c.contact_id) ?? t('conversations.picker.customer'),
      inboxName.get(c.inbox_id),
      t(`conversations.statuses.${c.status}`),
      formatMessageTime(when, i18n.language),
    ];
    return { value: c.id, label: parts.filter(Boolean).join(' · ') };
  });

  return (
    <Group align="flex-start" gap="xs" wrap="wrap">
      <CustomerPicker
        label={t('conversations.picker.ofCustomer')}
        value={customer}
        onChange={(id) => {
          setCustomer(id);
          onChange(null);
        }}
        width={260}
      />
      <Select
        label={label}
        placeholder={
          listed.isSuccess && options.length === 0
            ? t('conversations.picker.none')
            : t('conversations.picker.placeholder')
        }
        w={420}
        searchable
        clearable
        data={options}
        value={value && options.some((o) => o.value === value) ? value : null}
        onChange={onChange}
        nothingFoundMessage={t('conversations.picker.nothing')}
        error={error}
        maxDropdownHeight={320}
      />
    </Group>
  );
}
