/**
 * The customers list. Everything that matters lives in the URL (`/customers?q=&tag=&group=&sort=…`):
 * search, filters, sort and page survive a reload and can be shared. Rows are links; ↑ ↓ move between
 * rows and Enter opens one; `/` focuses the search. Selected rows, or every customer matching the
 * filter, can be tagged, grouped or (admins) deleted.
 */
import {
  Anchor,
  Button,
  Checkbox,
  Group,
  Paper,
  Pill,
  Select,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback, useHotkeys } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatList, formatNumber } from '../../i18n';
import { joinSentences } from '../../i18n/sentences';
import { PageHeader } from '../../ui/PageHeader';
import { useRowKeys } from '../../ui/row-keys';
import { EmptyState, ErrorState, errorMessage, LoadingRows } from '../../ui/states';
import { IgnoredFiltersNotice } from '../../ui/IgnoredFiltersNotice';
import { ExportDialog } from '../exports/ExportDialog';
import { BulkActions, type Selection } from './BulkActions';
import type { SelectionSize } from './bulk-limit';
import { ColumnChooser } from './ColumnChooser';
import { customerColumns, loadColumnChoice, saveColumnChoice } from './customer-columns';
import { displayName } from './customer-format';
import {
  type IgnoredFilter,
  isFiltered,
  listParamsOf,
  namesDefinitions,
  nextSort,
  refusedFilterOf,
  selectionFilter,
  type SortColumn,
  withoutIgnored,
  withoutIgnoredFilters,
} from './customer-list-params';
import { refusalText } from './customer-filter-values';
import {
  contactsPageQuery,
  groupsQuery,
  tagsQuery,
  useAttributeDefinitions,
  useIdentityTypes,
} from './customer-queries';
import { MoreFilters } from './MoreFilters';
import { TableScroll } from '../../ui/TableScroll';

/** The tag and group lists: as wide as their longest name up to 320 px, not only the box's 150–180. */
const WIDE_OPTIONS = { width: 'max-content', styles: { dropdown: { maxWidth: 320 } } } as const;

