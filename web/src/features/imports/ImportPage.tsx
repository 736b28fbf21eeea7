/**
 * `/imports/:id`: one import. While it runs: live progress (rows, rate, time left) that a reload or a
 * server restart does not lose (the import is a durable job; this page only asks how far it is), and
 * cancel. When it ends: the counts, the top failure reasons, the failure file, the imported customers,
 * what it was told (mapping, settings), and undo with its result. How long its files are kept, or when
 * they were deleted (then no download is offered), and — for an administrator — deleting them now.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { RequireAdmin } from '../../session/RequireSession';
import { formatDateTime, formatList, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { ErrorState, isNotFound, LoadingRows, NotFoundState } from '../../ui/states';
import { useContactNames } from '../conversations/contact-names';
import { useCustomerChangeText } from '../customers/customer-change-format';
import { delimiterLabel, encodingLabel } from './read-labels';
import { RowReport } from './RowReport';
import { formatBytes } from './format';
import {
  cancelImport,
  importDryRunForReal,
  importKey,
  type ImportRecord,
  isActive,
  itemFailuresUrl,
  sourceUrl,
  useAttributeDefinitions,
  useIdentityTypes,
  useImport,
  useUsers,
} from './import-api';
import { FileWarnings } from './FileWarnings';
import { ImportCounts } from './ImportCounts';
import { ImportErrorAlert } from './ImportErrorAlert';
import { importFailureText, undoKeptReasonText } from './import-errors';
import { ImportProgress } from './ImportProgress';
import { ImportStatusBadge } from './ImportStatusBadge';
import { describeTarget } from './mapping-targets';
import { regionName } from './regions';
import { canUndo, UndoImportButton } from './UndoImportButton';
import { SOURCE_VALUE_SETTINGS } from './wizard-state';
import { DeleteImportFilesButton, filesGone, ImportFilesLine } from './ImportFiles';
import './imports.css';

export default function ImportPage() {
  return (
    <RequireAdmin>
      <div className="kith-imports">
        <ImportDetail />
      </div>
    </RequireAdmin>
  );
}

function ImportDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const record = useImport(id);
  const users = useUsers();

  if (record.isPending) return <LoadingRows />;
  if (record.isError && !record.data)
    return isNotFound(record.error) ? (
      <NotFoundState kind="import" />
    ) : (
      <ErrorState error={record.error} onRetry={() => void record.refetch()} />
    );
  const data = record.data!;
  const who = users.data?.data.find((u) => u.id === data.created_by);
  const ended = !isActive(data);

  return (
    <>
      <PageHeader
        title={data.file_name}
        description={
          <>
            <span className="kith-mono">{data.id}</span> ·{' '}
            {t('imports.detail.startedBy', {
              who: who ? who.name || who.email : t('imports.history.system'),
              when: formatDateTime(data.created_at),
            })}
          </>
        }
        actions={
          <>
            {!filesGone(data) && (
              <Button component="a" href={sourceUrl(data.id)} download={data.file_name} variant="default">
                {t('imports.detail.original')}
              </Button>
            )}
            <DeleteImportFilesButton record={data} />
            {ended && canUndo(data) && <UndoImportButton record={data} />}
          </>
        }
      />
      <Stack gap="md">
        <Group gap="sm">
          <ImportStatusBadge record={data} />
          {data.finished_at && (
            <Text size="sm" c="dimmed">
              {t('imports.detail.finished', { when: formatDateTime(data.finished_at) })}
            </Text>
          )}
          <ImportFilesLine record={data} />
        </Group>
        {record.isError && (
          <Alert color="yellow" role="status">
            {t('imports.detail.reconnecting')}
          </Alert>
        )}
        {isActive(data) && <Running record={data} answeredAt={record.dataUpdatedAt} />}
        {ended && <Outcome record={data} />}
        {ended && <ImportCounts record={data} />}
        {ended && <TmallSummary record={data} />}
        {data.undo_report && <UndoReport record={data} />}
        {ended && data.failed > 0 && <RowReport record={data} kind="failures" />}
        {ended && data.warned > 0 && <RowReport record={data} kind="warnings" />}
        <FileWarnings warnings={data.warning_details} />
        <Settings record={data} />
      </Stack>
    </>
  );
}

function Running({ record, answeredAt }: { record: ImportRecord; answeredAt: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => cancelImport(record.id),
    onSuccess: (result) => {
      client.setQueryData(importKey(record.id), result);
      setConfirming(false);
    },
  });
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          {record.dry_run ? t('imports.check.running') : t('imports.detail.running')}
        </Title>
        <Button variant="default" color="red" onClick={() => setConfirming(true)}>
          {t('imports.cancel.button')}
        </Button>
      </Group>
      <ImportProgress record={record} answeredAt={answeredAt} />
      <Text size="xs" c="dimmed" mt="sm">
        {t('imports.detail.leave')}
      </Text>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('imports.cancel.title')}
        className="kith-imports"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {record.dry_run
              ? t('imports.cancel.dryRun')
              : t('imports.cancel.explain', { n: formatNumber(record.rows) })}
          </Text>
          {cancel.isError && <ImportErrorAlert error={cancel.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('imports.cancel.keep')}
            </Button>
            <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              {t('imports.cancel.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** What a Tmall import found beyond its order counts: the items report, the buyers, item failures. */
