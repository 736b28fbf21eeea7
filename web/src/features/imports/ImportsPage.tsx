/**
 * `/imports`: every import, newest first (`?before=<id>` pages back): real imports only unless
 * `?checks=1` shows the checks (dry runs) too, marked 预检查 with counts that read as what they would
 * do (将新建); an undone import's counts struck through beside its 已撤销 badge. File, who, when, status,
 * counts, how long its files are kept (or when they were deleted); the original file,
 * the failure file, undo and — for an administrator — deleting its files from each row's menu.
 */
import { Anchor, Button, Group, Menu, Paper, SegmentedControl, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { RequireAdmin } from '../../session/RequireSession';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { FileName } from '../../ui/FileName';
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
  const checks = params.get('checks') === '1';
  const imports = useImports(before, checks);
  /** The history's address: the page, with the checks shown or not. */
  const go = (next: { before?: string; checks: boolean }) => {
    const query = new URLSearchParams();
    if (next.before) query.set('before', next.before);
    if (next.checks) query.set('checks', '1');
    setParams(query);
  };
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
      <Group mb="sm">
        <SegmentedControl
          aria-label={t('imports.history.show')}
          size="xs"
          value={checks ? 'checks' : 'imports'}
          onChange={(value) => go({ checks: value === 'checks' })}
          data={[
            { value: 'imports', label: t('imports.history.importsOnly') },
            { value: 'checks', label: t('imports.history.withChecks') },
          ]}
        />
      </Group>
      <Paper withBorder>
        {imports.isPending ? (
          <LoadingRows />
        ) : imports.isError ? (
          <ErrorState error={imports.error} onRetry={() => void imports.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={before ? t('imports.history.noOlderTitle') : t('imports.history.emptyTitle')}
            description={
              before
                ? undefined
                : checks
                  ? t('imports.history.empty')
                  : t('imports.history.emptyChecksHidden')
            }
            action={
              <Button
                component={Link}
                to={before ? (checks ? '/imports?checks=1' : '/imports') : '/imports/new'}
              >
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
                        <FileName name={record.file_name} />
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
                    <Table.Td ta="right">{formatNumber(record.total_rows ?? record.rows)}</Table.Td>
                    {COUNTS.map((count) => (
                      <CountCell key={count} record={record} count={count} />
                    ))}
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
          <Button variant="default" onClick={() => go({ checks })}>
            {t('common.firstPage')}
          </Button>
        )}
        {rows.length === HISTORY_PAGE && (
          <Button variant="default" onClick={() => go({ before: rows[rows.length - 1]!.id, checks })}>
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

const COUNTS = ['created', 'updated', 'unchanged', 'failed'] as const;

/**
 * One count of a history row. A check's is what it would do ("would create" under the number, quieter);
 * an undone import's is what it did before the undo, struck through beside its 已撤销 badge.
 */
function CountCell({ record, count }: { record: ImportRecord; count: (typeof COUNTS)[number] }) {
  const { t } = useTranslation();
  const n = record[count];
  const undone = !record.dry_run && record.undone_at !== null;
  const quiet = record.dry_run || undone;
  return (
    <Table.Td
      ta="right"
      c={count === 'failed' && n > 0 && !undone ? 'red.9' : quiet ? 'dimmed' : undefined}
      className={undone ? 'kith-undone-count' : undefined}
      data-count={count}
    >
      {formatNumber(n)}
      {record.dry_run && (
        <Text size="xs" c="dimmed">
          {t(`imports.history.would.${count}`)}
        </Text>
      )}
    </Table.Td>
  );
}
