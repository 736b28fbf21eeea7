/**
 * Automatic merge of the match band (admin only): a dry run first — how many groups would merge, how
 * many customers, a sample by name, and the groups held back for review with the reason — then the
 * merge runs as a background job. Its id is in the URL (`?merge_job=`), so the page can be left and
 * found again while AutoMergeProgress follows it.
 */
import { Alert, Anchor, Button, Group, List, Modal, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api, unwrap } from '../../api/client';
import { formatList, formatNumber } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { displayName } from '../customers/customer-format';
import { useContactsById } from '../customers/customer-queries';
import { compareContactsUrl, useFieldLabel } from './duplicate-format';
import { mergeErrorText } from './merge-errors';
import { failureText } from '../../ui/server-reasons';

const SAMPLE = 5;
const JOB_PARAM = 'merge_job';

/** What the merge job reports (GET /api/duplicates/merge-matches/jobs/{id}: `progress`). */
interface MergeJobProgress {
  stage: 'merging' | 'done';
  done: number;
  total: number;
  merged_clusters: number;
  merged_contacts: number;
  failed: number;
  /** Clusters another run (or a person) merged first: neither merged here nor failed. */
  already_merged?: number;
  failures?: { contact_ids: string[]; code: string; error: string; details?: unknown }[];
}

function useJobParam() {
  const [params, setParams] = useSearchParams();
  const set = (id: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set(JOB_PARAM, id);
        else next.delete(JOB_PARAM);
        return next;
      },
      { replace: true },
    );
  return [params.get(JOB_PARAM), set] as const;
}

function useMergeJob(jobId: string | null) {
  return useQuery({
    queryKey: ['duplicates', 'merge-job', jobId],
    queryFn: () =>
      unwrap(api.GET('/api/duplicates/merge-matches/jobs/{id}', { params: { path: { id: jobId! } } })),
    enabled: Boolean(jobId),
    refetchInterval: (query) => {
      const state = query.state.data?.state;
      return state === 'done' || state === 'failed' ? false : 1000;
    },
  });
}

