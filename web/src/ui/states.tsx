/** The states every list and screen has: loading, empty (with what to do next), error (with retry). */
import { Alert, Button, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, isNetworkFailure } from '../api/client';

export function errorMessage(error: unknown, t: (key: string) => string): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('common.errors.network');
    // The server's answers that are the same whatever was asked, in the reader's language; any other
    // message is about the request itself and shown as the server wrote it.
    if (error.code === 'query_timeout') return t('common.errors.queryTimeout');
    if (error.code === 'internal_error') return t('common.errors.internal');
    if (error.code === 'rate_limited') return t('common.errors.rateLimited');
    return error.message;
  }
  return isNetworkFailure(error) ? t('common.errors.network') : t('common.errors.unexpected');
}

export function ErrorState({
  error,
  onRetry,
  forbidden,
}: {
  error?: unknown;
  onRetry?: () => void;
  forbidden?: boolean;
}) {
  const { t } = useTranslation();
  const denied = forbidden || (error instanceof ApiError && error.status === 403);
  // A 404 is an answer, not a failure: asking again would not help, and the server's words name ids.
  const missing = !denied && error instanceof ApiError && error.status === 404;
  return (
    <Alert
      color={denied || missing ? 'yellow' : 'red'}
      title={
        denied
          ? t('common.errors.forbiddenTitle')
          : missing
            ? t('common.errors.notFoundTitle')
            : t('common.errors.title')
      }
      m="md"
      role="alert"
    >
      <Stack gap="sm">
        <Text size="sm">
          {denied
            ? t('common.errors.forbidden')
            : missing
              ? t('common.errors.notFound')
              : errorMessage(error, t)}
        </Text>
        {onRetry && !denied && !missing && (
          <Group>
            {/* A light red button on the red alert's own tint has no edge: it read as stray indented text. */}
            <Button variant="default" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({
  title,
  description,
  action,
  heading = 3,
}: {
  title: string;
  description?: string;
  action?: ReactNode;
  /** The title's level: 3 inside a page that has its own heading, 1 when it is the whole screen. */
  heading?: 1 | 3;
}) {
  return (
    <Stack align="center" gap="xs" py="xl" px="md">
      <Title order={heading} size="h4" fw={600}>
        {title}
      </Title>
      {description && (
        <Text c="dimmed" size="sm" ta="center" maw={480}>
          {description}
        </Text>
      )}
      {action}
    </Stack>
  );
}

export function LoadingRows({ rows = 8 }: { rows?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} p="sm" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={22} />
      ))}
    </Stack>
  );
}

/** The records a screen shows by id, each with its list to go back to. */
export type NotFoundKind = 'customer' | 'conversation' | 'import' | 'rule' | 'compare';

const LISTS: Record<NotFoundKind, string> = {
  customer: '/customers',
  conversation: '/conversations',
  import: '/imports',
  rule: '/automation',
  compare: '/duplicates',
};

/** The server's answer that what was asked for does not exist. */
export const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

/**
 * The one not-found state of the app, for an unknown address (no kind) and for a record that does not
 * exist: what was not found as the screen's heading, why that may be, and the way back to its list.
 */
export function NotFoundState({
  kind,
  backTo,
  children,
}: {
  kind?: NotFoundKind;
  /** Where the way back leads when not the list itself (the list with its filters). */
  backTo?: string;
  /** Anything the screen still offers (an undo). */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const prefix = kind ? `notFound.${kind}` : 'notFound';
  return (
    <div data-testid="not-found">
      <EmptyState
        heading={1}
        title={t(`${prefix}.title`)}
        description={t(`${prefix}.description`)}
        action={
          <Group gap="sm" mt="xs">
            <Button component={Link} to={backTo ?? (kind ? LISTS[kind] : '/customers')}>
              {t(`${prefix}.back`)}
            </Button>
            {children}
          </Group>
        }
      />
    </div>
  );
}
