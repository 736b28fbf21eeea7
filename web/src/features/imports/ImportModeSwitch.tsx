/**
 * What an import brings in, as links between the three import screens (each its own URL): customers
 * (`/imports/new`), a Tmall order report with its items report (`/imports/orders/new`), any shop's
 * order file (`/imports/orders/file`).
 */
import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export type ImportMode = 'customers' | 'tmall' | 'orders';

const MODES: { mode: ImportMode; to: string }[] = [
  { mode: 'customers', to: '/imports/new' },
  { mode: 'tmall', to: '/imports/orders/new' },
  { mode: 'orders', to: '/imports/orders/file' },
];

export function ImportModeSwitch({ current }: { current: ImportMode }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} mb="md" role="navigation" aria-label={t('orders.modes.label')}>
      {MODES.map(({ mode, to }) => (
        <Button
          key={mode}
          component={Link}
          to={to}
          size="xs"
          variant={mode === current ? 'filled' : 'default'}
          aria-current={mode === current ? 'page' : undefined}
        >
          {t(`orders.modes.${mode}`)}
        </Button>
      ))}
    </Group>
  );
}
