import { Group, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  // A page reached by a link or a row the keyboard pressed starts at its heading: the element that had
  // focus is gone with the page before, and focus would fall back to the document's start.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body)
      heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
      <Stack gap={2} style={{ minWidth: 0 }}>
        {/* At most two lines, the whole title in its tooltip: a customer's 200-character name filled nine. */}
        <Title
          order={1}
          size="h3"
          ref={heading}
          tabIndex={-1}
          lineClamp={2}
          title={typeof title === 'string' ? title : undefined}
          style={{ outline: 'none', overflowWrap: 'anywhere' }}
        >
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {/* The buttons keep their one line while they fit in three quarters of the width: the description wraps first
          (at 1024 px two buttons had stacked into a column beside a long description). */}
      {actions && (
        <Group gap="sm" justify="flex-end" style={{ flexShrink: 0, maxWidth: '75%' }}>
          {actions}
        </Group>
      )}
    </Group>
  );
}
