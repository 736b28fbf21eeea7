/**
 * The customers list: one search box and filters that live in the URL (`/customers?q=&tag=&group=`),
 * cursor pages (`cursor=`), rows that are links. `/` focuses the search.
 */
import { Anchor, Badge, Button, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useHotkeys } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../app/session';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { displayName } from './customer-format';

const PAGE_SIZE = 50;

export default function CustomersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data: user } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const group = params.get('group') ?? '';
  const cursor = params.get('cursor') ?? '';
  const [search, setSearch] = useState(q);
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    setParams(next);
  };
  const applySearch = useDebouncedCallback((value: string) => update({ q: value.trim() }), 300);

  const contacts = useQuery({
    queryKey: ['contacts', { q, tag, group, cursor }],
    queryFn: () =>
      unwrap(
        api.GET('/api/contacts', {
          params: {
            query: {
              q: q || undefined,
              tag: tag || undefined,
              group: group || undefined,
              cursor: cursor || undefined,
              limit: PAGE_SIZE,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => unwrap(api.GET('/api/tags')) });
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) });
  const filtered = Boolean(q || tag || group);

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        actions={
          <>
            {isAdmin(user) && (
              <Button variant="default" component={Link} to="/imports/new">
                {t('customers.import')}
              </Button>
            )}
            <Button component={Link} to="/customers/new">
              {t('customers.new')}
            </Button>
          </>
        }
      />
      <Group gap="sm" mb="sm" align="flex-end">
        <TextInput
          ref={searchRef}
          label={t('customers.search')}
          placeholder={t('customers.searchPlaceholder')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            applySearch(event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') update({ q: search.trim() });
          }}
          w={360}
          type="search"
        />
        <Select
          label={t('customers.tag')}
          placeholder={t('customers.any')}
          clearable
          searchable
          data={(tags.data?.data ?? []).map((item) => ({ value: item.name, label: item.name }))}
          value={tag || null}
          onChange={(value) => update({ tag: value ?? '' })}
          w={200}
        />
        <Select
          label={t('customers.group')}
          placeholder={t('customers.any')}
          clearable
          searchable
          data={(groups.data?.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
          value={group || null}
          onChange={(value) => update({ group: value ?? '' })}
          w={200}
        />
        {filtered && (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch('');
              setParams(new URLSearchParams());
            }}
          >
            {t('customers.clearFilters')}
          </Button>
        )}
      </Group>
      <Paper withBorder>
        {contacts.isPending ? (
          <LoadingRows />
        ) : contacts.isError ? (
          <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />
        ) : contacts.data.data.length === 0 ? (
          filtered ? (
            <EmptyState title={t('customers.noMatchTitle')} description={t('customers.noMatch')} />
          ) : (
            <EmptyState
              title={t('customers.emptyTitle')}
              description={t('customers.empty')}
              action={
                isAdmin(user) ? (
                  <Button component={Link} to="/imports/new">
                    {t('customers.import')}
                  </Button>
                ) : undefined
              }
            />
          )
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table
              className="kith-sticky-head"
              highlightOnHover
              striped={false}
              aria-label={t('customers.title')}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.name')}</Table.Th>
                  <Table.Th>{t('fields.email')}</Table.Th>
                  <Table.Th>{t('fields.phone')}</Table.Th>
                  <Table.Th>{t('fields.city')}</Table.Th>
                  <Table.Th>{t('fields.tags')}</Table.Th>
                  <Table.Th>{t('fields.updated_at')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contacts.data.data.map((contact) => (
                  <Table.Tr
                    key={contact.id}
                    className="kith-row-link"
                    onClick={(event) => {
                      if ((event.target as HTMLElement).closest('a')) return;
                      void navigate(`/customers/${contact.id}`);
                    }}
                  >
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${contact.id}`} size="sm" fw={500}>
                        {displayName(contact)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{contact.email}</Table.Td>
                    <Table.Td>{contact.phone}</Table.Td>
                    <Table.Td>{[contact.province, contact.city].filter(Boolean).join(' ')}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {contact.tags.slice(0, 3).map((name) => (
                          <Badge key={name} variant="light" color="gray" size="sm" tt="none">
                            {name}
                          </Badge>
                        ))}
                        {contact.tags.length > 3 && (
                          <Text size="xs" c="dimmed">
                            +{contact.tags.length - 3}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {formatDateTime(contact.updated_at)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Group justify="flex-end" mt="sm" gap="sm">
        {cursor && (
          <Button variant="default" onClick={() => update({ cursor: '' })}>
            {t('common.firstPage')}
          </Button>
        )}
        {contacts.data?.next_cursor && (
          <Button variant="default" onClick={() => update({ cursor: contacts.data.next_cursor ?? '' })}>
            {t('common.nextPage')}
          </Button>
        )}
      </Group>
    </>
  );
}
