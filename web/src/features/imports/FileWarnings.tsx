/** An import's warnings about the file as a whole (columns left out …), in the user's language where known. */
import { Alert, List } from '@mantine/core';
import { useTranslation } from 'react-i18next';

function translated(warning: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  const notImported = /^columns not imported: (.*)$/.exec(warning);
  if (notImported) return t('imports.check.notImported', { columns: notImported[1] });
  return warning;
}

export function FileWarnings({ warnings }: { warnings: string[] }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <Alert color="yellow" title={t('imports.check.warnings')}>
      <List size="sm" spacing={2}>
        {warnings.map((warning) => (
          <List.Item key={warning} className="kith-server-message">
            {translated(warning, t)}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
