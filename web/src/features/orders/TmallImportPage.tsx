/**
 * `/imports/orders/new`: a Tmall order import. Both reports exported from the seller centre — the
 * order report and its items report — are chosen together and sent as one import; the run is then
 * followed at `/imports/:id` like any import (progress, counts, failure file, undo).
 */
import { Alert, Button, Checkbox, FileInput, Paper, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, upload } from '../../api/client';
import { RequireAdmin } from '../../session/RequireSession';
import { ImportModeSwitch } from '../imports/ImportModeSwitch';
import { orderImportErrorText } from '../imports/import-errors';
import { PageHeader } from '../../ui/PageHeader';

export default function TmallImportPage() {
  return (
    <RequireAdmin>
      <TmallImport />
    </RequireAdmin>
  );
}

function TmallImport() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [orders, setOrders] = useState<File | null>(null);
  const [items, setItems] = useState<File | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [group, setGroup] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const start = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('options', JSON.stringify({ tags, group: group.trim() || null, dry_run: dryRun }));
      form.append('orders_file', orders!, orders!.name);
      form.append('items_file', items!, items!.name);
      return upload<Schemas['Import']>('/api/imports', form, setProgress);
    },
    onSuccess: (record) => void navigate(`/imports/${record.id}`),
  });

  return (
    <>
      <PageHeader title={t('orders.import.title')} description={t('orders.import.description')} />
      <ImportModeSwitch current="tmall" />
      <Paper withBorder p="md" maw={640}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (orders && items) start.mutate();
          }}
        >
          <Stack gap="md">
            <FileInput
              label={t('orders.import.ordersFile')}
              description={t('orders.import.ordersHint')}
              accept=".csv,.xlsx,text/csv"
              // An empty box does not say it opens a file chooser.
              placeholder={t('imports.upload.choose')}
              value={orders}
              onChange={setOrders}
              clearable
              clearButtonProps={{ 'aria-label': t('orders.import.clear') }}
              required
            />
            <FileInput
              label={t('orders.import.itemsFile')}
              description={t('orders.import.itemsHint')}
              accept=".csv,.xlsx,text/csv"
              placeholder={t('imports.upload.choose')}
              value={items}
              onChange={setItems}
              clearable
              clearButtonProps={{ 'aria-label': t('orders.import.clear') }}
              required
            />
            <TagsInput label={t('orders.import.tags')} value={tags} onChange={setTags} />
            <TextInput
              label={t('orders.import.group')}
              value={group}
              onChange={(e) => setGroup(e.currentTarget.value)}
            />
            <Checkbox
              label={t('orders.import.dryRun')}
              checked={dryRun}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
            />
            {start.isError && <Alert color="red">{orderImportErrorText(start.error, t)}</Alert>}
            {start.isPending && progress !== null && (
              <Text size="sm" c="dimmed">
                {t('orders.import.uploading', { percent: Math.round(progress * 100) })}
              </Text>
            )}
            <Button type="submit" disabled={!orders || !items} loading={start.isPending}>
              {t('orders.import.start')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
