/**
 * /exports: the background exports this user asked for (an administrator: everyone's), newest first,
 * with their state, rows, size and — while the file is kept — a download link, and a Delete action
 * (confirmed) that removes the file at once, stopping an export still being written. Refreshes every
 * second while one is still being written.
 */
import { Anchor, Button, Group, Paper, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import i18n, { formatDateTime, formatNumber } from '../../i18n';
import { byteSize } from '../../i18n/locale';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { ConfirmModal } from '../settings/ConfirmModal';
import { notify } from '../settings/notify';
import { StatusLabel } from '../settings/StatusLabel';
import { failureText } from '../../ui/server-reasons';
import { TableScroll } from '../../ui/TableScroll';
import { filterLabels } from './filter-labels';
import { useFilterNames } from './use-filter-names';

type ExportJob = Schemas['ExportJob'];

const STATE_COLORS: Record<ExportJob['state'], string> = {
  queued: 'yellow',
  running: 'blue',
  done: 'green',
  failed: 'red',
  expired: 'gray',
  deleted: 'gray',
};

/** What can still be deleted: a file kept, or one being written (it is stopped). */
const DELETABLE: ReadonlySet<ExportJob['state']> = new Set(['queued', 'running', 'done']);

/** A file's size as every screen says it (`byteSize`: 1024-based, in the page's language); none yet: "". */
export function fileSize(bytes: number | null, language: string = i18n.language): string {
  return bytes === null ? '' : byteSize(bytes, language);
}

export default function ExportsPage() {
  const { t } = useTranslation();
  // Exporting customers is an administrator's (the server refuses agents): agents are led to orders only.
  const admin = isAdmin(useSession().data);
  const filterNames = useFilterNames();
  const client = useQueryClient();
  const [deleting, setDeleting] = useState<ExportJob | null>(null);
  const exportsList = useQuery({
    queryKey: ['exports'],
    queryFn: () => unwrap(api.GET('/api/exports')),
    refetchInterval: (query) =>
      query.state.data?.data.some((e) => ['queued', 'running'].includes(e.state)) ? 1000 : false,
  });
  const actions = (
    <>
      {admin && (
        <Button variant="default" component={Link} to="/customers">
          {t('exports.page.toCustomers')}
        </Button>
      )}
      <Button variant="default" component={Link} to="/orders">
        {t('exports.page.toOrders')}
      </Button>
    </>
  );
  return (
    <>
      <PageHeader
        title={t('exports.page.title')}
        description={t('exports.page.description')}
        actions={actions}
      />
      {exportsList.isPending ? (
        <LoadingRows rows={4} />
      ) : exportsList.isError ? (
        <ErrorState error={exportsList.error} onRetry={() => void exportsList.refetch()} />
      ) : exportsList.data.data.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            title={t('exports.page.emptyTitle')}
            description={t(admin ? 'exports.page.empty' : 'exports.page.emptyAgent')}
            action={<Group gap="sm">{actions}</Group>}
          />
        </Paper>
      ) : (
        <Paper withBorder>
          <TableScroll minWidth={860} label={t('exports.page.title')}>
            <Table
              className="kith-sticky-head"
              aria-label={t('exports.page.title')}
              fz="sm"
              verticalSpacing={6}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('exports.page.file')}</Table.Th>
                  <Table.Th>{t('exports.page.kind')}</Table.Th>
                  <Table.Th>{t('exports.page.state')}</Table.Th>
                  <Table.Th ta="right">{t('exports.page.rows')}</Table.Th>
                  <Table.Th ta="right">{t('exports.page.size')}</Table.Th>
                  <Table.Th>{t('exports.page.created')}</Table.Th>
                  <Table.Th>{t('exports.page.expires')}</Table.Th>
                  {/* Its lines readable when scrolled to: squeezed beside the file names, they broke every few letters. */}
                  <Table.Th miw={180}>{t('exports.page.filters')}</Table.Th>
                  <Table.Th w={90} className="kith-actions-cell">
                    <VisuallyHidden>{t('exports.page.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {exportsList.data.data.map((job) => (
                  <Table.Tr key={job.id} data-testid="export-row">
                    {/* One line: "contacts-2026-" over "12-07.csv" read as two names (the names are short). */}
                    <Table.Td className="kith-mono" style={{ whiteSpace: 'nowrap' }}>
                      {job.state === 'done' && job.download_url ? (
                        <Anchor
                          href={job.download_url}
                          download
                          size="sm"
                          aria-label={t('exports.page.downloadFile', { file: job.file_name })}
                        >
                          {job.file_name}
                        </Anchor>
                      ) : (
                        job.file_name
                      )}
                    </Table.Td>
                    <Table.Td>{t(`exports.page.kinds.${job.kind}`)}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <StatusLabel color={STATE_COLORS[job.state]}>
                          {t(`exports.page.states.${job.state}`)}
                        </StatusLabel>
                      </Group>
                      {job.error && (
                        <Text size="xs" c="red.8">
                          {failureText(job.error, t)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(job.rows)}</Table.Td>
                    {/* "460.5 KB" on one line: a narrow window broke it between number and unit. */}
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }} data-testid="export-size">
                      {fileSize(job.bytes)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(job.created_at)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {/* A deleted export's file was there until it was deleted. */}
                      {job.deleted_at
                        ? formatDateTime(job.deleted_at)
                        : job.expires_at
                          ? formatDateTime(job.expires_at)
                          : ''}
                    </Table.Td>
                    <Table.Td data-testid="export-filters">
                      <FilterList lines={filterLabels(job.kind, job.filters, t, filterNames)} />
                    </Table.Td>
                    <Table.Td className="kith-actions-cell">
                      {DELETABLE.has(job.state) && (
                        <Button
                          variant="subtle"
                          color="red"
                          size="xs"
                          onClick={() => setDeleting(job)}
                          aria-label={t('exports.page.deleteNamed', { file: job.file_name })}
                        >
                          {t('exports.page.delete')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      )}
      {deleting && (
        <ConfirmModal
          title={t('exports.page.deleteTitle', { file: deleting.file_name })}
          confirmLabel={t('exports.page.delete')}
          onClose={() => setDeleting(null)}
          onConfirm={() => unwrap(api.DELETE('/api/exports/{id}', { params: { path: { id: deleting.id } } }))}
          onDone={() => {
            void client.invalidateQueries({ queryKey: ['exports'] });
            notify({
              color: 'green',
              message: t('exports.page.deletedDone', { file: deleting.file_name }),
            });
          }}
        >
          {t(
            ['queued', 'running'].includes(deleting.state)
              ? 'exports.page.deleteBodyRunning'
              : 'exports.page.deleteBody',
            { file: deleting.file_name },
          )}
        </ConfirmModal>
      )}
    </>
  );
}

/** An export's filters, one per line as the list it came from labels them; "everything" when none. */
function FilterList({ lines }: { lines: string[] }) {
  const { t } = useTranslation();
  if (lines.length === 0)
    return (
      <Text size="xs" c="dimmed">
        {t('exports.page.noFilters')}
      </Text>
    );
  return (
    <Stack gap={0}>
      {lines.map((line) => (
        <Text key={line} size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {line}
        </Text>
      ))}
    </Stack>
  );
}
