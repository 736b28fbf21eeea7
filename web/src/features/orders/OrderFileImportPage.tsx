/**
 * `/imports/orders/file`: an order import of any shop's CSV/XLSX. The file is previewed with order
 * targets suggested for its columns; each column's target can be changed (an order field, a customer
 * key, an item field, the items column, kept as an extra field, or ignored); a check (dry run) counts
 * what would happen without writing; the run is then followed at `/imports/:id` like any import.
 */
import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { type Schemas, upload } from '../../api/client';
import { RequireAdmin } from '../../session/RequireSession';
import { ImportCounts } from '../imports/ImportCounts';
import { ImportModeSwitch } from '../imports/ImportModeSwitch';
import { useIdentityTypes, useImport } from '../imports/import-api';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { orderFileOptionErrors, orderImportErrorText } from '../imports/import-errors';
import { PageHeader } from '../../ui/PageHeader';
import { TableScroll } from '../../ui/TableScroll';

type Preview = Schemas['ImportPreview'];

const GROUPS: { group: string; targets: string[] }[] = [
  {
    group: 'order',
    targets: [
      'order_number',
      'status',
      'currency',
      'goods_amount',
      'postage_amount',
      'total_amount',
      'paid_amount',
      'ordered_at',
      'paid_at',
      'shipped_at',
      'completed_at',
      'closed_at',
      'shop_id',
      'shop_name',
      'buyer_nick',
      'buyer_message',
      'seller_note',
      'receiver_name',
      'receiver_phone',
      'receiver_address',
    ],
  },
  { group: 'customer', targets: ['customer.id', 'customer.phone', 'customer.email', 'customer.name'] },
  {
    group: 'item',
    targets: [
      'item.title',
      'item.sku',
      'item.external_number',
      'item.properties',
      'item.quantity',
      'item.unit_price',
      'item.status',
      'item.note',
      'items',
    ],
  },
  { group: 'other', targets: ['extra', 'ignore'] },
];

const isCustomerKey = (target: string) =>
  ['customer.id', 'customer.phone', 'customer.email'].includes(target) || target.startsWith('identity.');

export default function OrderFileImportPage() {
  return (
    <RequireAdmin>
      <OrderFileImport />
    </RequireAdmin>
  );
}

