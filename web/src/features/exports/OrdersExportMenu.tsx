/**
 * The orders page's "Export": the orders matching the page's filters, with their items, downloaded at
 * once through GET /api/orders/export (real links, one per format: the browser streams the file).
 */
import { Button, Menu } from '@mantine/core';
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
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" aria-label={t('exports.orders.menuLabel')} title={t('exports.orders.hint')}>
          {t('exports.orders.menu')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {FORMATS.map((format) => (
          <Menu.Item key={format} component="a" href={ordersExportUrl(format, filters)} download>
            {t(`exports.formats.${format}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
