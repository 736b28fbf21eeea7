/**
 * Step 2: the first rows as the server reads them, with what it detected (encoding, delimiter, sheet)
 * and the header row; changing any of them reads the same file again.
 */
import {
  Alert,
  Button,
  Group,
  LoadingOverlay,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import type { ImportPreview, ReadOptions } from './import-api';
import { ImportErrorAlert } from './ImportErrorAlert';
import { formatBytes } from './format';
import {
  DELIMITERS,
  ENCODINGS,
  delimiterLabel as delimiterName,
  encodingLabel as encodingName,
} from './read-labels';

const HEADER_ROWS = Array.from({ length: 20 }, (_, i) => String(i + 1));

export function PreviewStep({
  file,
  preview,
  read,
  onRead,
  reading,
  error,
  onBack,
  onNext,
}: {
  file: File;
  preview: ImportPreview;
  read: ReadOptions;
  onRead: (read: ReadOptions) => void;
  reading: boolean;
  error: unknown;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  // The pickers stay enabled while the file is read again (disabling them would drop a keyboard user's
  // focus); meanwhile they show what was asked for, and only the last request's preview is kept.
  const [requested, setRequested] = useState<ReadOptions | null>(null);
  const shown = reading && requested ? requested : read;
  const ask = (next: ReadOptions) => {
    setRequested(next);
    onRead(next);
  };
  const encodingLabel = (value: string) => encodingName(value, t);
  const encodings = [...new Set([...ENCODINGS, ...(preview.encoding ? [preview.encoding] : [])])];
  const delimiterLabel = (value: string) => delimiterName(value, t);
  const detected = (chosen: string | undefined) =>
    chosen === undefined ? t('imports.preview.detected') : t('imports.preview.chosen');
  const headerRow = preview.header_row;
  // The server will not guess an encoding it is unsure of: the user says which reading is right.
  const mustChoose = preview.encoding_confidence === 'unsure' && read.encoding === undefined;
  // A title row above the header reads as a header of fewer columns than the rows below it.
  const widest = Math.max(0, ...preview.rows.map((row) => row.filter((cell) => cell !== '').length));
  // A workbook opens on its first sheet with a table (a notes sheet may come first): say which.
  const sheetIndex = preview.sheet === null ? -1 : preview.sheets.indexOf(preview.sheet);
  const sheetNote =
    preview.format !== 'xlsx' || preview.sheets.length < 2 || sheetIndex < 0
      ? null
      : read.sheet === undefined && sheetIndex > 0
        ? t('imports.preview.sheetFirstTable', {
            sheet: preview.sheet,
            count: sheetIndex,
            skipped: preview.sheets
              .slice(0, sheetIndex)
              .map((name) => `“${name}”`)
              .join(t('imports.preview.sheetSeparator')),
          })
        : t('imports.preview.sheetOf', { sheet: preview.sheet, count: preview.sheets.length - 1 });
  const likelyHeader =
    preview.header.length < widest
      ? preview.row_numbers[
          preview.rows.findIndex((row) => row.filter((cell) => cell !== '').length === widest)
        ]
      : undefined;

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Group gap="lg" align="flex-end" wrap="wrap">
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {t('imports.preview.file')}
            </Text>
            <Text size="sm" fw={500}>
              {file.name}{' '}
              <Text span size="sm" c="dimmed">
                · {formatBytes(file.size)} · {preview.format.toUpperCase()}
              </Text>
            </Text>
          </Stack>
          {preview.format === 'csv' && (
            <>
              <Select
                label={t('imports.preview.encoding')}
                description={detected(read.encoding)}
                data={encodings.map((value) => ({ value, label: encodingLabel(value) }))}
                value={shown.encoding ?? preview.encoding}
                onChange={(value) => value && ask({ ...shown, encoding: value })}
                allowDeselect={false}
                w={230}
              />
              <Select
                label={t('imports.preview.delimiter')}
                description={detected(read.delimiter)}
                data={DELIMITERS.map((value) => ({ value, label: delimiterLabel(value) }))}
                value={shown.delimiter ?? preview.delimiter}
                onChange={(value) => value && ask({ ...shown, delimiter: value })}
                allowDeselect={false}
                w={170}
              />
            </>
          )}
          {preview.format === 'xlsx' && (
            <Select
              label={t('imports.preview.sheet')}
              description={t('imports.preview.sheets', { count: preview.sheets.length })}
              data={preview.sheets}
              value={shown.sheet ?? preview.sheet}
              onChange={(value) => value && ask({ ...shown, sheet: value, header_row: undefined })}
              allowDeselect={false}
              w={220}
            />
          )}
          <Select
            label={t('imports.preview.headerRow')}
            description={t('imports.preview.headerRowHint')}
            data={HEADER_ROWS.map((value) => ({ value, label: t('imports.preview.rowN', { n: value }) }))}
            value={String((reading ? shown.header_row : undefined) ?? headerRow)}
            onChange={(value) => value && ask({ ...shown, header_row: Number(value) })}
            allowDeselect={false}
            w={200}
          />
        </Group>
      </Paper>
      {sheetNote !== null && (
        <Text size="sm" c="dimmed" data-testid="sheet-note">
          {sheetNote}
        </Text>
      )}
      {preview.encoding_confidence === 'unsure' &&
        read.encoding === undefined &&
        (preview.encoding_candidates.length > 1 ? (
          <Alert color="yellow" title={t('imports.preview.candidatesTitle')}>
            <Text size="sm" mb="sm">
              {t('imports.preview.candidates')}
            </Text>
            <SimpleGrid cols={{ base: 1, md: Math.min(3, preview.encoding_candidates.length) }} spacing="sm">
              {preview.encoding_candidates.map((candidate) => {
                const label = ENCODINGS.includes(candidate.encoding)
                  ? encodingLabel(candidate.encoding)
                  : candidate.label;
                return (
                  <Paper withBorder p="sm" key={candidate.encoding} data-testid="encoding-candidate">
                    <Text size="sm" fw={600} mb={4}>
                      {label}
                    </Text>
                    <div className="kith-candidate-sample">
                      {candidate.sample.map((line, index) => (
                        <div key={index}>{line}</div>
                      ))}
                    </div>
                    <Button
                      mt="sm"
                      size="xs"
                      variant="default"
                      onClick={() => ask({ ...shown, encoding: candidate.encoding })}
                      disabled={reading}
                    >
                      {t('imports.preview.useReading', { encoding: label })}
                    </Button>
                  </Paper>
                );
              })}
            </SimpleGrid>
          </Alert>
        ) : (
          <Alert color="yellow" title={t('imports.preview.unsureTitle')}>
            {t('imports.preview.unsure', { encoding: encodingLabel(preview.encoding ?? '') })}
          </Alert>
        ))}
      {likelyHeader !== undefined && likelyHeader <= HEADER_ROWS.length && (
        <Alert color="blue" title={t('imports.preview.titleRowTitle')}>
          <Group justify="space-between" gap="sm">
            <Text size="sm">{t('imports.preview.titleRow', { n: likelyHeader, count: widest })}</Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => ask({ ...shown, header_row: likelyHeader })}
              disabled={reading}
            >
              {t('imports.preview.useRow', { n: likelyHeader })}
            </Button>
          </Group>
        </Alert>
      )}
      {error !== null && error !== undefined && <ImportErrorAlert error={error} />}
      <Paper withBorder pos="relative">
        <LoadingOverlay visible={reading} zIndex={2} overlayProps={{ blur: 1 }} />
        <Group justify="space-between" px="sm" py={6}>
          <Text size="sm" fw={600}>
            {t('imports.preview.tableTitle')}
          </Text>
          <Text size="xs" c="dimmed">
            {headerRow > 1
              ? t('imports.preview.skipped', { count: headerRow - 1 })
              : shownRowsText(preview, t)}
          </Text>
        </Group>
        <Table.ScrollContainer minWidth={Math.max(600, preview.header.length * 140)} maxHeight={440}>
          <Table
            className="kith-sticky-head kith-preview"
            withColumnBorders
            aria-label={t('imports.preview.tableTitle')}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th className="kith-rownum" title={t('imports.preview.headerAt', { n: headerRow })}>
                  {formatNumber(headerRow)}
                </Table.Th>
                {preview.header.map((column) => (
                  <Table.Th key={column}>{column}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.rows.map((row, index) => (
                <Table.Tr key={index}>
                  <Table.Td className="kith-rownum">
                    {formatNumber(preview.row_numbers[index] ?? index + 2)}
                  </Table.Td>
                  {preview.header.map((column, cell) => (
                    <Table.Td key={column} title={row[cell] ?? ''}>
                      {row[cell] ?? ''}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {preview.rows.length === 0 && (
          <Text size="sm" c="dimmed" p="md">
            {t('imports.preview.noRows')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t('common.back')}
        </Button>
        <Group gap="sm">
          {mustChoose && (
            <Text size="sm" c="dimmed">
              {t('imports.preview.chooseFirst')}
            </Text>
          )}
          <Button onClick={onNext} disabled={reading || preview.rows.length === 0 || mustChoose}>
            {t('imports.preview.next')}
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

/**
 * What the table shows, by the row numbers beside it: the header's row through the last shown, the
 * header counted apart from the rows below it; a sheet without rows says so.
 */
function shownRowsText(preview: ImportPreview, t: TFunction): string {
  const last = preview.row_numbers.at(-1);
  if (preview.header.length === 0) return t('imports.preview.emptySheet');
  if (preview.rows.length === 0 || last === undefined) return t('imports.preview.noRowsBelow');
  return t('imports.preview.shownRows', {
    from: formatNumber(preview.header_row),
    to: formatNumber(last),
    count: preview.rows.length,
  });
}