function TmallSummary({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const summary = record.summary;
  if (summary?.kind !== 'tmall_orders') return null;
  const n = formatNumber;
  return (
    <Paper withBorder p="md">
      <Stack gap={6}>
        <Title order={2} size="h5">
          {t('imports.detail.tmall.title')}
        </Title>
        <Text size="sm">{t('imports.detail.tmall.itemsFile', { name: summary.items_file_name })}</Text>
        <Text size="sm">
          {t('imports.detail.tmall.items', {
            rows: n(summary.items.rows),
            attached: n(summary.items.attached),
            failed: n(summary.items.failed),
          })}
        </Text>
        {(summary.items.of_failed_orders ?? 0) > 0 && (
          <Text size="sm">
            {t('imports.detail.tmall.itemsOfFailedOrders', { n: n(summary.items.of_failed_orders!) })}
          </Text>
        )}
        {summary.orders_without_items > 0 && (
          <Text size="sm">
            {t('imports.detail.tmall.withoutItems', { n: n(summary.orders_without_items) })}
          </Text>
        )}
        <Text size="sm">
          {t('imports.detail.tmall.buyers', {
            phone: n(summary.buyers.matched_by_phone),
            nick: n(summary.buyers.matched_by_nick),
            created: n(summary.buyers.created),
          })}
        </Text>
        {record.status === 'completed' && !filesGone(record) && summary.items.failed > 0 && (
          <Group>
            <Button
              component="a"
              href={itemFailuresUrl(record.id)}
              download={`${record.id}-item-failures.csv`}
              variant="default"
              size="xs"
            >
              {t('imports.detail.tmall.itemFailures')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** The wizard that imports this kind of file again. */
const wizardOf = (record: ImportRecord) =>
  record.kind === 'tmall_orders'
    ? '/imports/orders/new'
    : record.kind === 'orders'
      ? '/imports/orders/file'
      : '/imports/new';

function Outcome({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const customers = `/customers?import=${encodeURIComponent(record.id)}`;
  const touched = record.created + record.updated + record.unchanged;
  if (record.status === 'failed')
    return (
      <Alert color="red" title={t('imports.detail.failedTitle')} role="alert">
        <Text size="sm" className="kith-server-message">
          {record.error && importFailureText(record.error, t)}
        </Text>
      </Alert>
    );
  if (record.status === 'cancelled')
    return (
      <Alert color="yellow" title={t('imports.detail.cancelledTitle')}>
        {record.dry_run
          ? t('imports.detail.cancelledDryRun')
          : t('imports.detail.cancelled', { n: formatNumber(record.rows) })}
      </Alert>
    );
  if (record.dry_run)
    return (
      <Alert color="violet" title={t('imports.detail.dryRunTitle')}>
        <Stack gap={4}>
          <Text size="sm">
            {t(record.kind === 'contacts' ? 'imports.detail.dryRun' : 'imports.detail.dryRunOrders')}
          </Text>
          {record.kind === 'contacts' && <ImportForRealButton record={record} />}
          <Anchor component={Link} to={wizardOf(record)} size="sm">
            {t(record.kind === 'contacts' ? 'imports.detail.dryRunNext' : 'imports.detail.dryRunAgain')}
          </Anchor>
        </Stack>
      </Alert>
    );
  return (
    <Alert color={record.failed > 0 ? 'yellow' : 'green'} title={t('imports.detail.completedTitle')}>
      <Stack gap={4}>
        <Text size="sm">
          {t('imports.detail.completed', {
            rows: formatNumber(record.rows),
            created: formatNumber(record.created),
            updated: formatNumber(record.updated),
            unchanged: formatNumber(record.unchanged),
            failed: formatNumber(record.failed),
          })}
        </Text>
        {touched > 0 && !record.undone_at && (
          <Anchor component={Link} to={customers} size="sm" fw={500}>
            {t('imports.detail.customers', { count: touched, n: formatNumber(touched) })}
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}

/**
 * The checked file imported as checked: same columns, same settings, writing this time. Once that
 * import is queued the check links to it instead; it can be imported again only when that import
 * failed, was cancelled or was undone (the server holds the same rule).
 */
function ImportForRealButton({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const real = useImport(record.imported_for_real_as);
  const run = useMutation({
    mutationFn: () => importDryRunForReal(record.id),
    onSuccess: (started) => void navigate(`/imports/${started.id}`),
  });
  if (record.imported_for_real_as) {
    if (real.isPending) return null;
    const again =
      real.data &&
      (['failed', 'cancelled'].includes(real.data.status) || (real.data.undone_at && real.data.undo_report));
    if (!again)
      return (
        <Anchor component={Link} to={`/imports/${record.imported_for_real_as}`} size="sm" fw={500}>
          {t('imports.detail.importedForReal')}
        </Anchor>
      );
  }
  // Its file is gone (a check keeps it 24 hours): there is nothing left to import for real.
  if (filesGone(record)) return null;
  return (
    <>
      <Group gap="xs" my={4}>
        <Button size="xs" onClick={() => run.mutate()} loading={run.isPending}>
          {t('imports.detail.importForReal')}
        </Button>
      </Group>
      {run.isError && <ImportErrorAlert error={run.error} />}
    </>
  );
}

function UndoReport({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const report = record.undo_report!;
  const change = useCustomerChangeText();
  // Each customer by name (the id only while names load, or for one deleted since).
  const names = useContactNames(report.kept.slice(0, 10).map((kept) => kept.contact_id));
  // A kept value named as the customer's change history names it; an order import keeps whole orders.
  const keptField = (field: string) => {
    const order = /^order (.+)$/.exec(field);
    return order ? t('imports.undo.keptOrder', { number: order[1] }) : change.fieldName(field);
  };
  const keptValue = (field: string) => (json: string) => {
    try {
      return change.valueText(field, JSON.parse(json));
    } catch {
      return json;
    }
  };
  return (
    <Alert color="gray" title={t('imports.undo.reportTitle', { when: formatDateTime(record.undone_at) })}>
      <Stack gap={4}>
        <Text size="sm">
          {/* An order import's report counts orders undone and the buyers' customers it deleted. */}
          {t(record.kind === 'contacts' ? 'imports.undo.report' : 'imports.undo.ordersReport', {
            deleted: formatNumber(report.deleted),
            restored: formatNumber(report.restored),
            orders: formatNumber(report.restored),
            gone: formatNumber(report.gone),
          })}
        </Text>
        {report.kept_count > 0 && (
          <>
            <Text size="sm">
              {t('imports.undo.kept', { count: report.kept_count, n: formatNumber(report.kept_count) })}
            </Text>
            <List size="xs" spacing={2}>
              {report.kept.slice(0, 10).map((kept) => (
                <List.Item key={`${kept.contact_id}.${kept.field}`}>
                  <Anchor component={Link} to={`/customers/${kept.contact_id}`} size="xs">
                    {names.data?.get(kept.contact_id) ?? kept.contact_id}
                  </Anchor>{' '}
                  · {keptField(kept.field)} ·{' '}
                  <span className="kith-server-message">
                    {undoKeptReasonText(kept.reason, t, keptValue(kept.field))}
                  </span>
                </List.Item>
              ))}
            </List>
          </>
        )}
      </Stack>
    </Alert>
  );
}

function Settings({ record }: { record: ImportRecord }) {
  const { t, i18n } = useTranslation();
  const s = record.settings;
  // Customer imports only: the source policy and in-file duplicates settings; a Tmall import's layout
  // is fixed, so it has no mapping to show.
  const customers = record.kind === 'contacts';
  const mapped = record.kind !== 'tmall_orders';
  // The mapping names identity types and attributes as the mapping step does (by key until they load).
  const identityTypes = useIdentityTypes();
  const attributes = useAttributeDefinitions();
  const known = { identityTypes: identityTypes.data?.data, attributes: attributes.data?.data };
  const read = [
    record.format.toUpperCase(),
    formatBytes(record.file_size),
    record.encoding ? encodingLabel(record.encoding, t) : null,
    record.delimiter ? t('imports.detail.delimiter', { d: delimiterLabel(record.delimiter, t) }) : null,
    record.sheet ? t('imports.detail.sheet', { sheet: record.sheet }) : null,
  ].filter(Boolean);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="sm">
          {t('imports.detail.settings')}
        </Title>
        <dl className="kith-import-settings">
          <div>
            <dt>{t('imports.detail.file')}</dt>
            <dd>{read.join(' · ')}</dd>
          </div>
          <div>
            <dt>{t('imports.settings.tags')}</dt>
            <dd>{s.tags.length > 0 ? formatList(s.tags, 'values') : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('imports.settings.group')}</dt>
            <dd>{s.group ?? t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('imports.settings.region')}</dt>
            <dd>{regionName(s.region, i18n.language)}</dd>
          </div>
          {customers && (
            <div>
              <dt>{t('imports.settings.sourcePolicy')}</dt>
              <dd>{s.source_policy === 'all' ? t('imports.settings.all') : t('imports.settings.newOnly')}</dd>
            </div>
          )}
          {customers &&
            SOURCE_VALUE_SETTINGS.map((field) =>
              s[field] ? (
                <div key={field}>
                  <dt>{t(`fields.${field}`)}</dt>
                  <dd>{s[field]}</dd>
                </div>
              ) : null,
            )}
          {customers && (
            <div>
              <dt>{t('imports.settings.duplicates')}</dt>
              <dd>
                {s.on_file_duplicate === 'last' ? t('imports.settings.last') : t('imports.settings.reject')}
              </dd>
            </div>
          )}
        </dl>
      </Paper>
      {mapped && (
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="sm">
            {t('imports.steps.mapping')}
          </Title>
          <Table verticalSpacing={2} aria-label={t('imports.steps.mapping')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.mapping.column')}</Table.Th>
                <Table.Th>{t('imports.mapping.target')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(record.mapping).map(([column, target]) => (
                <Table.Tr key={column}>
                  <Table.Td>{column}</Table.Td>
                  <Table.Td>{describeTarget(target, t, known)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </SimpleGrid>
  );
}
