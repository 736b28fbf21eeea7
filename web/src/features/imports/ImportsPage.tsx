/**
 * `/imports`: every import, newest first (`?before=<id>` pages back): file, who, when, status (checks
 * marked 预检查), counts, how long its files are kept (or when they were deleted); the original file,
 * the failure file, undo and — for an administrator — deleting its files from each row's menu.
 */
import { Anchor, Button, Group, Menu, Paper, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { RequireAdmin } from '../../app/RequireSession';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { ReportFileMenuItems } from './RowReport';
import { formatBytes } from './format';
import { HISTORY_PAGE, type ImportRecord, isActive, sourceUrl, useImports, useUsers } from './import-api';
import { ImportStatusBadge } from './ImportStatusBadge';
import { canUndo, UndoImportDialog } from './UndoImportButton';
import {
  canDeleteFiles,
  DeleteImportFilesDialog,
  filesGone,
  ImportFilesLine,
  useFilesText,
  useIsAdmin,
} from './ImportFiles';
import './imports.css';
import { ImportKindLine } from '../orders/ImportKindLine';
import { TableScroll } from '../../ui/TableScroll';

export default function ImportsPage() {
  return (
    <RequireAdmin>
      <div className="kith-imports">
        <ImportHistory />
      </div>
    </RequireAdmin>
  );
}

function ImportHistory() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const before = params.get('before') ?? undefined;
  const imports = useImports(before);
  const users = useUsers();
  const [undoing, setUndoing] = useState<ImportRecord | null>(null);
  const [deletingFiles, setDeletingFiles] = useState<ImportRecord | null>(null);
  const admin = useIsAdmin();
  const filesText = useFilesText();
  const userName = (id: string | null) => {
    const user = users.data?.data.find((u) => u.id === id);
    return user ? user.name || user.email : t('imports.history.system');
  };
  const rows = imports.data?.data ?? [];

  return (
    <>
      <PageHeader
        title={t('imports.title')}
        description={t('imports.history.description')}
        actions={
          <>
            <Button component={Link} to="/imports/orders/new" variant="default">
              {t('orders.import.title')}
            </Button>
            <Button component={Link} to="/imports/new">
              {t('imports.history.new')}
            </Button>
          </>
        }
      />
      <Paper withBorder>
        {imports.isPending ? (
          <LoadingRows />
        ) : imports.isError ? (
          <ErrorState error={imports.error} onRetry={() => void imports.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={before ? t('imports.history.noOlderTitle') : t('imports.history.emptyTitle')}
            description={before ? undefined : t('imports.history.empty')}
            action={
              <Button component={Link} to={before ? '/imports' : '/imports/new'}>
                {before ? t('common.firstPage') : t('imports.history.new')}
              </Button>
            }
          />
        ) : (
          <TableScroll minWidth={760} label={t('imports.history.label')}>
            <Table
              className="kith-sticky-head kith-imports"
              highlightOnHover
              aria-label={t('imports.history.label')}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('imports.history.file')}</Table.Th>
                  <Table.Th>{t('imports.history.when')}</Table.Th>
                  <Table.Th>{t('imports.history.status')}</Table.Th>
                  <Table.Th ta="right">{t('imports.counts.rows')}</Table.Th>
                  <Table.Th ta="right">{t('imports.counts.did.created')}</Table.Th>
                  <Table.Th ta="right">{t('imports.counts.did.updated')}</Table.Th>
                  <Table.Th ta="right">{t('imports.counts.did.unchanged')}</Table.Th>
                  <Table.Th ta="right">{t('imports.counts.did.failed')}</Table.Th>
                  <Table.Th w={56}>
                    <span className="kith-visually-hidden">{t('imports.history.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((record) => (
                  <Table.Tr
                    key={record.id}
                    className="kith-row-link"
                    data-import={record.id}
                    onClick={(event) => {
                      if ((event.target as HTMLElement).closest('a,button,[role="menu"]')) return;
                      void navigate(`/imports/${record.id}`);
                    }}
                  >
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/imports/${record.id}`}
                        size="sm"
                        fw={500}
                        className="kith-file-name"
                      >
                        {record.file_name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {record.format.toUpperCase()} · {formatBytes(record.file_size)}
                      </Text>
                      <ImportKindLine record={record} />
                      <ImportFilesLine record={record} />
                    </Table.Td>
                    {/* When, then who: one column, so the counts fit beside it at 1024 px. */}
                    <Table.Td>
                      <Text size="sm">{formatDateTime(record.created_at)}</Text>
                      <Text size="xs" c="dimmed">
                        {userName(record.created_by)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ImportStatusBadge record={record} />
                    </Table.Td>
                    {/* A check's counts are what would have happened: shown, but quieter. */}
                    <Table.Td ta="right">{formatNumber(record.total_rows ?? record.rows)}</Table.Td>
                    <Table.Td ta="right" c={record.dry_run ? 'dimmed' : undefined}>
                      {formatNumber(record.created)}
                    </Table.Td>
                    <Table.Td ta="right" c={record.dry_run ? 'dimmed' : undefined}>
                      {formatNumber(record.updated)}
                    </Table.Td>
                    <Table.Td ta="right" c={record.dry_run ? 'dimmed' : undefined}>
                      {formatNumber(record.unchanged)}
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      c={record.failed > 0 ? 'red.9' : record.dry_run ? 'dimmed' : undefined}
                    >
                      {formatNumber(record.failed)}
                    </Table.Td>
                    <Table.Td>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <Button
                            variant="subtle"
                            size="compact-sm"
                            aria-label={t('imports.history.actionsFor', { file: record.file_name })}
                          >
                            ···
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item component={Link} to={`/imports/${record.id}`}>
                            {t('imports.history.open')}
                          </Menu.Item>
                          {filesGone(record) ? (
                            // The downloads are gone: said instead of offered.
                            <Menu.Item disabled>{filesText(record)}</Menu.Item>
                          ) : (
                            <Menu.Item component="a" href={sourceUrl(record.id)} download={record.file_name}>
                              {t('imports.detail.original')}
                            </Menu.Item>
                          )}
                          {!isActive(record) && !filesGone(record) && record.failed > 0 && (
                            <ReportFileMenuItems record={record} kind="failures" />
                          )}
                          {!isActive(record) && !filesGone(record) && record.warned > 0 && (
                            <ReportFileMenuItems record={record} kind="warnings" />
                          )}
                          {canUndo(record) && (
                            <Menu.Item color="red" onClick={() => setUndoing(record)}>
                              {t('imports.undo.menu')}
                            </Menu.Item>
                          )}
                          {admin && canDeleteFiles(record) && (
                            <Menu.Item color="red" onClick={() => setDeletingFiles(record)}>
                              {t('imports.files.menu')}
                            </Menu.Item>
                          )}
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </Paper>
      <Group justify="flex-end" mt="sm" gap="sm">
        {before && (
          <Button variant="default" onClick={() => setParams(new URLSearchParams())}>
            {t('common.firstPage')}
          </Button>
        )}
        {rows.length === HISTORY_PAGE && (
          <Button
            variant="default"
            onClick={() => setParams(new URLSearchParams({ before: rows[rows.length - 1]!.id }))}
          >
            {t('common.nextPage')}
          </Button>
        )}
      </Group>
      {undoing && <UndoImportDialog record={undoing} onClose={() => setUndoing(null)} />}
      {deletingFiles && (
        <DeleteImportFilesDialog record={deletingFiles} onClose={() => setDeletingFiles(null)} />
      )}
    </>
  );
}
