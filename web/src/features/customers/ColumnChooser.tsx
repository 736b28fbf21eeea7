import { Button, Checkbox, Popover, ScrollArea, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CustomerColumn } from './customer-columns';

/** Which columns the list shows (the name column always shows: it is the link to the customer). */
export function ColumnChooser({
  columns,
  chosen,
  onChange,
}: {
  columns: CustomerColumn[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <Popover position="bottom-end" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Button variant="default">{t('customers.columns')}</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <ScrollArea.Autosize mah={360}>
          <Stack gap={6} role="group" aria-label={t('customers.columns')}>
            {columns.map((column) => (
              <Checkbox
                key={column.id}
                label={column.label}
                checked={chosen.includes(column.id)}
                onChange={(event) =>
                  onChange(
                    event.currentTarget.checked
                      ? columns.filter((c) => c.id === column.id || chosen.includes(c.id)).map((c) => c.id)
                      : chosen.filter((id) => id !== column.id),
                  )
                }
              />
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
