/** An import's counts side by side: every row ends up created, updated, unchanged or failed. */
import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import type { ImportRecord } from './import-api';

// Only failures are coloured: the other counts are plain text (light greens and blues fail contrast).
const COUNTS = [
  { key: 'created', color: undefined },
  { key: 'updated', color: undefined },
  { key: 'unchanged', color: undefined },
  { key: 'failed', color: 'red.9' },
] as const;

export function ImportCounts({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const orders = record.kind !== 'contacts';
  const prefix = `imports.counts.${orders ? (record.dry_run ? 'ordersWould' : 'ordersDid') : record.dry_run ? 'would' : 'did'}`;
  return (
    <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="sm" data-testid="import-counts">
      <Paper withBorder p="sm">
        <Text size="xs" c="dimmed">
          {t('imports.counts.rows')}
        </Text>
        <Text size="xl" fw={600} data-count="rows">
          {formatNumber(record.total_rows ?? record.rows)}
        </Text>
      </Paper>
      {COUNTS.map(({ key, color }) => (
        <Paper withBorder p="sm" key={key}>
          <Text size="xs" c="dimmed">
            {t(`${prefix}.${key}`)}
          </Text>
          <Text size="xl" fw={600} c={record[key] > 0 ? color : undefined} data-count={key}>
            {formatNumber(record[key])}
          </Text>
        </Paper>
      ))}
      <Paper withBorder p="sm">
        <Text size="xs" c="dimmed">
          {t(`${prefix}.warned`)}
        </Text>
        <Text size="xl" fw={600} data-count="warned">
          {formatNumber(record.warned)}
        </Text>
      </Paper>
    </SimpleGrid>
  );
}
