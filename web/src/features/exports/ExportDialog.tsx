/**
 * The customers list's "Export": format, columns (the ones shown, or all of them) and what is exported
 * — the selected rows when there is a selection, else this view's filters, summarised. A selection, or
 * a view of at most DIRECT_LIMIT customers, downloads at once through GET /api/contacts/export (a real
 * link: the browser streams it to disk, nothing is kept on the server). Anything larger is prepared in
 * the background (POST /api/exports): a download that long would break off when the tab is closed or
 * the connection drops, while a job survives both, shows its progress here and under /exports, and
 * mails the requester the link.
 */
import { Alert, Anchor, Button, Group, Modal, Progress, Radio, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { formatNumber } from '../../i18n';
import { failureText } from '../../ui/server-reasons';
import { notify, notifyRefused } from '../settings/notify';
import type { ListParams } from '../customers/customer-list-params';
import { filterLabels } from './filter-labels';
import { useFilterNames } from './use-filter-names';

const FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'xml'] as const;
/** What a CSV or XLSX header calls the columns: the page's language, the other, or the field keys. */
const COLUMN_NAMINGS = ['en', 'zh', 'keys'] as const;
type ColumnNaming = (typeof COLUMN_NAMINGS)[number];
const HEADED_FORMATS = new Set(['csv', 'xlsx']);

/** The reader's time zone: the times of a file written for people are in it. */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
/** The list counts exactly up to this many; past it (or above it) the export runs as a job. */
export const DIRECT_LIMIT = 10_000;

type ExportJob = Schemas['ExportJob'];

export interface ExportDialogProps {
  list: ListParams;
  /** Ids of the selected rows (empty: no selection). */
  selectedIds: string[];
  /** Every customer matching the filters is selected. */
  allMatching: boolean;
  /** The list's count, and whether it is only a lower bound. */
  total: number | null;
  totalIsLowerBound: boolean;
  /** Column ids shown in the list (export column names). */
  shownColumns: string[];
  onClose: () => void;
}

/** The header's naming and the times' zone a request sends: none for keys or a format without a header. */
export function namingParams(
  format: string,
  naming: ColumnNaming,
  timeZone: string,
): { column_names: 'en' | 'zh'; time_zone: string } | Record<string, never> {
  return HEADED_FORMATS.has(format) && naming !== 'keys' ? { column_names: naming, time_zone: timeZone } : {};
}

/** The query string of GET /api/contacts/export for these choices. */
export function directExportUrl(
  format: string,
  columns: string[] | null,
  list: ListParams,
  ids: string[],
  naming: Record<string, string> = {},
): string {
  const query = new URLSearchParams({ format });
  if (columns) query.set('columns', columns.join(','));
  for (const [key, value] of Object.entries(naming)) query.set(key, value);
  if (ids.length > 0) query.set('ids', ids.join(','));
  else {
    for (const [key, value] of Object.entries(list.filters)) query.set(key, value);
    for (const [key, value] of Object.entries(list.attributes)) query.set(`attr.${key}`, value);
  }
  return `/api/contacts/export?${query.toString()}`;
}

