/** A secret Kith shows once (an API token, a webhook's signing secret): the value, a copy button, a warning. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function SecretReveal({ label, secret }: { label: string; secret: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block className="kith-secret" data-testid="secret" style={{ flex: 1 }}>
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'light' : 'default'}
              color={copied ? 'green' : undefined}
              onClick={copy}
            >
              {copied ? t('settings.secret.copied') : t('settings.secret.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Alert color="yellow" p="xs">
        <Text size="sm">{t('settings.secret.once')}</Text>
      </Alert>
    </Stack>
  );
}
