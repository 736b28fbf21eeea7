/**
 * The notice a list shows when its URL holds filters it ignores (a value it cannot read, a name that
 * names nothing): which ones, in the user's words, and a button that takes them out of the address.
 * One notice for every list (orders, customers), so a shared link that went stale reads the same
 * everywhere.
 */
import { Alert, Button, Text } from '@mantine/core';

export function IgnoredFiltersNotice({
  title,
  description,
  removeLabel,
  onRemove,
}: {
  title: string;
  /** What was ignored and why, the filters named. */
  description: string;
  removeLabel: string;
  onRemove: () => void;
}) {
  return (
    <Alert
      color="orange"
      mb="md"
      role="status"
      title={title}
      // Mantine's orange title on its light background fails WCAG AA contrast: the text colour passes.
      styles={{ title: { color: 'var(--mantine-color-text)' } }}
    >
      <Text size="sm">{description}</Text>
      <Button mt="xs" size="xs" variant="default" onClick={onRemove}>
        {removeLabel}
      </Button>
    </Alert>
  );
}