export function ExportDialog(props: ExportDialogProps) {
  const { t, i18n } = useTranslation();
  const { list, selectedIds, allMatching, total, totalIsLowerBound, shownColumns, onClose } = props;
  const [format, setFormat] = useState<string>('csv');
  // A file for people is headed in the reader's language; keys are for other tools and the API.
  const [naming, setNaming] = useState<ColumnNaming>(i18n.language === 'zh' ? 'zh' : 'en');
  const timeZone = browserTimeZone();
  const headerNaming = namingParams(format, naming, timeZone);
  const [columnChoice, setColumnChoice] = useState<'current' | 'all'>('current');
  const ids = allMatching ? [] : selectedIds;
  const count = ids.length > 0 ? ids.length : total;
  const large = ids.length === 0 && (totalIsLowerBound || (count ?? 0) > DIRECT_LIMIT);
  const [how, setHow] = useState<'direct' | 'background'>(large ? 'background' : 'direct');
  const [job, setJob] = useState<ExportJob | null>(null);
  // Kith's id and name always lead: a file without them cannot be matched back to the customers.
  const columns = columnChoice === 'all' ? null : ['id', 'name', ...shownColumns];
  const filterEntries = Object.entries(list.filters);
  const attributeEntries = Object.entries(list.attributes);
  const filterNames = useFilterNames();
  const filterLines = filterLabels(
    'contacts',
    { ...list.filters, ...(attributeEntries.length > 0 ? { attributes: list.attributes } : {}) },
    t,
    filterNames,
  );
  const queryClient = useQueryClient();
  const exportsList = useQuery({
    queryKey: ['exports'],
    queryFn: () => unwrap(api.GET('/api/exports')),
  });
  const days = exportsList.data?.retention_days ?? 7;

  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/exports', {
          body: {
            kind: 'contacts',
            format,
            columns,
            ...headerNaming,
            filters:
              ids.length > 0
                ? { ids }
                : {
                    ...list.filters,
                    ...(attributeEntries.length > 0 ? { attributes: list.attributes } : {}),
                  },
          },
        }),
      ),
    onSuccess: (started) => {
      setJob(started);
      void queryClient.invalidateQueries({ queryKey: ['exports'] });
      notify({ color: 'blue', message: t('exports.started') });
    },
    onError: (error) => notifyRefused(error),
  });
  const followed = useQuery({
    queryKey: ['export', job?.id],
    enabled: !!job,
    queryFn: () => unwrap(api.GET('/api/exports/{id}', { params: { path: { id: job!.id } } })),
    refetchInterval: (query) =>
      ['queued', 'running'].includes(query.state.data?.state ?? 'queued') ? 1000 : false,
  });
  const current = followed.data ?? job;
  const doneFile = current?.state === 'done' ? current.file_name : null;
  useEffect(() => {
    if (!doneFile) return;
    notify({ color: 'green', message: t('exports.readyNotice', { file: doneFile }) });
    // The Exports page must not show the list as it was before this export.
    void queryClient.invalidateQueries({ queryKey: ['exports'] });
  }, [doneFile, t, queryClient]);
  // A failure is told as loudly as a success: the dialog may be behind other work by then.
  const failedWith = current?.state === 'failed' ? (current.error ?? '') : null;
  useEffect(() => {
    if (failedWith === null) return;
    notify({
      color: 'red',
      title: t('exports.failedTitle'),
      message: failedWith || t('exports.failedUnknown'),
    });
    void queryClient.invalidateQueries({ queryKey: ['exports'] });
  }, [failedWith, t, queryClient]);

  const what =
    ids.length > 0
      ? t('exports.selected', { count: ids.length })
      : filterEntries.length === 0 && attributeEntries.length === 0
        ? t('exports.everyone', { formatted: formatNumber(total ?? 0) })
        : totalIsLowerBound
          ? t('exports.matchingMore', { formatted: formatNumber(total ?? 0) })
          : t('exports.matching', { formatted: formatNumber(total ?? 0) });

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={t('exports.dialogTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack gap="md">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('exports.what')}
          </Text>
          <Text size="sm" data-testid="export-what">
            {what}
          </Text>
          {ids.length === 0 && (
            <Stack gap={2} aria-label={t('exports.filtersSummary')} role="group">
              {filterLines.length === 0 ? (
                <Text size="xs" c="dimmed">
                  {t('exports.noFilters')}
                </Text>
              ) : (
                filterLines.map((line) => (
                  <Text size="xs" c="dimmed" key={line}>
                    {line}
                  </Text>
                ))
              )}
            </Stack>
          )}
        </Stack>
        <Group grow align="flex-start">
          <Select
            label={t('exports.format')}
            data={FORMATS.map((f) => ({ value: f, label: t(`exports.formats.${f}`) }))}
            value={format}
            onChange={(value) => setFormat(value ?? 'csv')}
            allowDeselect={false}
            disabled={!!job}
            data-autofocus
          />
          {HEADED_FORMATS.has(format) && (
            <Select
              label={t('exports.columnNames')}
              data={COLUMN_NAMINGS.map((n) => ({ value: n, label: t(`exports.columnNaming.${n}`) }))}
              value={naming}
              onChange={(value) => setNaming((value as ColumnNaming | null) ?? naming)}
              allowDeselect={false}
              disabled={!!job}
              // The hint under the field, so that both fields of the row line up.
              inputWrapperOrder={['label', 'input', 'description']}
              description={
                naming === 'keys'
                  ? t('exports.columnNamingKeysHint')
                  : t('exports.columnNamingHint', { zone: timeZone })
              }
            />
          )}
        </Group>
        <Radio.Group
          label={t('exports.columns')}
          value={columnChoice}
          onChange={(value) => setColumnChoice(value as 'current' | 'all')}
        >
          <Stack gap={6} mt={4}>
            <Radio
              value="current"
              label={t('exports.columnsCurrent', { count: shownColumns.length + 1 })}
              disabled={!!job}
            />
            <Radio value="all" label={t('exports.columnsAll')} disabled={!!job} />
          </Stack>
        </Radio.Group>
        <Radio.Group
          label={t('exports.how')}
          value={how}
          onChange={(value) => setHow(value as 'direct' | 'background')}
        >
          <Stack gap={6} mt={4}>
            <Radio
              value="direct"
              label={t('exports.howDirect')}
              description={t('exports.howDirectHint')}
              disabled={large || !!job}
            />
            <Radio
              value="background"
              label={t('exports.howBackground')}
              description={t('exports.howBackgroundHint', { days })}
              disabled={!!job}
            />
          </Stack>
        </Radio.Group>
        {large && (
          <Text size="xs" c="dimmed">
            {t('exports.largeHint', { formatted: formatNumber(DIRECT_LIMIT) })}
          </Text>
        )}
        {current && <JobProgress job={current} total={count} />}
        <Group justify="space-between" mt="xs">
          <Anchor component={Link} to="/exports" size="sm">
            {t('exports.allExports')}
          </Anchor>
          <Group gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.close')}
            </Button>
            {how === 'direct' ? (
              <Button
                component="a"
                href={directExportUrl(format, columns, list, ids, headerNaming)}
                download
                onClick={() => setTimeout(onClose, 0)}
              >
                {t('exports.download')}
              </Button>
            ) : current?.state === 'done' && current.download_url ? (
              <Button component="a" href={current.download_url} download>
                {t('exports.download')}
              </Button>
            ) : (
              <Button
                onClick={() => start.mutate()}
                loading={start.isPending || (!!current && ['queued', 'running'].includes(current.state))}
                disabled={!!current && current.state !== 'failed'}
              >
                {t('exports.start')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}

function JobProgress({ job, total }: { job: ExportJob; total: number | null }) {
  const { t } = useTranslation();
  if (job.state === 'failed')
    return (
      <Alert color="red" role="alert">
        {t('exports.failed', { error: job.error ? failureText(job.error, t) : t('exports.failedUnknown') })}
      </Alert>
    );
  if (job.state === 'done')
    return (
      <Alert color="green" role="status">
        {t('exports.ready', { rows: formatNumber(job.rows) })}
      </Alert>
    );
  const known = total !== null && total > 0;
  return (
    <Stack gap={4} role="status" aria-live="polite">
      <Progress
        value={known ? Math.min(100, (job.rows / total) * 100) : 100}
        animated
        striped={!known}
        aria-label={t('exports.progress', { rows: formatNumber(job.rows) })}
      />
      <Text size="xs" c="dimmed">
        {known
          ? t('exports.progressOf', { rows: formatNumber(job.rows), total: formatNumber(total) })
          : t('exports.progress', { rows: formatNumber(job.rows) })}
      </Text>
    </Stack>
  );
}
