/** An import's warnings about the file as a whole (columns left out …), in the user's language where known. */
import { Alert, List } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type FileWarning, fileWarningText } from './file-warning-text';

export function FileWarnings({ warnings }: { warnings: FileWarning[] }) {
  const { t, i18n } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <Alert color="yellow" title={t('imports.check.warnings')}>
      <List size="sm" spacing={2}>
        {warnings.map((warning) => (
          <List.Item key={warning.message} className="kith-server-message">
            {fileWarningText(warning, t, i18n.language)}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
