/** An import's status, and whether it was only a check (预检查) or has been undone. */
import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type ImportRecord, isUndoing } from './import-api';

const COLORS: Record<ImportRecord['status'], string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
};

// A badge clips its label with an ellipsis, so a table squeezing its column showed "C…" / "已…" for
// "Completed" / "已完成" (the history at 1024 px): each badge keeps its whole label's width.
const WHOLE = { miw: 'max-content' } as const;

export function ImportStatusBadge({ record }: { record: ImportRecord }) {
  const { t } = useTranslation();
  return (
    // The badges stack when the column is narrow (the history at 1024 px) and stand in a row otherwise.
    <Group gap={4}>
      <Badge color={COLORS[record.status]} variant="dot" tt="none" {...WHOLE}>
        {t(`imports.status.${record.status}`)}
      </Badge>
      {record.dry_run && (
        <Badge color="violet.9" variant="outline" tt="none" {...WHOLE}>
          {t('imports.status.dryRun')}
        </Badge>
      )}
      {record.undone_at && (
        <Badge color={isUndoing(record) ? 'blue.8' : 'gray.7'} variant="outline" tt="none" {...WHOLE}>
          {t(isUndoing(record) ? 'imports.status.undoing' : 'imports.status.undone')}
        </Badge>
      )}
    </Group>
  );
}
