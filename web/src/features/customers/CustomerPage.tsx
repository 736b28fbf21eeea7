/**
 * One customer: every field, identities, typed attributes and tags, edited in place with the server's
 * validation on the field it names; the timeline, the change history and the orders as tabs
 * (`?tab=history`, `?tab=orders`).
 * A merged id leads to its survivor.
 */
import {
  Alert,
  Badge,
  Button,
  CloseButton,
  Group,
  Paper,
  Select,
  Stack,
  Tabs,
  TagsInput,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiError, type Contact, unwrap } from '../../api/client';
import type { TFunction } from 'i18next';
import { formatDate, formatDateTime, formatList, listParts } from '../../i18n';
import { initialSourceLabel } from '../../ui/initial-source-label';
import { Phone } from '../../ui/Phone';
import { PageHeader } from '../../ui/PageHeader';
import { ErrorState, errorMessage, isNotFound, LoadingRows, NotFoundState } from '../../ui/states';
import { ContactFieldsForm } from './ContactFieldsForm';
import { contactPatch, formStateOf, TEXT_FIELDS } from './contact-form';
import {
  type ContactDetail,
  contactKey,
  useAttributeDefinitions,
  useContact,
  useIdentityTypes,
} from './customer-queries';
import { displayName } from './customer-format';
import { CustomerHistory } from './CustomerHistory';
import { CustomerConversations } from './CustomerConversations';
import { CustomerOrders } from './CustomerOrders';
import { CustomerTimeline } from './CustomerTimeline';
import { OwnerAlert } from './OwnerAlert';
import { type SaveProblem, saveProblem, tagRefusalText } from './save-errors';
import { localizeIdentityTypes } from '../../ui/identity-type-label';

const TABS = ['timeline', 'history', 'conversations', 'orders'] as const;
type Tab = (typeof TABS)[number];

export default function CustomerPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'timeline';
  const contact = useContact(id);
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  const [editing, setEditing] = useState(false);
  // Leaving the form (saved, cancelled, Escape) puts focus back on Edit, where the keyboard left it.
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  // A merged id answers with the survivor: show the survivor's own URL, and say why.
  const mergedFrom = (contact.data as (Contact & { merged_from?: string }) | undefined)?.merged_from;
  useEffect(() => {
    if (contact.data && contact.data.id !== id)
      void navigate(`/customers/${contact.data.id}?merged_from=${encodeURIComponent(mergedFrom ?? id)}`, {
        replace: true,
      });
  }, [contact.data, id, mergedFrom, navigate]);

  if (contact.isPending) return <LoadingRows />;
  if (contact.isError)
    return isNotFound(contact.error) ? (
      <NotFoundState kind="customer" />
    ) : (
      <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
    );
  const data = contact.data;

  return (
    <>
      <PageHeader
        title={displayName(data)}
        description={
          <>
            <span className="kith-mono">{data.id}</span> ·{' '}
            {t('customer.createdAt', { when: formatDateTime(data.created_at) })}
          </>
        }
        actions={
          !editing && (
            <Button ref={editButton} onClick={() => setEditing(true)} variant="default">
              {t('common.edit')}
            </Button>
          )
        }
      />
      {params.get('merged_from') && (
        <Alert color="blue" mb="md">
          {t('customer.mergedNotice', { id: params.get('merged_from') })}
        </Alert>
      )}
      <Group align="flex-start" gap="md" wrap="nowrap">
        <Stack gap="md" style={{ flex: '1 1 60%', minWidth: 0 }}>
          <Paper withBorder p="md">
            {editing ? (
              <EditContact
                contact={data}
                identityTypes={identityTypes.data?.data ?? []}
                attributes={attributes.data?.data ?? []}
                onDone={() => setEditing(false)}
              />
            ) : (
              <ContactDetails
                contact={data}
                attributeLabels={attributes.data?.data ?? []}
                identityLabels={localizeIdentityTypes(identityTypes.data?.data ?? [], t)}
              />
            )}
          </Paper>
          <Paper withBorder p="md">
            <Tabs
              value={tab}
              onChange={(value) => {
                const next = new URLSearchParams(params);
                next.set('tab', value ?? 'timeline');
                setParams(next, { replace: true });
              }}
            >
              <Tabs.List mb="sm">
                <Tabs.Tab value="timeline">{t('customer.timeline')}</Tabs.Tab>
                <Tabs.Tab value="history">{t('customer.history')}</Tabs.Tab>
                <Tabs.Tab value="conversations">{t('customer.conversations.tab')}</Tabs.Tab>
                <Tabs.Tab value="orders">{t('customer.orders.tab')}</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="timeline">
                {tab === 'timeline' && <CustomerTimeline contactId={data.id} />}
              </Tabs.Panel>
              <Tabs.Panel value="history">
                {tab === 'history' && <CustomerHistory contactId={data.id} />}
              </Tabs.Panel>
              <Tabs.Panel value="conversations">
                {tab === 'conversations' && <CustomerConversations contactId={data.id} />}
              </Tabs.Panel>
              <Tabs.Panel value="orders">
                {tab === 'orders' && <CustomerOrders contactId={data.id} />}
              </Tabs.Panel>
            </Tabs>
          </Paper>
        </Stack>
        <Stack gap="md" style={{ flex: '0 0 300px' }}>
          <Paper withBorder p="md">
            <TagsEditor contact={data} />
          </Paper>
          <Paper withBorder p="md">
            <ContactGroups contactId={data.id} groups={data.groups} />
          </Paper>
        </Stack>
      </Group>
    </>
  );
}

