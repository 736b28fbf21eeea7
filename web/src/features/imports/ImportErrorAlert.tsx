/** A refused upload or action: the translated sentence, the server's words, and the fields it named. */
import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { explainImportError } from './import-errors';

export function ImportErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  const explained = explainImportError(error, t);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <Alert color="red" role="alert" title={title ?? explained.title}>
      {title && <Text size="sm">{explained.title}</Text>}
      {fields.length > 1 ? (
        <List size="sm" spacing={2}>
          {fields.map((field, index) => (
            <List.Item key={index}>
              <span className="kith-mono">{field.field}</span>: {field.reason}
            </List.Item>
          ))}
        </List>
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