export default function CustomersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data: user } = useSession();
  const [params, setParams] = useSearchParams();
  const asked = useMemo(() => listParamsOf(params), [params]);
  const [search, setSearch] = useState(asked.filters.q ?? '');
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  const [chosenColumns, setChosenColumns] = useState(loadColumnChoice);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [exporting, setExporting] = useState(false);

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

  const tags = useQuery(tagsQuery);
  const groups = useQuery(groupsQuery);
  // A filter naming a tag, group or attribute that does not exist, or holding a value the server cannot
  // filter by, is left out and said (withoutIgnoredFilters); the list waits for what the URL names to be
  // known, so it never shows the unfiltered page first.
  const { list, ignored } = useMemo(
    () =>
      withoutIgnoredFilters(asked, {
        tags: tags.data?.data.map((tag) => tag.name),
        groups: groups.data?.data,
        attributes: attributes.data?.data.map((definition) => definition.key),
        definitions: attributes.data?.data,
      }),
    [asked, tags.data, groups.data, attributes.data],
  );
  const names = namesDefinitions(asked);
  const namesKnown =
    !(names.tags && tags.isPending) &&
    !(names.groups && groups.isPending) &&
    !(names.attributes && attributes.isPending);
  const contacts = useQuery({
    ...contactsPageQuery(list),
    placeholderData: keepPreviousData,
    enabled: namesKnown,
  });
  const filtered = isFiltered(list);
  // A filter the server refused all the same (a definition changed meanwhile): said in the user's words.
  const refused =
    contacts.error instanceof ApiError && contacts.error.status === 400
      ? refusedFilterOf(list, contacts.error.fieldErrors)
      : null;

  // A new filter is a new selection.
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [params]);

  const columns = customerColumns(t, identityTypes.data?.data ?? [], attributes.data?.data ?? []);
  const shown = columns.filter((column) => chosenColumns.includes(column.id));
  const rows = contacts.data?.data ?? [];
  const pageIds = rows.map((row) => row.id);
  const pageSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const total = contacts.data?.total ?? null;
  const totalText =
    total === null
      ? ''
      : contacts.data?.total_is_lower_bound
        ? t('customers.totalMore', { formatted: formatNumber(total) })
        : t('customers.total', { count: total, formatted: formatNumber(total) });
  const selection: Selection = allMatching ? { filter: selectionFilter(list) } : { ids: [...selected] };
  // Every customer matching: counted by the server, exactly up to the most one action may cover (the
  // list's total is only a lower bound past 1,000 for a search), so a selection is never shown as fewer
  // than it is and one too large for an action is known before it is confirmed.
  const selectionCounted = useQuery({
    queryKey: ['contacts', 'count', 'filter' in selection ? selection.filter : null],
    queryFn: () =>
      unwrap(api.POST('/api/contacts/count', { body: { filter: selectionFilter(list) as never } })),
    enabled: allMatching,
  });
  const selectionSize: SelectionSize | null = !allMatching
    ? { count: selected.size, countIsLowerBound: false, limit: null }
    : selectionCounted.data
      ? {
          count: selectionCounted.data.count,
          countIsLowerBound: selectionCounted.data.count_is_lower_bound,
          limit: selectionCounted.data.limit,
        }
      : null;
  const selectionCount = allMatching ? (total ?? 0) : selected.size;
  const selectionText =
    selectionSize === null
      ? selectionCounted.isError
        ? errorMessage(selectionCounted.error, t)
        : t('customers.counting')
      : selectionSize.countIsLowerBound
        ? t('customers.selectedMore', { formatted: formatNumber(selectionSize.count) })
        : t('customers.selected', {
            count: selectionSize.count,
            formatted: formatNumber(selectionSize.count),
          });

  const sortHeader = (column: SortColumn, label: string, key?: string) => {
    const direction = list.sort === column ? 'ascending' : list.sort === `-${column}` ? 'descending' : 'none';
    return (
      <Table.Th key={key} aria-sort={direction}>
        <UnstyledButton
          onClick={() => update({ sort: nextSort(list.sort, column) ?? '' })}
          fw={600}
          fz="sm"
          aria-label={t('customers.sortBy', { column: label })}
        >
          {label} {direction === 'ascending' ? '↑' : direction === 'descending' ? '↓' : ''}
        </UnstyledButton>
      </Table.Th>
    );
  };

  const rowKeys = useRowKeys({
    count: rows.length,
    open: (index) => void navigate(`/customers/${rows[index]!.id}`),
    above: searchRef,
    resetOn: params,
  });

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        description={totalText}
        actions={
          <>
            {isAdmin(user) && (
              <Button variant="subtle" component={Link} to="/customers/deletions">
                {t('customers.deletions.link')}
              </Button>
            )}
            {isAdmin(user) && (
              <Button variant="default" onClick={() => setExporting(true)}>
                {t('exports.export')}
              </Button>
            )}
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
      {exporting && (
        <ExportDialog
          list={list}
          selectedIds={[...selected]}
          allMatching={allMatching}
          total={total}
          totalIsLowerBound={contacts.data?.total_is_lower_bound ?? false}
          shownColumns={shown.map((column) => column.id)}
          onClose={() => setExporting(false)}
        />
      )}
      {/* The column chooser keeps its place at the right; should the filters not fit, they wrap. */}
      <Group gap="sm" mb="sm" align="flex-end" justify="space-between" wrap="nowrap">
        {/* The filters take the room left beside the chooser (flex 1 from nothing) and wrap in it: sized by
            their content, they squeezed the chooser's button past its edge ("显示列" cut at 1024 px). */}
        <Group gap="sm" align="flex-end" flex={1} miw={0}>
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
              if (event.key === 'ArrowDown' && rows.length) {
                event.preventDefault();
                // Rows of a search still being typed are about to change: search first.
                if (search.trim() !== (list.filters.q ?? '')) update({ q: search.trim() });
                else rowKeys.focusRow(0);
              }
            }}
            // Narrower below 1200 px, and beside an import's filter, so the filters stay on one line.
            w={{ base: 220, lg: list.filters.import ? 240 : 320 }}
            type="search"
          />
          <Select
            label={t('customers.tag')}
            placeholder={t('customers.any')}
            clearable
            searchable
            data={(tags.data?.data ?? []).map((item) => ({ value: item.name, label: item.name }))}
            value={list.filters.tag ?? null}
            onChange={(value) => update({ tag: value ?? '' })}
            w={{ base: 150, lg: 180 }}
            // A long name is cut short in the box: the whole of it on hover, and in a wider list.
            title={list.filters.tag}
            comboboxProps={WIDE_OPTIONS}
          />
          <Select
            label={t('customers.group')}
            placeholder={t('customers.any')}
            clearable
            searchable
            data={(groups.data?.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
            value={list.filters.group ?? null}
            onChange={(value) => update({ group: value ?? '' })}
            w={{ base: 150, lg: 180 }}
            title={groups.data?.data.find((item) => item.id === list.filters.group)?.name}
            comboboxProps={WIDE_OPTIONS}
          />
          <MoreFilters list={list} attributes={attributes.data?.data ?? []} onApply={update} />
          {list.filters.import && (
            <Pill
              size="lg"
              withRemoveButton
              onRemove={() => update({ import: '' })}
              removeButtonProps={{ 'aria-label': t('imports.customersFilter.remove') }}
              mb={4}
              // A long file name is cut short (its whole name in the tooltip), so the filters keep one line.
              maw={{ base: 200, lg: 240 }}
            >
              <ImportFilterLink id={list.filters.import} />
            </Pill>
          )}
          {(filtered || ignored.length > 0) && (
            <Button
              variant="subtle"
              onClick={() => {
                setSearch('');
                const next = new URLSearchParams();
                if (list.sort) next.set('sort', list.sort);
                setParams(next);
              }}
            >
              {t('customers.clearFilters')}
            </Button>
          )}
        </Group>
        <ColumnChooser
          columns={columns}
          chosen={chosenColumns}
          onChange={(next) => {
            setChosenColumns(next);
            saveColumnChoice(next);
          }}
        />
      </Group>
      {ignored.length > 0 && (
        <IgnoredFiltersNotice
          title={t('customers.ignored.title')}
          description={ignoredDescription(ignored, t)}
          removeLabel={t('customers.ignored.remove')}
          onRemove={() => setParams(withoutIgnored(params, ignored), { replace: true })}
        />
      )}
      {selectionCount > 0 && (
        <Paper withBorder p="xs" mb="sm" bg="indigo.0">
          <Group justify="space-between">
            <Group gap="sm">
              <Text size="sm" fw={500}>
                {selectionText}
              </Text>
              {!allMatching && pageSelected && total !== null && total > selected.size && (
                <Anchor component="button" size="sm" onClick={() => setAllMatching(true)}>
                  {contacts.data?.total_is_lower_bound
                    ? t('customers.selectAllMore', { formatted: formatNumber(total) })
                    : t('customers.selectAll', { count: total, formatted: formatNumber(total) })}
                </Anchor>
              )}
              <Anchor
                component="button"
                size="sm"
                onClick={() => {
                  setSelected(new Set());
                  setAllMatching(false);
                }}
              >
                {t('customers.clearSelection')}
              </Anchor>
            </Group>
            <BulkActions
              selection={selection}
              size={selectionSize}
              sizeError={selectionCounted.error}
              isAdmin={isAdmin(user)}
              onDone={() => {
                setSelected(new Set());
                setAllMatching(false);
              }}
            />
          </Group>
        </Paper>
      )}
      <Paper withBorder>
        {contacts.isPending ? (
          <LoadingRows />
        ) : refused ? (
          <IgnoredFiltersNotice
            title={t('customers.ignored.serverTitle')}
            description={ignoredText(refused, t)}
            removeLabel={t('customers.ignored.serverRemove')}
            onRemove={() => setParams(withoutIgnored(params, [refused]), { replace: true })}
          />
        ) : contacts.isError ? (
          <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />
        ) : rows.length === 0 ? (
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
          <TableScroll minWidth={800} label={t('customers.title')}>
            <Table className="kith-sticky-head" highlightOnHover aria-label={t('customers.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <Checkbox
                      aria-label={t('customers.selectPage')}
                      checked={pageSelected || allMatching}
                      indeterminate={!pageSelected && pageIds.some((id) => selected.has(id))}
                      onChange={(event) => {
                        const next = new Set(selected);
                        for (const id of pageIds) {
                          if (event.currentTarget.checked) next.add(id);
                          else next.delete(id);
                        }
                        setSelected(next);
                        setAllMatching(false);
                      }}
                    />
                  </Table.Th>
                  {sortHeader('name', t('fields.name'))}
                  {shown.map((column) =>
                    column.sort ? (
                      sortHeader(column.sort as SortColumn, column.label, column.id)
                    ) : (
                      <Table.Th key={column.id}>{column.label}</Table.Th>
                    ),
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody {...rowKeys.bodyProps}>
                {rows.map((contact, index) => (
                  <Table.Tr key={contact.id} {...rowKeys.rowProps(index)}>
                    <Table.Td>
                      <Checkbox
                        aria-label={t('customers.selectRow', { name: displayName(contact) })}
                        checked={allMatching || selected.has(contact.id)}
                        onChange={(event) => {
                          const next = new Set(selected);
                          if (event.currentTarget.checked) next.add(contact.id);
                          else next.delete(contact.id);
                          setSelected(next);
                          setAllMatching(false);
                        }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/customers/${contact.id}`}
                        size="sm"
                        fw={500}
                        tabIndex={-1}
                      >
                        {displayName(contact)}
                      </Anchor>
                    </Table.Td>
                    {shown.map((column) => (
                      <Table.Td key={column.id}>{column.render(contact)}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </Paper>
      <Group justify="flex-end" mt="sm" gap="sm">
        {list.cursor && (
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

/**
 * An ignored filter as the notice names it: `tag “nope”`, `attribute “foo” = “bar”`, and one whose value
 * was refused with the reason: `vip = maybe: not yes or no`, `Created from = yesterday: not a date …`.
 */
function ignoredText(item: IgnoredFilter, t: TFunction): string {
  if ('refusal' in item && item.refusal) {
    const name =
      item.param === 'attr'
        ? item.key
        : item.param.startsWith('created') || item.param.startsWith('updated')
          ? t(`customers.filters.${item.param}`)
          : t(`orders.facts.${item.param}`);
    const reason = refusalText(item.refusal, t, (items) => formatList(items, 'or'));
    return t('customers.ignored.refused', { name, value: item.value, reason });
  }
  return item.param === 'attr'
    ? t('customers.ignored.attribute', { key: item.key, value: item.value })
    : t(`customers.ignored.${item.param as 'tag' | 'group'}`, { value: item.value });
}

/** The notice's words: the filters naming nothing, then those holding a value the list cannot use. */
function ignoredDescription(ignored: readonly IgnoredFilter[], t: TFunction): string {
  const refused = ignored.filter((item) => 'refusal' in item && item.refusal);
  const unknown = ignored.filter((item) => !refused.includes(item));
  const say = (items: IgnoredFilter[]) =>
    formatList(
      items.map((item) => ignoredText(item, t)),
      'values',
    );
  return joinSentences(
    [
      unknown.length > 0 ? t('customers.ignored.body', { list: say(unknown) }) : '',
      refused.length > 0 ? t('customers.ignored.bodyValues', { list: say(refused) }) : '',
    ],
    t,
  );
}

/**
 * The import filter's chip: the import's file name, linking to it, for administrators (who may read
 * imports); "From an import" for agents, while the name is read, and for an import since deleted —
 * never its id.
 */
function ImportFilterLink({ id }: { id: string }) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const admin = isAdmin(user);
  // The same query as the timeline's import entries (CustomerTimeline's ImportName).
  const imported = useQuery({
    queryKey: ['import', id],
    queryFn: () => unwrap(api.GET('/api/imports/{id}', { params: { path: { id } } })),
    enabled: admin,
    retry: false,
    staleTime: 300_000,
  });
  const name = imported.data?.file_name;
  const label = name ? t('imports.customersFilter.label', { name }) : t('imports.customersFilter.unnamed');
  // Imports are an administrator's: an agent is not led to a page the server refuses them.
  return admin && !imported.isError ? (
    <Link to={`/imports/${id}`} title={label}>
      {label}
    </Link>
  ) : (
    <>{label}</>
  );
}
