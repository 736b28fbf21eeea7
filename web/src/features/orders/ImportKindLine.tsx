/** What an order import is, under its file name in the import history: its kind and what it found. */
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { formatNumber } from '../../i18n';

export function ImportKindLine({ record }: { record: Schemas['Import'] }) {
  const { t } = useTranslation();
  const summary = record.summary;
  if (record.kind === 'contacts' || !summary) return null;
  const text =
    summary.kind === 'orders'
      ? t('orders.kind.orders', {
          source: summary.source,
          rows: formatNumber(summary.file_rows),
          created: formatNumber(summary.buyers.created),
        })
      : t('orders.kind.tmall', {
          items: formatNumber(summary.items.rows),
          created: formatNumber(summary.buyers.created),
        });
  return (
    <Text size="xs" c="dimmed" data-import-kind={record.kind}>
      {text}
    </Text>
  );
}