export function AutoMergeButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [jobId, setJob] = useJobParam();
  const running = ['queued', 'running'].includes(useMergeJob(jobId).data?.state ?? 'none');
  // A dry run answers with the plan (200); a background merge with its job (202).
  const preview = useMutation({
    mutationFn: async () => {
      const answer = await unwrap(api.POST('/api/duplicates/merge-matches', { body: { dry_run: true } }));
      if ('job_id' in answer) throw new Error('a dry run was queued as a job');
      return answer;
    },
  });
  const start = useMutation({
    mutationFn: async () => {
      const answer = await unwrap(api.POST('/api/duplicates/merge-matches', { body: { background: true } }));
      if (!('job_id' in answer)) throw new Error('the merge ran within the request');
      return answer;
    },
    onSuccess: (answer) => {
      setOpen(false);
      setJob(answer.job_id);
    },
  });
  const plan = preview.data;
  const sample = plan?.merges.slice(0, SAMPLE) ?? [];
  const names = useContactsById(sample.flatMap((m) => [m.survivor_id, ...m.merged_ids]));
  const nameOf = (id: string) => {
    const contact = names.data?.get(id);
    return contact ? displayName(contact) : id;
  };
  const held = plan
    ? plan.held_back.weakest_pair_below_match +
      plan.held_back.marked_not_duplicate +
      plan.held_back.pairs_missing
    : 0;

  return (
    <>
      <Button
        variant="default"
        disabled={running}
        onClick={() => {
          setOpen(true);
          preview.mutate();
        }}
      >
        {t('duplicates.auto.button')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('duplicates.auto.title')} size="lg">
        <Stack gap="sm">
          {preview.isPending && <Text size="sm">{t('common.loading')}…</Text>}
          {preview.isError && (
            <Alert color="red" role="alert">
              {errorMessage(preview.error, t)}
            </Alert>
          )}
          {plan && (
            <>
              <Text size="sm">
                {plan.merges.length > 0
                  ? t('duplicates.auto.summary', {
                      clusters: formatNumber(plan.merges.length),
                      contacts: formatNumber(plan.merged_contacts),
                    })
                  : t('duplicates.auto.nothing')}
              </Text>
              {sample.length > 0 && (
                <List size="sm" spacing={2}>
                  {sample.map((m) => (
                    <List.Item key={m.survivor_id}>
                      <Anchor
                        component={Link}
                        to={compareContactsUrl([m.survivor_id, ...m.merged_ids])}
                        size="sm"
                      >
                        {t('duplicates.auto.sampleItem', {
                          survivor: nameOf(m.survivor_id),
                          merged: formatList(m.merged_ids.map(nameOf)),
                        })}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
              )}
              {held > 0 && (
                <Text size="sm" c="dimmed">
                  {t('duplicates.auto.heldBack', {
                    count: held,
                    total: formatNumber(held),
                    weak: formatNumber(plan.held_back.weakest_pair_below_match),
                    marked: formatNumber(plan.held_back.marked_not_duplicate),
                    missing: formatNumber(plan.held_back.pairs_missing),
                  })}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {t('duplicates.auto.undo')}
              </Text>
            </>
          )}
          {start.isError && (
            <Alert color="red" role="alert">
              {errorMessage(start.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              disabled={!plan || plan.merges.length === 0}
              loading={start.isPending}
              onClick={() => start.mutate()}
            >
              {t('duplicates.auto.confirm', { count: plan?.merges.length ?? 0 })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** The running (or just finished) automatic merge named in the URL, with its progress and outcome. */
export function AutoMergeProgress() {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  const client = useQueryClient();
  const [jobId, setJob] = useJobParam();
  const job = useMergeJob(jobId);
  const state = job.data?.state;
  const finished = state === 'done' || state === 'failed';
  const progress = (job.data?.progress ?? null) as MergeJobProgress | null;

  useEffect(() => {
    if (!finished) return;
    for (const key of ['duplicates', 'merges', 'contacts'])
      void client.invalidateQueries({ queryKey: [key] });
  }, [finished, client]);

  if (!jobId) return null;
  if (job.isError)
    return (
      <Alert color="red" mb="md" role="alert" withCloseButton onClose={() => setJob(null)}>
        {errorMessage(job.error, t)}
      </Alert>
    );
  if (!finished) {
    const percent = progress && progress.total > 0 ? (progress.done / progress.total) * 100 : 0;
    return (
      <div role="status" aria-live="polite" className="kith-job-progress">
        <Text size="sm">
          {progress
            ? t('duplicates.auto.progress', {
                done: formatNumber(progress.done),
                total: formatNumber(progress.total),
                merged: formatNumber(progress.merged_clusters),
                failed: formatNumber(progress.failed),
              })
            : t('duplicates.auto.queued')}
        </Text>
        <Progress value={percent} animated={!progress} striped={!progress} mt={4} mb="md" aria-hidden />
      </div>
    );
  }
  const failed = state === 'failed';
  const failures = progress?.failures ?? [];
  return (
    <Alert
      color={failed ? 'red' : progress && progress.failed > 0 ? 'yellow' : 'green'}
      mb="md"
      role={failed ? 'alert' : 'status'}
      withCloseButton
      closeButtonLabel={t('common.close')}
      onClose={() => setJob(null)}
    >
      <Text size="sm">
        {t(failed ? 'duplicates.auto.failed' : 'duplicates.auto.done', {
          clusters: formatNumber(progress?.merged_clusters ?? 0),
          contacts: formatNumber(progress?.merged_contacts ?? 0),
          failed: formatNumber(progress?.failed ?? 0),
          reason: job.data?.last_error ? failureText(job.data.last_error, t) : '',
        })}{' '}
        {(progress?.already_merged ?? 0) > 0 &&
          `${t('duplicates.auto.alreadyMerged', {
            count: progress!.already_merged,
            n: formatNumber(progress!.already_merged!),
          })} `}
        <Anchor component={Link} to="/merges" size="sm">
          {t('duplicates.merges.link')}
        </Anchor>
      </Text>
      {failures.length > 0 && (
        <List size="sm" spacing={2} mt={4}>
          {failures.slice(0, SAMPLE).map((f) => (
            <List.Item key={f.contact_ids.join()}>
              <Anchor component={Link} to={compareContactsUrl(f.contact_ids)} size="sm">
                {mergeErrorText(
                  new ApiError(409, f.code, f.error, (f.details ?? null) as Record<string, unknown> | null),
                  t,
                  { field: fieldLabel },
                )}
              </Anchor>
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
