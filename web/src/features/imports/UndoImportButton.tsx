/**
 * 撤销 an import: the dialog says exactly what will happen (its created customers deleted, its updated
 * ones restored, later edits kept), then shows what the undo did.
 */
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { notify } from './notify';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import { importKey, type ImportRecord, isActive, undoImport } from './import-api';
import { ImportErrorAlert } from './ImportErrorAlert';

export function canUndo(record: ImportRecord): boolean {
  return !record.dry_run && !record.undone_at && !isActive(record) && record.created + record.updated > 0;
}

export function UndoImportButton({
  record,
  variant = 'default',
  size = 'sm',
}: {
  record: ImportRecord;
  variant?: string;
  size?: string;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button variant={variant} color="red" size={size} onClick={() => setOpened(true)}>
        {t('imports.undo.button')}
      </Button>
      {opened && <UndoImportDialog record={record} onClose={() => setOpened(false)} />}
    </>
  );
}

export function UndoImportDialog({ record, onClose }: { record: ImportRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // An order import counts orders; the customers it created for buyers are in its summary.
  const orders = record.kind !== 'contacts';
  const buyersCreated = record.summary?.buyers.created ?? 0;
  const counted = (key: string, count: number) => t(key, { count, n: formatNumber(count) });
  const consequences = orders
    ? [
        counted('imports.undo.ordersDeletes', record.created),
        counted('imports.undo.ordersRestores', record.updated),
        counted('imports.undo.buyersDeletes', buyersCreated),
        t('imports.undo.ordersKeeps'),
      ]
    : [
        counted('imports.undo.deletes', record.created),
        counted('imports.undo.restores', record.updated),
        t('imports.undo.keeps'),
      ];
  // A large import's undo takes minutes (about 3 s for 10,000 rows): past a few seconds the dialog may
  // be closed, and the pages behind it follow the undo (撤销中) until its report.
  const [slow, setSlow] = useState(false);
  const undo = useMutation({
    mutationFn: () => undoImport(record.id),
    onSuccess: (result) => {
      client.setQueryData(importKey(record.id), result);
      void client.invalidateQueries({ queryKey: ['imports'] });
      void client.invalidateQueries({ queryKey: ['contacts'] });
      const report = result.undo_report;
      notify({
        color: 'green',
        title: t('imports.undo.doneTitle'),
        message: orders
          ? t('imports.undo.ordersDoneShort', {
              orders: formatNumber(report?.restored ?? 0),
              deleted: formatNumber(report?.deleted ?? 0),
            })
          : t('imports.undo.doneShort', {
              deleted: formatNumber(report?.deleted ?? 0),
              restored: formatNumber(report?.restored ?? 0),
            }),
      });
      onClose();
    },
  });
  useEffect(() => {
    if (!undo.isPending) return;
    const timer = setTimeout(() => {
      setSlow(true);
      void client.invalidateQueries({ queryKey: importKey(record.id) });
      void client.invalidateQueries({ queryKey: ['imports'] });
    }, 3000);
    return () => clearTimeout(timer);
  }, [undo.isPending, client, record.id]);

  // Until then it is not left: not by Cancel, nor by ×, Escape or a click beside it.
  const closable = !undo.isPending || slow;
  return (
    <Modal
      opened
      onClose={() => closable && onClose()}
      title={t('imports.undo.title', { file: record.file_name })}
      size="lg"
      className="kith-imports"
      closeButtonProps={{ 'aria-label': t('common.close'), disabled: !closable }}
    >
      <Stack gap="sm">
        <Text size="sm">{t(orders ? 'imports.undo.ordersIntro' : 'imports.undo.intro')}</Text>
        <List size="sm" spacing={4}>
          {consequences.map((text) => (
            <List.Item key={text}>{text}</List.Item>
          ))}
        </List>
        <Alert color="yellow">{t(orders ? 'imports.undo.ordersFinal' : 'imports.undo.final')}</Alert>
        {undo.isError && <ImportErrorAlert error={undo.error} />}
        {slow && undo.isPending && (
          <Alert color="blue" role="status">
            {t('imports.undo.continues')}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={!closable}>
            {t(slow && undo.isPending ? 'common.close' : 'common.cancel')}
          </Button>
          <Button color="red" onClick={() => undo.mutate()} loading={undo.isPending} data-autofocus>
            {t('imports.undo.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