function ContactDetails({
  contact,
  attributeLabels,
  identityLabels,
}: {
  contact: Contact;
  attributeLabels: { key: string; label: string }[];
  identityLabels: { key: string; label: string }[];
}) {
  const { t } = useTranslation();
  const label = (list: { key: string; label: string }[], key: string) =>
    list.find((item) => item.key === key)?.label || key;
  const rows: [string, React.ReactNode][] = [];
  for (const field of TEXT_FIELDS) {
    const value = contact[field];
    if (!value) continue;
    const shown =
      field === 'gender' ? (
        t(`gender.${value as 'male'}`)
      ) : field === 'birthday' ? (
        formatDate(value)
      ) : field === 'phone' ? (
        <Phone value={value} link />
      ) : field === 'initial_source' ? (
        initialSourceLabel(value, t)
      ) : (
        value
      );
    rows.push([t(`fields.${field}`), shown]);
  }
  if (contact.additional_emails.length)
    rows.push([t('fields.additional_emails'), formatList(contact.additional_emails, 'values')]);
  if (contact.additional_phones.length) {
    const phones = contact.additional_phones;
    rows.push([
      t('fields.additional_phones'),
      listParts(phones.length, 'values').map((part, i) =>
        'item' in part ? <Phone key={i} value={phones[part.item]!} link /> : part.text,
      ),
    ]);
  }
  for (const [key, value] of Object.entries(contact.identities))
    rows.push([label(identityLabels, key), value]);
  for (const [key, value] of Object.entries(contact.attributes))
    rows.push([
      label(attributeLabels, key),
      typeof value === 'boolean' ? t(value ? 'common.yes' : 'common.no') : String(value),
    ]);
  if (rows.length === 0) return <Text c="dimmed">{t('customer.noFields')}</Text>;
  return (
    <dl className="kith-fields">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function EditContact({
  contact,
  identityTypes,
  attributes,
  onDone,
}: {
  contact: Contact;
  identityTypes: Parameters<typeof ContactFieldsForm>[0]['identityTypes'];
  attributes: Parameters<typeof ContactFieldsForm>[0]['attributes'];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const initial = useMemo(() => formStateOf(contact), [contact]);
  const [state, setState] = useState(initial);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      unwrap(api.PATCH('/api/contacts/{id}', { params: { path: { id: contact.id } }, body: patch })),
    onSuccess: (updated) => {
      // The answer is the contact alone: the detail's groups and purchase facts stay as they were.
      client.setQueryData(contactKey(contact.id), (before: ContactDetail | undefined) =>
        before ? { ...before, ...updated } : before,
      );
      void client.invalidateQueries({ queryKey: ['contact-history', contact.id] });
      void client.invalidateQueries({ queryKey: ['contact-timeline', contact.id] });
      void client.invalidateQueries({ queryKey: ['contacts'] });
      notifications.show({ message: t('customer.saved'), color: 'green' });
      onDone();
    },
    onError: (error) => setProblem(saveProblem(error, t)),
  });
  const patch = contactPatch(initial, state);
  const changed = Object.keys(patch).length > 0;
  // The form opens with its first field focused (Edit, which had focus, is gone while it is open).
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, []);

  return (
    <form
      ref={form}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (changed) save.mutate(patch);
        else onDone();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDone();
      }}
    >
      <Title order={2} size="h4" mb="sm">
        {t('customer.editTitle')}
      </Title>
      {problem?.message && (
        <Alert color="red" mb="sm" role="alert">
          {problem.message}
        </Alert>
      )}
      {problem?.ownerId && <OwnerAlert ownerId={problem.ownerId} />}
      <ContactFieldsForm
        state={state}
        onChange={setState}
        errors={problem?.fields ?? {}}
        identityTypes={identityTypes}
        attributes={attributes}
      />
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" loading={save.isPending} disabled={!changed}>
          {t('common.save')}
        </Button>
      </Group>
    </form>
  );
}

/**
 * The static groups the customer belongs to, each a link to the customers list filtered by it, with
 * its × to take the customer out; a group is added from the list of the others. Agents may do both,
 * as the server lets them (POST /api/groups/{id}/members, DELETE …/members/{contact_id}); each change
 * is audited on the customer's history.
 */
