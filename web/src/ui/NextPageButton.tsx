/** The button under a paged list (TanStack's infinite query) that reads its next page; nothing past the last. */
import { Button, Group } from '@mantine/core';

interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** `compact`: small, under a panel's content (a timeline) rather than a full-width table. */
export function NextPageButton({
  pages,
  label,
  compact = false,
}: {
  pages: Pages;
  label: string;
  compact?: boolean;
}) {
  if (!pages.hasNextPage) return null;
  return (
    <Group justify="center" {...(compact ? { pt: 'sm' } : { p: 'sm' })}>
      <Button
        variant="default"
        size={compact ? 'xs' : undefined}
        loading={pages.isFetchingNextPage}
        onClick={() => void pages.fetchNextPage()}
      >
        {label}
      </Button>
    </Group>
  );
}
