/** Step 1: choose the file (the size limit shown first), with templates to start from. */
import { Anchor, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ImportErrorAlert } from './ImportErrorAlert';
import { FileDropzone } from './FileDropzone';
import { formatBytes } from './format';
import templateEn from './templates/customers-en.csv?url&no-inline';
import templateZh from './templates/customers-zh.csv?url&no-inline';

export function UploadStep({
  maxBytes,
  onFile,
  reading,
  progress,
  error,
  current,
  onContinue,
}: {
  maxBytes: number | null;
  onFile: (file: File) => void;
  reading: boolean;
  progress: number | null;
  error: unknown;
  current: File | null;
  onContinue?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="md" maw={880}>
      {reading ? (
        <Paper withBorder p="xl" aria-live="polite">
          <Stack gap="xs">
            <Text fw={600}>{t('imports.upload.reading')}</Text>
            <Progress
              value={Math.round((progress ?? 0) * 100)}
              animated={progress === null || progress >= 1}
              aria-label={t('imports.upload.progress')}
            />
            <Text size="sm" c="dimmed">
              {progress !== null && progress < 1
                ? t('imports.upload.sending', { percent: Math.round(progress * 100) })
                : t('imports.upload.server')}
            </Text>
          </Stack>
        </Paper>
      ) : (
        <FileDropzone maxBytes={maxBytes} onFile={onFile} />
      )}
      {error !== null && error !== undefined && <ImportErrorAlert error={error} />}
      {current && onContinue && !reading && (
        <Group justify="space-between">
          <Text size="sm">
            {t('imports.upload.current', { name: current.name, size: formatBytes(current.size) })}
          </Text>
          <Button variant="default" onClick={onContinue}>
            {t('imports.upload.continue')}
          </Button>
        </Group>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb={4}>
          {t('imports.templates.title')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('imports.templates.description')}
        </Text>
        <Group gap="lg">
          <Anchor href={templateEn} download="kith-customers-template.csv" size="sm">
            {t('imports.templates.english')}
          </Anchor>
          <Anchor href={templateZh} download="kith-客户导入模板.csv" size="sm">
            {t('imports.templates.chinese')}
          </Anchor>
        </Group>
      </Paper>
    </Stack>
  );
}