function OrderFileImport() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const identityTypes = useIdentityTypes();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [source, setSource] = useState('csv');
  const [currency, setCurrency] = useState('CNY');
  const [tags, setTags] = useState<string[]>([]);
  const [group, setGroup] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [checkId, setCheckId] = useState<string | null>(null);
  const check = useImport(checkId);

  const read = useMutation({
    mutationFn: (chosen: File) => {
      const form = new FormData();
      form.append('kind', 'orders');
      form.append('file', chosen, chosen.name);
      return upload<Preview>('/api/imports/preview', form, setProgress);
    },
    onSuccess: (result) => {
      setPreview(result);
      setChoices(Object.fromEntries(result.suggested_mapping.map((s) => [s.column, s.target ?? 'extra'])));
      setCheckId(null);
    },
    onSettled: () => setProgress(null),
  });

  const mapping = useMemo(
    () => Object.fromEntries((preview?.header ?? []).map((column) => [column, choices[column] ?? 'extra'])),
    [preview, choices],
  );
  const targets = Object.values(mapping);
  const repeated = targets.filter(
    (target, i) => !['extra', 'ignore'].includes(target) && targets.indexOf(target) !== i,
  );
  const problems = [
    ...(targets.includes('order_number') ? [] : [t('orders.file.needNumber')]),
    ...(targets.some(isCustomerKey) ? [] : [t('orders.file.needKey')]),
    ...[...new Set(repeated)].map((target) => t('orders.file.repeated', { target: targetLabel(target) })),
  ];

  function targetLabel(target: string) {
    if (target.startsWith('identity.')) {
      const key = target.slice('identity.'.length);
      const type = identityTypes.data?.data.find((it) => it.key === key);
      return t('orders.targets.identity', { type: type ? identityTypeLabel(type, t) : key });
    }
    return t(`orders.targets.${target.replace('.', '_')}`);
  }

  const options = [
    ...GROUPS.map(({ group: g, targets: list }) => ({
      group: t(`orders.file.groups.${g}`),
      items: [
        ...list.map((value) => ({ value, label: targetLabel(value) })),
        ...(g === 'customer'
          ? (identityTypes.data?.data ?? []).map((type) => ({
              value: `identity.${type.key}`,
              label: targetLabel(`identity.${type.key}`),
            }))
          : []),
      ],
    })),
  ];

  const start = useMutation({
    mutationFn: (dryRun: boolean) => {
      const form = new FormData();
      form.append('kind', 'orders');
      form.append('mapping', JSON.stringify(mapping));
      form.append(
        'options',
        JSON.stringify({
          order_source: source.trim() || 'csv',
          currency: currency.trim() || 'CNY',
          tags,
          group: group.trim() || null,
          dry_run: dryRun,
        }),
      );
      // The preview kept the file for this user; a run after a day sends it again.
      if (preview?.upload_id) form.append('upload_id', preview.upload_id);
      else form.append('file', file!, file!.name);
      return upload<Schemas['Import']>('/api/imports', form, setProgress);
    },
    onSuccess: (record) => {
      if (record.dry_run) setCheckId(record.id);
      else void navigate(`/imports/${record.id}`);
    },
    onSettled: () => setProgress(null),
  });
  const checking = Boolean(check.data && ['queued', 'running'].includes(check.data.status));
  // A refused source or currency is said under its own field, with the value refused; anything else
  // in the alert beneath the settings. Changing a setting clears what was said about it.
  const optionErrors = start.isError ? orderFileOptionErrors(start.error, t) : null;

  return (
    <>
      <PageHeader title={t('orders.file.title')} description={t('orders.file.description')} />
      <ImportModeSwitch current="orders" />
      <Stack gap="md">
        <Paper withBorder p="md" maw={640}>
          <FileInput
            label={t('orders.file.file')}
            description={t('orders.file.fileHint')}
            accept=".csv,.xlsx,.txt,text/csv"
            // An empty box does not say it opens a file chooser.
            placeholder={t('imports.upload.choose')}
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              setPreview(null);
              setCheckId(null);
              if (chosen) read.mutate(chosen);
            }}
            clearable
            clearButtonProps={{ 'aria-label': t('orders.import.clear') }}
          />
          {read.isPending && (
            <Text size="sm" c="dimmed" mt="xs">
              {progress === null
                ? t('orders.file.reading')
                : t('orders.import.uploading', { percent: Math.round(progress * 100) })}
            </Text>
          )}
          {read.isError && (
            <Alert color="red" mt="sm">
              {orderImportErrorText(read.error, t)}
            </Alert>
          )}
        </Paper>

        {preview && (
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              {t('orders.file.mappingTitle')}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t('orders.file.mappingHint', { rows: preview.rows.length })}
            </Text>
            <TableScroll minWidth={640} label={t('orders.file.mappingTitle')}>
              <Table aria-label={t('orders.file.mappingTitle')} verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('orders.file.column')}</Table.Th>
                    <Table.Th>{t('orders.file.sample')}</Table.Th>
                    <Table.Th w={280}>{t('orders.file.target')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.header.map((column, index) => (
                    <Table.Tr key={column} data-column={column}>
                      <Table.Td fw={500}>{column}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed" lineClamp={1} maw={320}>
                          {preview.rows
                            .slice(0, 3)
                            .map((row) => row[index] ?? '')
                            .filter((cell) => cell.trim() !== '')
                            .join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          aria-label={t('orders.file.targetOf', { column })}
                          data={options}
                          value={mapping[column]}
                          onChange={(next) => {
                            setChoices((c) => ({ ...c, [column]: next ?? 'extra' }));
                            setCheckId(null);
                          }}
                          allowDeselect={false}
                          searchable
                          comboboxProps={{ withinPortal: true }}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            {problems.length > 0 && (
              <Alert color="yellow" mt="sm" title={t('orders.file.notReady')}>
                <Stack gap={2}>
                  {problems.map((p) => (
                    <Text size="sm" key={p}>
                      {p}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            )}
          </Paper>
        )}

        {preview && (
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('orders.file.settingsTitle')}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" maw={640}>
              <TextInput
                label={t('orders.file.source')}
                description={t('orders.file.sourceHint')}
                value={source}
                error={optionErrors?.source}
                onChange={(e) => {
                  setSource(e.currentTarget.value);
                  start.reset();
                }}
              />
              <TextInput
                label={t('orders.file.currency')}
                description={t('orders.file.currencyHint')}
                value={currency}
                maxLength={3}
                error={optionErrors?.currency}
                onChange={(e) => {
                  setCurrency(e.currentTarget.value.toUpperCase());
                  start.reset();
                }}
              />
              <TagsInput label={t('orders.file.tags')} value={tags} onChange={setTags} />
              <TextInput
                label={t('orders.file.group')}
                value={group}
                onChange={(e) => setGroup(e.currentTarget.value)}
              />
            </SimpleGrid>
            {start.isError && !optionErrors && (
              <Alert color="red" mt="sm">
                {orderImportErrorText(start.error, t)}
              </Alert>
            )}
            {check.data && !checking && (
              <Stack gap="xs" mt="md" data-testid="order-check">
                <Text size="sm" fw={500}>
                  {t('orders.file.checked')}
                </Text>
                <ImportCounts record={check.data} />
                <Link to={`/imports/${check.data.id}`}>{t('orders.file.openCheck')}</Link>
              </Stack>
            )}
            <Group mt="md">
              <Button
                variant="default"
                onClick={() => start.mutate(true)}
                disabled={problems.length > 0}
                loading={(start.isPending && start.variables) || checking}
              >
                {t('orders.file.check')}
              </Button>
              <Button
                onClick={() => start.mutate(false)}
                disabled={problems.length > 0}
                loading={start.isPending && !start.variables}
              >
                {t('orders.import.start')}
              </Button>
            </Group>
          </Paper>
        )}
      </Stack>
    </>
  );
}
