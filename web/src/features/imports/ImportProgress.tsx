/**
 * A running import: rows done of the file's rows, the rate over the last seconds and the time left.
 * The server counts the file's rows in a first pass; until then the bar says it is reading.
 */
import { Group, Progress, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import { formatDuration, formatRate } from './format';
import type { ImportRecord } from './import-api';

const WINDOW_MS = 15_000;

interface Sample {
  at: number;
  rows: number;
}

/** Rows per second over the last seconds (the server may have restarted: the start is no guide). */
function useRate(record: ImportRecord): number | null {
  const samples = useRef<Sample[]>([]);
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    const now = Date.now();
    const list = samples.current;
    if (list.length === 0 || list[list.length - 1]!.rows !== record.rows)
      list.push({ at: now, rows: record.rows });
    while (list.length > 2 && now - list[0]!.at > WINDOW_MS) list.shift();
    const first = list[0]!;
    const last = list[list.length - 1]!;
    if (last.at - first.at >= 900 && last.rows > first.rows)
      setRate(((last.rows - first.rows) * 1000) / (last.at - first.at));
    else if (record.started_at && record.rows > 0) {
      const seconds = (now - new Date(record.started_at).getTime()) / 1000;
      setRate(seconds > 0 ? record.rows / seconds : null);
    }
  }, [record.rows, record.started_at]);
  return rate;
}

export function ImportProgress({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const rate = useRate(record);
  const total = record.total_rows;
  const percent = total ? Math.min(100, (record.rows / total) * 100) : 0;
  const left = total !== null && rate ? (total - record.rows) / rate : null;

  let line: string;
  if (record.status === 'queued') line = t('imports.progress.queued');
  else if (total === null) line = t('imports.progress.reading');
  else
    line = t('imports.progress.rows', {
      done: formatNumber(record.rows),
      total: formatNumber(total),
    });

  return (
    <Stack gap={6} aria-live="polite" data-testid="import-progress">
      <Progress
        value={total === null ? 100 : percent}
        animated={total === null || record.status === 'queued'}
        striped={total === null}
        size="lg"
        aria-label={t('imports.progress.label')}
      />
      <Group justify="space-between" gap="md">
        <Text size="sm" fw={500}>
          {line}
        </Text>
        <Group gap="md">
          {rate !== null && total !== null && (
            <Text size="sm" c="dimmed">
              {t('imports.progress.rate', { rate: formatRate(rate) })}
            </Text>
          )}
          {left !== null && left > 0 && (
            <Text size="sm" c="dimmed">
              {t('imports.progress.left', { time: formatDuration(left) })}
            </Text>
          )}
        </Group>
      </Group>
    </Stack>
  );
}
