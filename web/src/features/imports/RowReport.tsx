/**
 * Why rows failed, or what was left out of rows that were imported: the most common reasons with their
 * counts and the first rows with their values, as the server summarises the failure file (失败记录文件)
 * or the warnings file, which is also offered for download.
 */
import { Anchor, Button, Group, Menu, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, type Contact } from '../../api/client';
import { displayName } from '../customers/customer-format';
import { useContact, useContactsById } from '../customers/customer-queries';
import { useFieldLabel } from '../duplicates/duplicate-format';
import { notify } from './notify';
import { reportFileIn, reportRows, reportRowsIn } from './report-file-language';
import { formatNumber } from '../../i18n';
import { ErrorState, LoadingRows } from '../../ui/states';
import { fetchRowReport, type ImportRecord, type RowFileKind, rowFileUrl } from './import-api';
import { filesGone, ImportFilesLine } from './ImportFiles';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { ownedReasonWords, reasonOwner, type RowReason, reasonWords, rowReasons } from './import-errors';
import { TableScroll } from '../../ui/TableScroll';

const TOP_REASONS = 5;
const FIRST_ROWS = 10;

/** The server's name for the file (its content-disposition): the imported file's, then -failures.csv. */
export function rowFileName(record: ImportRecord, kind: RowFileKind): string {
  return `${record.file_name.replace(/\.[^.]+$/, '')}-${kind}.csv`;
}

