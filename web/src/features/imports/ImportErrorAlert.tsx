/** A refused upload or action: the translated sentence, the server's words, and the fields it named. */
import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { formatList } from '../../i18n';
import { discardUpload } from './import-api';
import { explainImportError, fieldProblemLines, stagedUploadsOf } from './import-errors';

export function ImportErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t, i18n } = useTranslation();
  const explained = explainImportError(error, t, i18n.language);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  // A mapped column is named by the column, in the user's words; one field alone is said as the server
  // wrote it unless it is a column (its message names the field, the reason and the value).
  const lines =
    fields.length > 1 || fields.some((f) => f.field.startsWith('mapping.'))
      ? fieldProblemLines(fields, t)
      : [];
  return (
    <Alert color="red" role="alert" title={title ?? explained.title}>
      {title && <Text size="sm">{explained.title}</Text>}
      {lines.length > 1 ? (
        <List size="sm" spacing={2}>
          {lines.map((line, index) => (
            <List.Item key={index}>{line}</List.Item>
          ))}
        </List>
      ) : lines.length === 1 ? (
        <Text size="sm">{lines[0]}</Text>
      ) : (
        explained.detail && (
          <Text size="sm" className="kith-server-message">
            {explained.detail}
          </Text>
        )
      )}
      <DiscardStagedUploads error={error} />
    </Alert>
  );
}

/**
 * Too many uploads waiting (429 too_many_staged_uploads): the files the server keeps for this user, and
 * a button that discards them. A wizard in another tab that still names one sends its file again.
 */
function DiscardStagedUploads({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const uploads = stagedUploadsOf(error);
  const discard = useMutation({
    mutationFn: async () => {
      for (const upload of uploads) await discardUpload(upload.upload_id);
    },
  });
  if (uploads.length === 0) return null;
  return (
    <Stack gap={6} mt="xs" align="flex-start">
      <Text size="sm">
        {t('imports.stagedUploads.waiting', { names: formatList(uploads.map((u) => u.file_name)) })}
      </Text>
      {discard.isSuccess ? (
        <Text size="sm" role="status">
          {t('imports.stagedUploads.discarded')}
        </Text>
      ) : (
        <Button size="xs" variant="default" loading={discard.isPending} onClick={() => discard.mutate()}>
          {t('imports.stagedUploads.discard')}
        </Button>
      )}
      {discard.isError && <Text size="sm">{t('imports.stagedUploads.discardFailed')}</Text>}
    </Stack>
  );
}
