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
const GAP_MS = 5_000;

interface Sample {
  at: number;
  rows: number;
}

/**
 * Rows per second over the last seconds of answers. A gap between answers (the server restarted, the
 * tab slept) starts the window afresh: the time without answers says nothing about the import's speed.
 */
function useRate(record: ImportRecord, answeredAt: number): number | null {
  const samples = useRef<Sample[]>([]);
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    const list = samples.current;
    if (list.length > 0 && answeredAt - list[list.length - 1]!.at > GAP_MS) list.length = 0;
    list.push({ at: answeredAt, rows: record.rows });
    while (list.length > 2 && answeredAt - list[0]!.at > WINDOW_MS) list.shift();
    const first = list[0]!;
    const last = list[list.length - 1]!;
    if (last.at - first.at >= 900 && last.rows > first.rows)
      setRate(((last.rows - first.rows) * 1000) / (last.at - first.at));
    else if (record.started_at && record.rows > 0)
      // Until answers a second apart show progress: the average since the start, if nothing better is known.
      setRate((previous) => {
        if (previous !== null) return previous;
        const seconds = (answeredAt - new Date(record.started_at!).getTime()) / 1000;
        return seconds > 0 ? record.rows / seconds : null;
      });
  }, [answeredAt, record.rows, record.started_at]);
  return rate;
}

/** `answeredAt`: when the server last answered about the import (the query's dataUpdatedAt). */
export function ImportProgress({ record, answeredAt }: { record: ImportRecord; answeredAt: number }) {
  const { t } = useTranslation();
  const rate = useRate(record, answeredAt);
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
