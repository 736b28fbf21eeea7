/**
 * The orders page's "Export": the orders matching the page's filters, with their items, downloaded at
 * once through GET /api/orders/export — a format picker and a real link (the browser streams the file).
 */
import { Button, Group, Select } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;

/** GET /api/orders/export's URL for a format and the orders list's filters (pure). */
export function ordersExportUrl(format: string, filters: Record<string, string | undefined>): string {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  return `/api/orders/export?${query.toString()}`;
}

export function OrdersExportMenu({ filters }: { filters: Record<string, string | undefined> }) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<string>('csv');
  return (
    <Group gap={4} wrap="nowrap">
      <Select
        aria-label={t('exports.format')}
        data={FORMATS.map((f) => ({ value: f, label: t(`exports.formats.${f}`) }))}
        value={format}
        onChange={(value) => setFormat(value ?? 'csv')}
        allowDeselect={false}
        w={220}
      />
      <Button
        variant="default"
        component="a"
        href={ordersExportUrl(format, filters)}
        download
        aria-label={t('exports.orders.menuLabel')}
        title={t('exports.orders.hint')}
      >
        {t('exports.orders.menu')}
      </Button>
    </Group>
  );
}
