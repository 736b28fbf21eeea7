import { Center, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type Language, setLanguage } from '../../i18n';

/** The calm centred frame of the screens before sign-in. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Center mih="100vh" p="md" component="main">
      <Stack w={380} gap="md">
        <Group justify="space-between">
          <Text fw={700} size="xl" c="indigo.7">
            Kith
          </Text>
          <SegmentedControl
            size="xs"
            aria-label={t('header.language')}
            value={i18n.language}
            onChange={(value) => setLanguage(value as Language)}
            data={[
              { value: 'en', label: 'English' },
              { value: 'zh', label: '中文' },
            ]}
          />
        </Group>
        <Paper withBorder p="lg" radius="md">
          <Stack gap="md">
            <Title order={1} size="h3">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
