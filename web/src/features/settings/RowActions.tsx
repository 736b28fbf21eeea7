/**
 * A settings table's row actions. Each control is named with its row, so that a screen reader (and a
 * test) tells one row's "Edit" from the next.
 */
import { ActionIcon, Button, Group, Menu, Table, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The actions column's heading: unseen, but the column still has a name. */
export function ActionsHeader({ w }: { w: number }) {
  const { t } = useTranslation();
  return (
    <Table.Th w={w}>
      <VisuallyHidden>{t('settings.actions')}</VisuallyHidden>
    </Table.Th>
  );
}

/** The row's "⋯" menu; `children` are its Menu.Items. */
export function RowMenu({ name, children }: { name: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('settings.actionsFor', { name })}>
          ⋯
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}

/** Edit and Delete as buttons; without `onDelete` (a row that cannot go), Edit alone. */
export function EditDeleteButtons({
  name,
  onEdit,
  onDelete,
}: {
  name: string;
  onEdit: () => void;
  onDelete?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Button variant="subtle" size="xs" onClick={onEdit} aria-label={t('settings.editNamed', { name })}>
        {t('common.edit')}
      </Button>
      {onDelete && (
        <Button
          variant="subtle"
          color="red"
          size="xs"
          onClick={onDelete}
          aria-label={t('settings.deleteNamed', { name })}
        >
          {t('common.delete')}
        </Button>
      )}
    </Group>
  );
}
