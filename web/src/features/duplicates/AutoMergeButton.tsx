/**
 * Automatic merge of the match band (admin only): a dry run first — how many groups would merge, how
 * many customers, a sample, and the groups held back for review with the reason — then the merge.
 */
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { formatNumber } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { notify } from '../imports/notify';

const SAMPLE = 5;

export function AutoMergeButton() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const run = (dryRun: boolean) =>
    unwrap(api.POST('/api/duplicates/merge-matches', { body: { dry_run: dryRun } }));
  const preview = useMutation({ mutationFn: () => run(true) });
  const merge = useMutation({
    mutationFn: () => run(false),
    onSuccess: async (result) => {
      setOpen(false);
      await client.invalidateQueries({ queryKey: ['duplicates'] });
      await client.invalidateQueries({ queryKey: ['merges'] });
      await client.invalidateQueries({ queryKey: ['contacts'] });
      notify({
        color: result.failed.length > 0 ? 'yellow' : 'green',
        message: t('duplicates.auto.done', {
          clusters: formatNumber(result.merges.length),
          contacts: formatNumber(result.merged_contacts),
          failed: formatNumber(result.failed.length),
        }),
      });
    },
  });
  const plan = preview.data;
  const held = plan
    ? plan.held_back.weakest_pair_below_match +
      plan.held_back.marked_not_duplicate +
      plan.held_back.pairs_missing
    : 0;

  return (
    <>
      <Button
        variant="default"
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
                {t('duplicates.auto.summary', {
                  clusters: formatNumber(plan.merges.length),
                  contacts: formatNumber(plan.merged_contacts),
                })}
              </Text>
              {plan.merges.length > 0 && (
                <List size="sm" spacing={2}>
                  {plan.merges.slice(0, SAMPLE).map((m) => (
                    <List.Item key={m.survivor_id} className="kith-mono">
                      {m.survivor_id} ← {m.merged_ids.join(', ')}
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
          {merge.isError && (
            <Alert color="red" role="alert">
              {errorMessage(merge.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              disabled={!plan || plan.merges.length === 0}
              loading={merge.isPending}
              onClick={() => merge.mutate()}
            >
              {t('duplicates.auto.confirm', { count: plan?.merges.length ?? 0 })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
