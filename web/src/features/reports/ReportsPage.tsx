/**
 * Reports 报表 (`/reports?from=2026-11-01&to=2026-11-30`): conversations resolved per agent over a date
 * range (both ends inclusive, in the browser's time zone), as a bar chart and a table with assigned and
 * open-now counts. The chart is plain SVG: one bar series needs no chart library.
 */
import { Alert, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatDate, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { DateField } from '../../ui/DateField';

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
/** Local midnight of a YYYY-MM-DD day, as the API's ISO instant. */
function startOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!).toISOString();
}
function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + 1).toISOString();
}
/** A duration the way people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
function useDuration() {
  const { t } = useTranslation();
  return (seconds: number | null | undefined): string => {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.round(seconds);
    if (s < 60) return t('reports.duration.seconds', { s });
    const m = Math.round(s / 60);
    if (m < 60) return t('reports.duration.minutes', { m });
    const h = Math.floor(s / 3600);
    if (h < 24) return t('reports.duration.hours', { h, m: Math.floor((s % 3600) / 60) });
    return t('reports.duration.days', { d: Math.floor(h / 24), h: h % 24 });
  };
}

function lastDays(n: number): { from: string; to: string } {
  const today = new Date();
  return { from: isoDay(new Date(today.getTime() - (n - 1) * DAY)), to: isoDay(today) };
}

export default function ReportsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const fallback = lastDays(30);
  const from = DATE.test(params.get('from') ?? '') ? params.get('from')! : fallback.from;
  const to = DATE.test(params.get('to') ?? '') ? params.get('to')! : fallback.to;
  const [draft, setDraft] = useState({ from, to });
  const duration = useDuration();
  const badRange = from > to;
  const report = useQuery({
    queryKey: ['reports', 'agents', from, to],
    queryFn: () =>
      unwrap(api.GET('/api/reports/agents', { params: { query: { from: startOf(from), to: nextDay(to) } } })),
    enabled: !badRange,
  });
  const show = (range: { from: string; to: string }) => {
    setDraft(range);
    setParams(range, { replace: false });
  };
  const rows = [...(report.data?.data ?? [])].sort(
    (a, b) => b.resolved - a.resolved || (a.name ?? a.email).localeCompare(b.name ?? b.email),
  );
  const total = (key: 'resolved' | 'assigned' | 'open') => rows.reduce((sum, r) => sum + r[key], 0);

  return (
    <Stack gap="md" maw={1100}>
      <PageHeader title={t('reports.title')} description={t('reports.description')} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          show(draft);
        }}
      >
        <Group align="flex-end" gap="sm">
          <DateField
            label={t('reports.from')}
            value={draft.from}
            onChange={(from) => setDraft({ ...draft, from })}
            w={150}
          />
          <DateField
            label={t('reports.to')}
            value={draft.to}
            onChange={(to) => setDraft({ ...draft, to })}
            w={150}
          />
          <Button type="submit">{t('reports.apply')}</Button>
          <Button variant="default" onClick={() => show(lastDays(7))}>
            {t('reports.thisWeek')}
          </Button>
          <Button variant="default" onClick={() => show(lastDays(30))}>
            {t('reports.thisMonth')}
          </Button>
        </Group>
      </form>
      {badRange ? (
        <Alert color="red" role="alert">
          {t('reports.badRange')}
        </Alert>
      ) : report.isPending ? (
        <LoadingRows rows={5} />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : rows.length === 0 ? (
        <Paper withBorder>
          <EmptyState title={t('reports.emptyTitle')} description={t('reports.empty')} />
        </Paper>
      ) : (
        <>
          <Paper withBorder p="md">
            <Title order={2} size="h5" mb="sm">
              {t('reports.chartTitle')}
            </Title>
            {total('resolved') === 0 ? (
              // A chart of zero-length bars says nothing: say what it would have shown.
              <EmptyState
                title={t('reports.noneResolvedTitle')}
                description={t('reports.noneResolved', { from: formatDate(from), to: formatDate(to) })}
                action={
                  <Button component={Link} to="/conversations" variant="light">
                    {t('reports.toConversations')}
                  </Button>
                }
              />
            ) : (
              <BarChart
                label={t('reports.chartLabel')}
                bars={rows.map((r) => ({ key: r.user_id, label: r.name || r.email, value: r.resolved }))}
              />
            )}
          </Paper>
          <Paper withBorder>
            <Table fz="sm" verticalSpacing="xs" aria-label={t('reports.title')} data-testid="report-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('reports.columns.agent')}</Table.Th>
                  <Table.Th ta="right">{t('reports.columns.resolved')}</Table.Th>
                  <Table.Th ta="right">{t('reports.columns.assigned')}</Table.Th>
                  <Table.Th ta="right">{t('reports.columns.open')}</Table.Th>
                  <Table.Th ta="right">{t('reports.columns.firstResponse')}</Table.Th>
                  <Table.Th ta="right">{t('reports.columns.resolution')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody style={{ fontVariantNumeric: 'tabular-nums' }}>
                {rows.map((r) => (
                  <Table.Tr key={r.user_id}>
                    <Table.Td>
                      <Text size="sm">{r.name || r.email}</Text>
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(r.resolved)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(r.assigned)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(r.open)}</Table.Td>
                    <Table.Td ta="right">{duration(r.median_first_response_seconds)}</Table.Td>
                    <Table.Td ta="right">{duration(r.median_resolution_seconds)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Table.Tr>
                  <Table.Th>{t('reports.total')}</Table.Th>
                  <Table.Th ta="right">{formatNumber(total('resolved'))}</Table.Th>
                  <Table.Th ta="right">{formatNumber(total('assigned'))}</Table.Th>
                  <Table.Th ta="right">{formatNumber(total('open'))}</Table.Th>
                  <Table.Td />
                  <Table.Td />
                </Table.Tr>
              </Table.Tfoot>
            </Table>
          </Paper>
          <Text size="xs" c="dimmed">
            {t('reports.timesHint')}
          </Text>
        </>
      )}
    </Stack>
  );
}

/** Horizontal bars, one per agent, with the value at the bar's end; the table beside it carries the numbers for screen readers too. */
function BarChart({ label, bars }: { label: string; bars: { key: string; label: string; value: number }[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  const labelWidth = 200;
  const width = 720;
  const barArea = width - labelWidth - 48;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${bars.length * row}`}
      width="100%"
      style={{ maxWidth: width, display: 'block' }}
    >
      {bars.map((bar, i) => {
        const w = Math.round((bar.value / max) * barArea);
        const y = i * row;
        return (
          <g key={bar.key}>
            <text
              x={labelWidth - 8}
              y={y + 17}
              textAnchor="end"
              fontSize={13}
              fill="var(--mantine-color-text)"
            >
              {bar.label.length > 26 ? `${bar.label.slice(0, 25)}…` : bar.label}
            </text>
            <rect
              x={labelWidth}
              y={y + 5}
              width={Math.max(w, 2)}
              height={16}
              rx={2}
              fill="var(--mantine-color-indigo-6)"
            />
            <text
              x={labelWidth + Math.max(w, 2) + 6}
              y={y + 17}
              fontSize={13}
              fill="var(--mantine-color-text)"
            >
              {formatNumber(bar.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
