/**
 * A record's state as a coloured dot and a word in the normal text colour: readable at any contrast
 * (Mantine's light badges put pale text on a pale ground), calm in a dense table.
 */
import { Box, Group, Text } from '@mantine/core';

export function StatusLabel({ color, children }: { color: string; children: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={8} h={8} bg={`${color}.6`} style={{ borderRadius: 4, flexShrink: 0 }} aria-hidden />
      <Text size="sm" span style={{ whiteSpace: 'nowrap' }}>
        {children}
      </Text>
    </Group>
  );
}
