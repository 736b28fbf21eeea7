/**
 * An import's files (the original, the failure and warnings files): how long they are kept
 * (KITH_IMPORT_FILE_RETENTION_DAYS; a check's 24 hours) or when and by whom they were deleted, and
 * their deletion by an administrator, which says exactly what goes and what stays (the record, its
 * counts, its undo) in the same dialog an undo asks in.
 */
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { deleteImportFiles, importKey, type ImportRecord, isActive, useUsers } from './import-api';
import { ImportErrorAlert } from './ImportErrorAlert';
import { notify } from './notify';
import { canUndo } from './UndoImportButton';

/** Whether the import's files are gone (expired, or deleted by hand): its downloads answer 410. */
export const filesGone = (record: Pick<ImportRecord, 'files_state'>) => record.files_state !== 'kept';

/** An administrator may delete an ended import's files while they are kept. */
export const canDeleteFiles = (record: ImportRecord) => !isActive(record) && record.files_state === 'kept';

/** Only administrators see the action (the server refuses agents too). */
export function useIsAdmin(): boolean {
  return useSession().data?.role === 'admin';
}

/** "Files kept until …" / "Files deleted … by …"; null while the import runs. */
export function useFilesText(): (record: ImportRecord) => string | null {
  const { t } = useTranslation();
  const users = useUsers();
  return (record) => {
    if (record.files_state === 'expired')
      return t('imports.files.expired', { when: formatDateTime(record.files_deleted_at) });
    if (record.files_state === 'deleted') {
      const user = users.data?.data.find((u) => u.id === record.files_deleted_by);
      const who = user ? user.name || user.email : t('imports.history.system');
      return t('imports.files.deleted', { when: formatDateTime(record.files_deleted_at), who });
    }
    if (isActive(record)) return null;
    return record.files_expire_at
      ? t('imports.files.keptUntil', { when: formatDateTime(record.files_expire_at) })
      : t('imports.files.keptForever');
  };
}

export function ImportFilesLine({ record }: { record: ImportRecord }) {
  const text = useFilesText()(record);
  if (!text) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="import-files">
      {text}
    </Text>
  );
}

export function DeleteImportFilesButton({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  const admin = useIsAdmin();
  const [opened, setOpened] = useState(false);
  if (!admin || !canDeleteFiles(record)) return null;
  return (
    <>
      <Button variant="default" color="red" onClick={() => setOpened(true)}>
        {t('imports.files.button')}
      </Button>
      {opened && <DeleteImportFilesDialog record={record} onClose={() => setOpened(false)} />}
    </>
  );
}

export function DeleteImportFilesDialog({ record, onClose }: { record: ImportRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => deleteImportFiles(record.id),
    onSuccess: (result) => {
      client.setQueryData(importKey(record.id), result);
      void client.invalidateQueries({ queryKey: ['imports'] });
      void client.invalidateQueries({ queryKey: ['import-rows'] });
      notify({
        color: 'green',
        title: t('imports.files.doneTitle'),
        message: t('imports.files.done', { file: record.file_name }),
      });
      onClose();
    },
  });
  return (
    <Modal
      opened
      onClose={() => !remove.isPending && onClose()}
      title={t('imports.files.title', { file: record.file_name })}
      size="lg"
      className="kith-imports"
      closeButtonProps={{ 'aria-label': t('common.close'), disabled: remove.isPending }}
    >
      <Stack gap="sm">
        <Text size="sm">{t('imports.files.intro')}</Text>
        <List size="sm" spacing={4}>
          <List.Item>{t('imports.files.original')}</List.Item>
          <List.Item>{t('imports.files.reports')}</List.Item>
        </List>
        <Text size="sm">{t(canUndo(record) ? 'imports.files.keepsUndo' : 'imports.files.keeps')}</Text>
        <Alert color="yellow">
          {record.files_expire_at
            ? t('imports.files.final', { when: formatDateTime(record.files_expire_at) })
            : t('imports.files.finalForever')}
        </Alert>
        {remove.isError && <ImportErrorAlert error={remove.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={remove.isPending}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending} data-autofocus>
            {t('imports.files.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
