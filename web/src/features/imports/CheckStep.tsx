/**
 * Step 5: 预检查 — the whole file goes through a dry run (nothing is written): what would be created,
 * updated, left unchanged or fail, with the top reasons and the first failing rows. Then the import
 * itself starts and its page (`/imports/:id`) follows it.
 */
import { Alert, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatNumber } from '../../i18n';
import { RowReport } from './RowReport';
import { startImport, useImport } from './import-api';
import { FileWarnings } from './FileWarnings';
import { ImportCounts } from './ImportCounts';
import { ImportErrorAlert } from './ImportErrorAlert';
import { importFailureText } from './import-errors';
import { ImportProgress } from './ImportProgress';
import { checkSignature, effectiveMapping, importOptions, type Step, type WizardState } from './wizard-state';

export function CheckStep({
  state,
  onChecked,
  onBack,
  onEdit,
}: {
  state: WizardState;
  onChecked: (check: { id: string; signature: string }) => void;
  onBack: () => void;
  onEdit: (step: Step) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [sent, setSent] = useState<number | null>(null);
  const signature = checkSignature(state);
  const current = state.check?.signature === signature ? state.check : null;
  const record = useImport(current?.id);
  const started = useRef<string | null>(null);

  const check = useMutation({
    mutationFn: () =>
      startImport(
        { uploadId: state.uploadId!, file: state.file! },
        effectiveMapping(state.preview, state.choices),
        importOptions(state, true),
        setSent,
      ),
    onSuccess: (created) => onChecked({ id: created.id, signature }),
    onSettled: () => setSent(null),
  });
  const run = useMutation({
    mutationFn: () =>
      startImport(
        { uploadId: state.uploadId!, file: state.file! },
        effectiveMapping(state.preview, state.choices),
        importOptions(state, false),
        setSent,
      ),
    onSuccess: (created) => {
      void client.invalidateQueries({ queryKey: ['imports'] });
      void navigate(`/imports/${created.id}`);
    },
    onSettled: () => setSent(null),
  });

  // A check for exactly this file, mapping and settings, started once.
  useEffect(() => {
    if (current || started.current === signature) return;
    started.current = signature;
    check.mutate();
  }, [current, signature, check]);

  const data = record.data;
  const done = data?.status === 'completed';
  const uploading = sent !== null;

  return (
    <Stack gap="md">
      <Alert color="blue" title={t('imports.check.title')}>
        {t('imports.check.explain')}
      </Alert>
      {check.isError && (
        <>
          <ImportErrorAlert error={check.error} title={t('imports.check.refused')} />
          <Group>
            <Button variant="default" onClick={() => onEdit('mapping')}>
              {t('imports.check.editMapping')}
            </Button>
            <Button variant="default" onClick={() => check.mutate()}>
              {t('common.retry')}
            </Button>
          </Group>
        </>
      )}
      {(check.isPending || (data && !done && data.status !== 'failed' && data.status !== 'cancelled')) && (
        <Paper withBorder p="md">
          <Text fw={600} mb="xs">
            {t('imports.check.running')}
          </Text>
          {check.isPending && uploading ? (
            <Stack gap={4}>
              <Progress value={Math.round((sent ?? 0) * 100)} aria-label={t('imports.upload.progress')} />
              <Text size="sm" c="dimmed">
                {t('imports.upload.sending', { percent: Math.round((sent ?? 0) * 100) })}
              </Text>
            </Stack>
          ) : check.isPending ? (
            <Progress value={100} animated aria-label={t('imports.check.running')} />
          ) : (
            data && <ImportProgress record={data} answeredAt={record.dataUpdatedAt} />
          )}
        </Paper>
      )}
      {data?.status === 'failed' && (
        <Alert color="red" title={t('imports.check.failed')} role="alert">
          <Text size="sm" className="kith-server-message">
            {data.error && importFailureText(data.error, t)}
          </Text>
        </Alert>
      )}
      {done && data && (
        <>
          {/* The decision sits beside the summary, above the details it rests on. */}
          <Group justify="space-between" align="center" wrap="wrap" gap="sm">
            <Title order={2} size="h5">
              {data.failed === 0
                ? t('imports.check.allGood', { count: data.rows, n: formatNumber(data.rows) })
                : t('imports.check.someFail', {
                    count: data.failed,
                    n: formatNumber(data.failed),
                    rows: formatNumber(data.rows),
                  })}
            </Title>
            <Group gap="sm">
              {data.failed > 0 && (
                <Button variant="default" onClick={() => onEdit('mapping')} disabled={run.isPending}>
                  {t('imports.check.editMapping')}
                </Button>
              )}
              <Button
                onClick={() => run.mutate()}
                disabled={uploading || data.rows === data.failed}
                loading={run.isPending}
              >
                {t('imports.check.run', {
                  count: data.rows - data.failed,
                  n: formatNumber(data.rows - data.failed),
                })}
              </Button>
            </Group>
          </Group>
          {run.isError && <ImportErrorAlert error={run.error} />}
          {run.isPending && uploading && (
            <Stack gap={4}>
              <Progress value={Math.round((sent ?? 0) * 100)} aria-label={t('imports.upload.progress')} />
              <Text size="sm" c="dimmed">
                {t('imports.upload.sending', { percent: Math.round((sent ?? 0) * 100) })}
              </Text>
            </Stack>
          )}
          <ImportCounts record={data} />
          <FileWarnings warnings={data.warning_details} />
          {data.failed > 0 && <RowReport record={data} kind="failures" />}
          {data.warned > 0 && <RowReport record={data} kind="warnings" />}
        </>
      )}
      <Group>
        <Button variant="default" onClick={onBack} disabled={run.isPending}>
          {t('common.back')}
        </Button>
      </Group>
    </Stack>
  );
}
