/**
 * The last scan (when, what it read and found, the thresholds it derived) and, for administrators, a
 * full or incremental scan started from here. A running scan's job id is in the URL (`?scan=`), so the
 * page can be left and found again; when it ends the queue and counts refresh.
 */
import { Alert, Anchor, Button, Group, Paper, Progress, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatDateTime, formatNumber } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { useScans } from './duplicate-api';
import { formatScore } from './duplicate-format';
import { failureText } from '../../ui/server-reasons';

type ScanStage = 'load' | 'block' | 'compare' | 'train' | 'score' | 'cluster' | 'save';
interface ScanProgress {
  stage: ScanStage | 'done';
  step: number;
  steps: number;
}

export function ScanPanel() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('scan');
  const scans = useScans();
  const last = scans.data?.data[0];
  const policy = useQuery({
    queryKey: ['duplicates', 'policy'],
    queryFn: () => unwrap(api.GET('/api/duplicates/policy')),
  });
  const every = (policy.data as { incremental_scan_minutes?: number | null } | undefined)
    ?.incremental_scan_minutes;

  const setJob = (id: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('scan', id);
        else next.delete('scan');
        return next;
      },
      { replace: true },
    );

  const start = useMutation({
    mutationFn: (incremental: boolean) =>
      unwrap(api.POST('/api/duplicates/scans', { body: { incremental } })) as Promise<{ job_id: string }>,
    onSuccess: (answer) => setJob(answer.job_id),
  });

  const job = useQuery({
    queryKey: ['duplicates', 'scan-job', jobId],
    queryFn: () => unwrap(api.GET('/api/duplicates/scans/jobs/{id}', { params: { path: { id: jobId! } } })),
    enabled: Boolean(jobId),
    refetchInterval: (query) => {
      const state = query.state.data?.state;
      return state === 'done' || state === 'failed' ? false : 1000;
    },
  });
  const state = job.data?.state;
  const finished = state === 'done' || state === 'failed';
  // The scan job's `progress`: its stage, step of steps (GET /api/duplicates/scans/jobs/{id}).
  const progress = (job.data?.progress ?? null) as ScanProgress | null;

  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: ['duplicates'] });
  }, [finished, client]);

  return (
    <Paper withBorder p="sm" mb="md" aria-labelledby="scan-title">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text id="scan-title" fw={600} size="sm">
            {t('duplicates.scan.title')}
          </Text>
          {last ? (
            <Text size="sm" c="dimmed">
              {t(`duplicates.scan.kind.${last.kind}`)} ·{' '}
              {t('duplicates.scan.when', { when: formatDateTime(last.finished_at) })}
            </Text>
          ) : (
            scans.isSuccess && (
              <Text size="sm" c="dimmed">
                {t('duplicates.scan.never')}
              </Text>
            )
          )}
        </div>
        {isAdmin(user) && (
          <Group gap="xs" wrap="nowrap">
            <Button
              variant="default"
              disabled={Boolean(jobId && !finished) || start.isPending || !last}
              onClick={() => start.mutate(true)}
            >
              {t('duplicates.scan.startIncremental')}
            </Button>
            <Button
              disabled={Boolean(jobId && !finished)}
              loading={start.isPending}
              onClick={() => start.mutate(false)}
            >
              {t('duplicates.scan.startFull')}
            </Button>
          </Group>
        )}
      </Group>
      {/* The figures have the panel's whole width, below the buttons: beside them, at 1024 px, "Groups" wrapped
          to a line of its own 24 px under the others. Should they still wrap (large counts, a narrower
          window), the lines keep close together. */}
      {last && (
        <>
          <Group gap="lg" mt={4} style={{ rowGap: 4 }}>
            <Figure label={t('duplicates.scan.contacts')} value={last.contacts} />
            <Figure label={t('duplicates.scan.compared')} value={last.compared} />
            <Figure label={t('duplicates.scan.pairs')} value={last.pairs} />
            <Figure label={t('duplicates.scan.clusters')} value={last.clusters} />
          </Group>
          {last.thresholds && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('duplicates.scan.thresholds', {
                // Percentages, as every score on these screens.
                match: formatScore(last.thresholds.match),
                review: formatScore(last.thresholds.review),
              })}
            </Text>
          )}
        </>
      )}
      {policy.isSuccess && (
        <Text size="xs" c="dimmed" mt={4}>
          {every ? t('duplicates.scan.scheduled', { count: every }) : t('duplicates.scan.unscheduled')}{' '}
          {isAdmin(user) && (
            <Anchor component={Link} to="/settings/matching" size="xs" underline="always">
              {t('duplicates.scan.schedule')}
            </Anchor>
          )}
        </Text>
      )}
      {jobId && !finished && (
        <div role="status" aria-live="polite">
          <Text size="sm" mt="sm">
            {progress
              ? t('duplicates.scan.step', {
                  step: progress.step,
                  steps: progress.steps,
                  stage: t(`duplicates.scan.stage.${progress.stage}`),
                })
              : state === 'running'
                ? t('duplicates.scan.running')
                : t('duplicates.scan.queued')}
          </Text>
          <Progress
            value={progress ? (progress.step / progress.steps) * 100 : 100}
            animated
            striped={!progress}
            mt={4}
            aria-hidden
          />
        </div>
      )}
      {jobId && state === 'done' && last && (
        <Alert
          color="green"
          mt="sm"
          role="status"
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => setJob(null)}
        >
          {t('duplicates.scan.done', { count: last.pairs, pairs: formatNumber(last.pairs) })}
        </Alert>
      )}
      {jobId && state === 'failed' && (
        <Alert
          color="red"
          mt="sm"
          role="alert"
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => setJob(null)}
        >
          {t('duplicates.scan.failed', {
            reason: job.data?.last_error ? failureText(job.data.last_error, t) : '',
          })}
        </Alert>
      )}
      {start.isError && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(start.error, t)}
        </Alert>
      )}
    </Paper>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {formatNumber(value)}
      </Text>
    </div>
  );
}