export function RowReport({ record, kind }: { record: ImportRecord; kind: RowFileKind }) {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['import-rows', kind, record.id, record.finished_at],
    queryFn: () => fetchRowReport(record.id, kind),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const firstRows = report.data?.rows.slice(0, FIRST_ROWS) ?? [];
  // The customers the first rows' reasons say own their values, read in one request to name them.
  const owners = useContactsById(
    firstRows.flatMap((row) => rowReasons(row.reason).flatMap((reason) => reasonOwner(reason.text) ?? [])),
  );
  // (Not read while the list shows the answer for other ids: the owners would all be asked for alone.)
  const ownersRead: OwnersRead = {
    byId: owners.data,
    read: !owners.isPending && !owners.isPlaceholderData,
  };
  const count = kind === 'failures' ? record.failed : record.warned;
  const text = (key: string) => `imports.${kind}.${key}`;
  // A check only says what would happen.
  const title = record.dry_run ? text('titleWould') : text('title');
  return (
    <Paper withBorder p="md" data-testid={`${kind}-report`}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          {t(title, { count, n: formatNumber(count) })}
        </Title>
        <ReportFileButton record={record} kind={kind} />
      </Group>
      {report.isPending ? (
        <LoadingRows rows={4} />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Stack gap="md">
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t(text('reasons'))}
            </Text>
            <Table aria-label={t(text('reasons'))} verticalSpacing={4}>
              <Table.Tbody>
                {report.data.reasons.slice(0, TOP_REASONS).map((reason) => (
                  <Table.Tr key={reason.reason}>
                    <Table.Td w={56} fw={600}>
                      {formatNumber(reason.count)}
                    </Table.Td>
                    <Table.Td>
                      <Reason text={reason.reason} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {report.data.reasons.length > TOP_REASONS && (
              <Text size="xs" c="dimmed" mt={4}>
                {t(text('moreReasons'), { count: report.data.reasons.length - TOP_REASONS })}
              </Text>
            )}
          </div>
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t(text('firstRows'), { count: Math.min(FIRST_ROWS, report.data.rows.length) })}
            </Text>
            <TableScroll minWidth={640} label={t(text('rowsLabel'))}>
              <Table
                aria-label={t(text('rowsLabel'))}
                verticalSpacing={4}
                className="kith-sticky-head kith-failed-rows"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={72}>{t('imports.preview.row')}</Table.Th>
                    <Table.Th>{t('imports.rowReport.reason')}</Table.Th>
                    <Table.Th>{t('imports.rowReport.values')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {firstRows.map((row) => (
                    <Table.Tr key={row.row_number}>
                      <Table.Td>{formatNumber(row.row_number)}</Table.Td>
                      <Table.Td>
                        <Stack gap={6}>
                          {rowReasons(row.reason).map((reason, i) => (
                            <ReasonOfRow key={i} reason={reason} owners={ownersRead} />
                          ))}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed" lineClamp={2}>
                          {row.cells
                            .map((cell, i) =>
                              // A column and its value as the page's language writes a label: "姓名：赵磊", "Name: Zhao Lei".
                              cell
                                ? t('imports.rowReport.cellValue', {
                                    column: report.data.columns[i] ?? '',
                                    value: cell,
                                  })
                                : '',
                            )
                            .filter(Boolean)
                            .join(' · ')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            {report.data.total > report.data.rows.length && (
              <Text size="xs" c="dimmed" mt={4}>
                {t(text('moreRows'), { count: report.data.total - report.data.rows.length })}{' '}
                <ReportFileLink record={record} kind={kind} />
              </Text>
            )}
          </div>
        </Stack>
      )}
    </Paper>
  );
}

/**
 * A reason of the summary, in the user's words with the field it is about; the server's own words (the
 * file's language, English) beside them only where ours leave something out, or alone for a reason we do
 * not know.
 */
function Reason({ text }: { text: string }) {
  const { t, i18n } = useTranslation();
  const words = reasonWords(text, t);
  const field = rowReasons(text)[0]?.field;
  return (
    <>
      <Text size="sm">
        {field && words
          ? t('imports.rowReport.fieldReason', {
              field: fieldName(field, t, (key) => i18n.exists(key)),
              reason: words.text,
            })
          : (words?.text ?? text)}
      </Text>
      {words && !words.complete && (
        <Text size="xs" c="dimmed" className="kith-server-message">
          {text}
        </Text>
      )}
    </>
  );
}

/**
 * One reason of a row (a row can fail for several: every one is listed), in the user's words, the field
 * it is about under its name with the file's value, and the server's own words only where ours leave
 * something out.
 */
function ReasonOfRow({ reason, owners }: { reason: RowReason; owners: OwnersRead }) {
  const { t, i18n } = useTranslation();
  const words = reasonWords(reason.text, t);
  const field = reason.field && fieldName(reason.field, t, (key) => i18n.exists(key));
  const owner = reasonOwner(reason.text);
  return (
    <div data-testid="row-reason">
      {owner ? (
        <OwnedReason text={reason.text} id={owner} owners={owners} />
      ) : (
        <Text size="sm">{words?.text ?? reason.text}</Text>
      )}
      {field && (
        <Text size="xs" data-testid="row-reason-field">
          {reason.value === null ? field : t('imports.rowReport.fieldValue', { field, value: reason.value })}
        </Text>
      )}
      {words && !words.complete && (
        <Text size="xs" c="dimmed" className="kith-server-message">
          {reason.text}
        </Text>
      )}
    </div>
  );
}

/** The owners of the first rows' values, by id, as one request read them. */
interface OwnersRead {
  byId: Map<string, Contact> | undefined;
  /** The request has answered (or failed): an owner not in it is asked for alone. */
  read: boolean;
}

/**
 * A value another customer owns, that customer named as the customers list names them and linked to
 * them, so that the administrator can open them and decide whom to keep. One the rows' request did not
 * list is asked for alone (a handful at most): merged into another since, it answers with the survivor;
 * deleted since, with 404, and the sentence says so (the id kept, no link: there is no page to open).
 */
function OwnedReason({ text, id, owners }: { text: string; id: string; owners: OwnersRead }) {
  const { t } = useTranslation();
  const listed = owners.byId?.get(id);
  const alone = useContact(id, { enabled: owners.read && !listed });
  const deleted = alone.error instanceof ApiError && alone.error.status === 404;
  const words = ownedReasonWords(text, t, deleted);
  if (!words) return <Text size="sm">{text}</Text>;
  const contact = listed ?? alone.data;
  return (
    <Text size="sm">
      {words.before}
      {deleted ? (
        id
      ) : (
        <Anchor component={Link} to={`/customers/${contact?.id ?? id}`} inherit>
          {contact ? displayName(contact) : id}
        </Anchor>
      )}
      {words.after}
    </Text>
  );
}

/** A field as the server names it (`phone`, `additional_emails[1]`, `identities.qq`) in the user's words. */
function fieldName(field: string, t: (key: string) => string, exists: (key: string) => boolean): string {
  const base = field.replace(/\[\d+\]$/, '');
  if (base.startsWith('identities.')) return identityTypeLabel({ key: base.slice('identities.'.length) }, t);
  if (base.startsWith('attributes.')) return base.slice('attributes.'.length);
  return exists(`fields.${base}`) ? t(`fields.${base}`) : base;
}

/**
 * Past this many rows the file is not rewritten: it is read whole into the page (a million failed rows
 * are hundreds of MB of text, more than a tab holds), so it downloads as the server wrote it, and only
 * as a CSV.
 */
const REWRITTEN_ROWS_AT_MOST = 100_000;

/** `客户-failures.csv` → `客户-failures.xlsx`. */
const workbookName = (name: string) => name.replace(/\.csv$/, '.xlsx');

/**
 * The file itself. In English as the server wrote it; in Chinese rewritten in the browser (reasons and
 * the reason column's name, report-file-language.ts), since the server's file is the CLI's and the API's.
 * Also as an Excel workbook of text cells (ui/text-workbook.ts): a failure file is opened in Excel to be
 * fixed, and Excel opening a CSV strips a landline's leading 0 and rounds a long ID for good.
 */
function useReportFile(record: ImportRecord, kind: RowFileKind) {
  const { t, i18n } = useTranslation();
  const fieldLabel = useFieldLabel();
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const url = rowFileUrl(record.id, kind);
  const name = rowFileName(record, kind);
  const rows = kind === 'failures' ? record.failed : record.warned;
  const chinese = i18n.language.startsWith('zh');
  const inPage = rows <= REWRITTEN_ROWS_AT_MOST;
  const download = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const said = (field: string) => fieldLabel(field.replace(/\[\d+\]$/, ''));
      const csv = await response.text();
      if (format === 'csv') {
        saveFile(new Blob([reportFileIn(csv, kind, t, said)], { type: 'text/csv;charset=utf-8' }), name);
      } else {
        const table = chinese ? reportRowsIn(reportRows(csv), kind, t, said) : reportRows(csv);
        const { textWorkbook } = await import('../../ui/text-workbook');
        saveFile(await textWorkbook(table, t(`imports.${kind}.sheet`)), workbookName(name));
      }
    } catch {
      notify({ color: 'red', message: t('imports.reportFileFailed') });
    } finally {
      setBusy(null);
    }
  };
  return { url, name, rewrite: chinese && inPage, workbook: inPage, busy, download };
}

/** A file made in the page, saved under the name given. */
function saveFile(blob: Blob, name: string) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  // Named as the server names its own: after the imported file (客户.csv → 客户-failures.csv).
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function ReportFileButton({ record, kind }: { record: ImportRecord; kind: RowFileKind }) {
  const { t } = useTranslation();
  const file = useReportFile(record, kind);
  const label = t(`imports.${kind}.download`);
  // Deleted with the import's other files: said instead of offered.
  if (filesGone(record)) return <ImportFilesLine record={record} />;
  return (
    <Group gap="xs">
      {file.rewrite ? (
        <Button
          variant="default"
          size="xs"
          loading={file.busy === 'csv'}
          onClick={() => void file.download('csv')}
        >
          {label}
        </Button>
      ) : (
        <Button component="a" href={file.url} download={file.name} variant="default" size="xs">
          {label}
        </Button>
      )}
      {file.workbook && (
        <Button
          variant="default"
          size="xs"
          loading={file.busy === 'xlsx'}
          onClick={() => void file.download('xlsx')}
        >
          {t(`imports.${kind}.downloadWorkbook`)}
        </Button>
      )}
    </Group>
  );
}

function ReportFileLink({ record, kind }: { record: ImportRecord; kind: RowFileKind }) {
  const { t } = useTranslation();
  const file = useReportFile(record, kind);
  const label = t(`imports.${kind}.download`);
  if (filesGone(record)) return null;
  return file.rewrite ? (
    <Anchor component="button" type="button" size="xs" onClick={() => void file.download('csv')}>
      {label}
    </Anchor>
  ) : (
    <Anchor href={file.url} download={file.name} size="xs">
      {label}
    </Anchor>
  );
}

/**
 * The file from the history's row menu, as the result page gives it: in Chinese rewritten too, so that
 * the same import's failure file does not read differently by where it was downloaded; and as a workbook.
 */
export function ReportFileMenuItems({ record, kind }: { record: ImportRecord; kind: RowFileKind }) {
  const { t } = useTranslation();
  const file = useReportFile(record, kind);
  const label = t(`imports.${kind}.download`);
  return (
    <>
      {file.rewrite ? (
        // The menu closes at once; the download goes on without it.
        <Menu.Item onClick={() => void file.download('csv')}>{label}</Menu.Item>
      ) : (
        <Menu.Item component="a" href={file.url} download={file.name}>
          {label}
        </Menu.Item>
      )}
      {file.workbook && (
        <Menu.Item onClick={() => void file.download('xlsx')}>{t(`imports.${kind}.menuWorkbook`)}</Menu.Item>
      )}
    </>
  );
}