function ContactGroups({ contactId, groups }: { contactId: string; groups: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const all = useQuery({ queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) });
  const member = new Set(groups.map((group) => group.id));
  const others = (all.data?.data ?? []).filter((group) => !member.has(group.id));
  const changed = () => {
    setError(null);
    void client.invalidateQueries({ queryKey: contactKey(contactId) });
    void client.invalidateQueries({ queryKey: ['groups'] });
    void client.invalidateQueries({ queryKey: ['contacts'] });
    void client.invalidateQueries({ queryKey: ['contact-history', contactId] });
  };
  const add = useMutation({
    mutationFn: (groupId: string) =>
      unwrap(
        api.POST('/api/groups/{id}/members', {
          params: { path: { id: groupId } },
          body: { contact_ids: [contactId] },
        }),
      ),
    onSuccess: changed,
    onError: (e) => setError(groupRefusalText(e, t)),
  });
  const remove = useMutation({
    mutationFn: (groupId: string) =>
      unwrap(
        api.DELETE('/api/groups/{id}/members/{contact_id}', {
          params: { path: { id: groupId, contact_id: contactId } },
        }),
      ),
    onSuccess: changed,
    onError: (e) => setError(groupRefusalText(e, t)),
  });
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500} id="customer-groups">
        {t('fields.groups')}
      </Text>
      {groups.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('customer.noGroups')}
        </Text>
      ) : (
        <Group gap={6} role="list" aria-labelledby="customer-groups">
          {groups.map((group) => (
            <Badge
              key={group.id}
              role="listitem"
              variant="light"
              color="gray"
              style={{ textTransform: 'none' }}
              rightSection={
                <CloseButton
                  size="xs"
                  aria-label={t('customer.removeFromGroup', { name: group.name })}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(group.id)}
                />
              }
            >
              <Link
                to={`/customers?group=${encodeURIComponent(group.id)}`}
                style={{ color: 'inherit', textDecoration: 'none' }}
              >
                {group.name}
              </Link>
            </Badge>
          ))}
        </Group>
      )}
      <Select
        aria-label={t('customer.addToGroup')}
        placeholder={t('customer.addToGroup')}
        searchable
        size="xs"
        data={others.map((group) => ({ value: group.id, label: group.name }))}
        value={null}
        searchValue={search}
        onSearchChange={setSearch}
        onChange={(groupId) => {
          // Chosen: the field is empty again, ready for another group.
          setSearch('');
          if (groupId) add.mutate(groupId);
        }}
        disabled={add.isPending}
        nothingFoundMessage={
          (all.data?.data.length ?? 0) === 0 ? t('customers.bulk.noGroups') : t('customer.noOtherGroup')
        }
        error={error}
      />
    </Stack>
  );
}

/** A refused membership change (src/segments/group-service.ts) said in the page's language. */
function groupRefusalText(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    const details = error.details && !Array.isArray(error.details) ? error.details : {};
    if (error.code === 'not_found' && details.entity === 'group') return t('customer.groupGone');
    if (error.code === 'not_found' && details.entity === 'contact') return t('customer.goneMeanwhile');
    if (error.fieldErrors[0]?.field === 'contact_id' && /is not a member of group/.test(error.message))
      return t('customer.notMemberAnyMore');
  }
  return errorMessage(error, t);
}

function TagsEditor({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  // What is being typed: a tag the server refuses comes back here, so it can be corrected.
  const [typing, setTyping] = useState('');
  const update = (updated: Contact) => {
    // The tags' answer is the contact alone: the detail's groups and purchase facts stay as they were.
    client.setQueryData(contactKey(contact.id), (before: ContactDetail | undefined) =>
      before ? { ...before, ...updated } : before,
    );
    void client.invalidateQueries({ queryKey: ['tags'] });
    void client.invalidateQueries({ queryKey: ['contact-history', contact.id] });
  };
  const add = useMutation({
    mutationFn: (tags: string[]) =>
      unwrap(api.POST('/api/contacts/{id}/tags', { params: { path: { id: contact.id } }, body: { tags } })),
    onSuccess: update,
    onError: (e, tags) => {
      setError(tagRefusalText(e, t, tags) ?? errorMessage(e, t));
      setTyping((current) => current || tags.join(', '));
    },
  });
  const remove = useMutation({
    mutationFn: (tag: string) =>
      unwrap(api.DELETE('/api/contacts/{id}/tags/{tag}', { params: { path: { id: contact.id, tag } } })),
    onSuccess: update,
    onError: (e) => setError(errorMessage(e, t)),
  });
  return (
    <TagsInput
      label={t('fields.tags')}
      description={t('customer.tagsHint')}
      value={contact.tags}
      error={error}
      searchValue={typing}
      onSearchChange={(next) => {
        setTyping(next);
        if (next !== typing) setError(null);
      }}
      onChange={(next) => {
        setError(null);
        const added = next.filter((tag) => !contact.tags.includes(tag));
        const removed = contact.tags.filter((tag) => !next.includes(tag));
        if (added.length) add.mutate(added);
        for (const tag of removed) remove.mutate(tag);
      }}
      renderOption={({ option }) => <Badge variant="light">{option.value}</Badge>}
      clearable={false}
    />
  );
}
