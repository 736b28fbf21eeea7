/** A refused upload or action: the translated sentence, the server's words, and the fields it named. */
import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { explainImportError, fieldProblemLines } from './import-errors';

export function ImportErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  const explained = explainImportError(error, t);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  // A mapped column is named by the column, in the user's words; one field alone is said as the server
  // wrote it unless it is a column (its message names the field, the reason and the value).
  const lines =
    fields.length > 1 || fields.some((f) => f.field.startsWith('mapping.'))
      ? fieldProblemLines(fields, t)
      : [];
  return (
    <Alert color="red" role="alert" title={title ?? explained.title}>
      {title && <Text size="sm">{explained.title}</Text>}
      {lines.length > 1 ? (
        <List size="sm" spacing={2}>
          {lines.map((line, index) => (
            <List.Item key={index}>{line}</List.Item>
          ))}
        </List>
      ) : lines.length === 1 ? (
        <Text size="sm">{lines[0]}</Text>
      ) : (
        explained.detail && (
          <Text size="sm" className="kith-server-message">
            {explained.detail}
          </Text>
        )
      )}
    </Alert>
  );
}
