/**
 * 操作日志 (admin): who changed what and when, before → after. Filters live in the URL
 * (`/settings/audit?type=tag&actor=usr_…&since=2026-11-01&cursor=…`); by default the settings changes
 * (users, tokens, identity types, attributes, tags, groups, webhooks …), not every customer edit.
 */
import { Anchor, Badge, Button, Group, Paper, Select, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDate, formatDateTime, formatList, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { channelLabel } from '../../ui/channel-label';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { useUsers, userLabel } from './settings-queries';
import { actionsText, conditionsText } from '../automation/rule-summary';
import { type CustomerChangeText, useCustomerChangeText } from '../customers/customer-change-format';
import { TableScroll } from '../../ui/TableScroll';
import { filterLabels, filtersKind } from '../exports/filter-labels';
import { DateField } from '../../ui/DateField';

type Entry = Awaited<ReturnType<typeof fetchAudit>>['data'][number];

/** What "settings changes" covers: everything but customer records. */
const SETTINGS_TYPES = [
  'user',
  'api_token',
  'identity_type',
  'attribute_definition',
  'tag',
  'group',
  'webhook_endpoint',
  'automation_rule',
  'inbox',
  'team',
  'sync_connection',
  'invite',
  'saved_import_mapping',
  'sign_in',
  'setup',
];
const TYPE_CHOICES = ['settings', ...SETTINGS_TYPES, 'contact', 'export', 'import', 'all'];
const PAGE_SIZE = 50;

function fetchAudit(query: { type: string; actor: string; since: string; cursor: string }) {
  const entityType =
    query.type === 'all' ? undefined : query.type === 'settings' ? SETTINGS_TYPES.join(',') : query.type;
  // A day typed in the filter starts at local midnight.
  const since = query.since ? new Date(`${query.since}T00:00:00`).toISOString() : undefined;
  return unwrap(
    api.GET('/api/audit', {
      params: {
        query: {
          entity_type: entityType,
          actor: query.actor || undefined,
          since,
          cursor: query.cursor || undefined,
          limit: PAGE_SIZE,
        },
      },
    }),
  );
}

export function AuditLogSettings() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? 'settings';
  const actor = params.get('actor') ?? '';
  const since = params.get('since') ?? '';
  const cursor = params.get('cursor') ?? '';
  const users = useUsers();
  const customerChange = useCustomerChangeText();
  const entries = useQuery({
    queryKey: ['audit', { type, actor, since, cursor }],
    queryFn: () => fetchAudit({ type, actor, since, cursor }),
    placeholderData: keepPreviousData,
  });
  const label = (key: string, fallback: string) => (i18n.exists(key) ? t(key) : fallback);
  const people = (id: string) => {
    const user = users.data?.data.find((u) => u.id === id);
    return user ? userLabel(user) : null;
  };
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    setParams(next);
  };
  const filtered = type !== 'settings' || Boolean(actor || since);

  return (
    <>
      <PageHeader title={t('settings.audit.title')} description={t('settings.audit.description')} />
      <Group gap="sm" mb="sm" align="flex-end">
        <Select
          label={t('settings.audit.what')}
          value={TYPE_CHOICES.includes(type) ? type : 'settings'}
          allowDeselect={false}
          onChange={(value) => update({ type: value === 'settings' ? '' : (value ?? '') })}
          data={TYPE_CHOICES.map((value) => ({
            value,
            label: label(`settings.audit.types.${value}`, value),
          }))}
          w={220}
        />
        <Select
          label={t('settings.audit.who')}
          placeholder={t('settings.audit.anyone')}
          clearable
          searchable
          value={actor || null}
          onChange={(value) => update({ actor: value ?? '' })}
          data={(users.data?.data ?? []).map((user) => ({ value: user.id, label: userLabel(user) }))}
          w={220}
        />
        <DateField
          label={t('settings.audit.since')}
          value={since}
          onChange={(date) => update({ since: date })}
          w={170}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => setParams(new URLSearchParams())}>
            {t('settings.audit.clear')}
          </Button>
        )}
      </Group>
      <Paper withBorder>
        <QueryStates
          query={entries}
          isEmpty={(page) => page.data.length === 0}
          empty={
            <EmptyState
              title={filtered ? t('settings.audit.noMatchTitle') : t('settings.audit.emptyTitle')}
              description={filtered ? t('settings.audit.noMatch') : t('settings.audit.empty')}
            />
          }
        >
          {(page) => (
            <TableScroll minWidth={760} label={t('settings.audit.title')}>
              <Table className="kith-sticky-head" aria-label={t('settings.audit.title')} verticalSpacing={8}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={150}>{t('settings.audit.when')}</Table.Th>
                    <Table.Th w={160}>{t('settings.audit.who')}</Table.Th>
                    <Table.Th w={280}>{t('settings.audit.what')}</Table.Th>
                    <Table.Th>{t('settings.audit.changes')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data.map((entry) => (
                    <AuditRow
                      key={entry.id}
                      entry={entry}
                      label={label}
                      people={people}
                      customerChange={customerChange}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryStates>
      </Paper>
      <Group justify="flex-end" mt="sm" gap="sm">
        {cursor && (
          <Button variant="default" onClick={() => update({ cursor: '' })}>
            {t('common.firstPage')}
          </Button>
        )}
        {entries.data?.next_cursor && (
          <Button variant="default" onClick={() => update({ cursor: entries.data.next_cursor ?? '' })}>
            {t('common.nextPage')}
          </Button>
        )}
      </Group>
    </>
  );
}

function AuditRow({
  entry,
  label,
  people,
  customerChange,
}: {
  entry: Entry;
  label: (key: string, fallback: string) => string;
  people: (id: string) => string | null;
  customerChange: CustomerChangeText;
}) {
  const { t, i18n } = useTranslation();
  const exists = (key: string) => i18n.exists(key);
  const who = entry.actor ? userLabel(entry.actor) : channelLabel(entry.channel, t);
  // A built-in identity type is logged with the label Kith gave it, in English: named in the reader's language.
  const identityLabel = (label: string | null | undefined) =>
    identityTypeLabel({ key: entry.entity_id, label: label ?? null }, t);
  const name =
    entry.entity_type === 'identity_type'
      ? identityLabel(entry.entity_name)
      : (entry.entity_name ?? streamedExportName(entry, t) ?? entry.entity_id);
  const link =
    entry.entity_type === 'contact'
      ? `/customers/${entry.entity_id}`
      : entry.entity_type === 'tag' &&
          entry.entity_name &&
          entry.action !== 'deleted' &&
          entry.action !== 'merged'
        ? `/customers?tag=${encodeURIComponent(entry.entity_name)}`
        : entry.entity_type === 'automation_rule' && entry.action !== 'deleted'
          ? `/automation/rules/${entry.entity_id}`
          : null;
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{formatDateTime(entry.created_at)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{who}</Text>
        {entry.actor && (
          <Text size="xs" c="dimmed">
            {channelLabel(entry.channel, t)}
          </Text>
        )}
      </Table.Td>
      <Table.Td className="kith-audit-subject">
        <Group gap={6} wrap="nowrap" align="baseline">
          <Badge variant="default" tt="none" style={{ flexShrink: 0 }}>
            {label(`settings.audit.types.${entry.entity_type}`, entry.entity_type)}
          </Badge>
          <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
            {link ? (
              <Anchor component={Link} to={link} size="sm" fw={500}>
                {name}
              </Anchor>
            ) : (
              name
            )}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {label(`settings.audit.actions.${entry.action}`, entry.action)}
        </Text>
      </Table.Td>
      <Table.Td>
        {entry.changes.length === 0 ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <ul className="kith-changes">
            {changesOf(entry, t).map((change, index) => {
              const shownOf = (value: unknown) =>
                typeof value === 'string' && /^ct_[0-9a-z]+$/.test(value) ? (
                  <Anchor component={Link} to={`/customers/${value}`} size="sm">
                    {t('settings.audit.aCustomer')}
                  </Anchor>
                ) : entry.entity_type === 'contact' ? (
                  // A customer's change reads as in their change history.
                  customerChange.valueText(change.field, value)
                ) : entry.entity_type === 'identity_type' &&
                  change.field === 'label' &&
                  typeof value === 'string' ? (
                  identityLabel(value)
                ) : (
                  shown(entry.entity_type, change.field, value, t, exists, people)
                );
              return (
                <li key={`${change.field}-${index}`}>
                  <Text size="sm" span fw={500}>
                    {entry.entity_type === 'contact'
                      ? customerChange.fieldName(change.field)
                      : label(
                          `settings.audit.fields.${change.field}`,
                          label(`fields.${change.field}`, change.field),
                        )}
                  </Text>
                  <Text size="sm" span>
                    {t('settings.audit.fieldSep')}
                    {change.old === '***' && change.new === '***' ? (
                      t('settings.audit.secretChanged')
                    ) : (
                      <>
                        {change.old !== null && change.old !== undefined && (
                          <>
                            <span className="kith-old">{shownOf(change.old)}</span>
                            {' → '}
                          </>
                        )}
                        {shownOf(change.new)}
                      </>
                    )}
                  </Text>
                </li>
              );
            })}
          </ul>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', zh: '中文' };

/** The parts of an automation rule a reader follows, in the builder's order. */
const RULE_PARTS = ['name', 'event', 'active', 'once_per_conversation', 'conditions', 'actions'] as const;

/**
 * An entry's changes as a reader follows them: a rule is logged whole (field `rule`, before and after),
 * so it is shown part by part — every part when created, the changed ones when edited, its name when
 * deleted.
 */
function changesOf(entry: Entry, t: TFunction): Entry['changes'] {
  if (entry.entity_type === 'tag' && entry.action === 'merged') return tagMergeChanges(entry, t);
  if (entry.entity_type !== 'automation_rule') return entry.changes;
  return entry.changes.flatMap((change) => {
    if (change.field !== 'rule') return [change];
    const before = (change.old ?? null) as Record<string, unknown> | null;
    const after = (change.new ?? null) as Record<string, unknown> | null;
    const parts = after === null ? (['name'] as const) : RULE_PARTS;
    return parts
      .filter((part) => !before || !after || JSON.stringify(before[part]) !== JSON.stringify(after[part]))
      .map((part) => ({ field: part, old: before?.[part] ?? null, new: after?.[part] ?? null }));
  });
}

/**
 * A tag merge as a merge: the tag it joined by name ("Merged into: VIP") and the customers moved, not
 * the tag's own name (the entry's subject). Entries from before `merged_into_name` was recorded carry
 * the joined tag's name as the new `name`; without either, the id is no help to a reader.
 */
function tagMergeChanges(entry: Entry, t: TFunction): Entry['changes'] {
  const value = (field: string) => entry.changes.find((c) => c.field === field);
  const into = value('merged_into_name')?.new ?? value('name')?.new;
  const moved = value('contacts')?.old;
  return [
    {
      field: 'merged_into',
      old: null,
      new: typeof into === 'string' && into ? into : t('settings.audit.anotherTag'),
    },
    ...(typeof moved === 'number' ? [{ field: 'contacts', old: null, new: formatNumber(moved) }] : []),
  ];
}

/**
 * A value as a reader wants it: roles, languages, attribute types and webhook events named in the
 * reader's language, lists joined, yes/no, secrets hidden, a dash for nothing.
 */
function shown(
  entityType: string,
  field: string,
  value: unknown,
  t: TFunction,
  exists: (key: string) => boolean,
  people: (id: string) => string | null,
): string {
  if (entityType === 'export' && field === 'columns' && (value === null || value === undefined))
    return t('settings.audit.exportAll');
  if (value === null || value === undefined || value === '') return '—';
  const named = (key: string, raw: unknown) => (exists(key) ? t(key) : String(raw));
  if (entityType === 'automation_rule' && field === 'conditions') return conditionsText(value, t) || '—';
  if (entityType === 'automation_rule' && field === 'actions') return actionsText(value, t) || '—';
  if (entityType === 'automation_rule' && field === 'event' && typeof value === 'string')
    return named(`automation.events.${value}`, value);
  if (field === 'role' && (value === 'admin' || value === 'agent')) return t(`roles.${value}`);
  if (typeof value === 'string' && value.startsWith('usr_')) return people(value) ?? value;
  if (entityType === 'sync_connection' && field === 'direction' && typeof value === 'string')
    return named(`sync.directions.${value}`, value);
  if (entityType === 'sync_connection' && field === 'conflict_policy' && typeof value === 'string')
    return named(`sync.policies.${value}`, value);
  if (field === 'availability' && typeof value === 'string')
    return named(`conversations.availability.${value}`, value);
  if (entityType === 'export' && field === 'kind' && typeof value === 'string')
    return named(`exports.page.kinds.${value}`, value);
  if (entityType === 'export' && field === 'state' && typeof value === 'string')
    return named(`exports.page.states.${value}`, value);
  if (entityType === 'export' && field === 'format' && typeof value === 'string')
    return named(`exports.formats.${value}`, value);
  if (entityType === 'export' && field === 'filters' && typeof value === 'object' && !Array.isArray(value))
    return exportFiltersText(value as Record<string, unknown>, t);
  if (field === 'language' && typeof value === 'string') return LANGUAGE_NAMES[value] ?? value;
  if (field === 'type' && typeof value === 'string')
    return named(`settings.attributes.types.${value}`, value);
  if (field === 'events' && Array.isArray(value))
    return formatList(
      value.map((event) => named(`settings.webhooks.events.${String(event).replace('.', '_')}`, event)),
      'values',
    );
  if (value === '***') return t('settings.audit.hidden');
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (Array.isArray(value)) return value.length ? formatList(value.map(String), 'values') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A streamed export (downloaded directly: no file is kept, so the server has no name for it) by what
 * it exported and in what format, "Customers · XLSX", instead of its id; a background export is named
 * by its file.
 */
function streamedExportName(entry: Entry, t: TFunction): string | null {
  if (entry.entity_type !== 'export') return null;
  const value = (field: string) => entry.changes.find((c) => c.field === field)?.new;
  const kind = value('kind');
  const format = value('format');
  if (typeof kind !== 'string' || typeof format !== 'string') return null;
  return `${t(`exports.page.kinds.${kind}`, { defaultValue: kind })} · ${format.toUpperCase()}`;
}

/** An export's filters as the export dialog and the Exports page name them (`Tag: vip, Search: li`), or "all". */
function exportFiltersText(filters: Record<string, unknown>, t: TFunction): string {
  const parts = filterLabels(filtersKind(filters), filters, t, {
    formatDate: (day) => formatDate(day),
    formatNumber: (n) => formatNumber(n),
  });
  return parts.length > 0 ? parts.join(t('common.valueSeparator')) : t('settings.audit.exportAll');
}
