/**
 * `/customers/deletions` (admin): every batch deletion, newest first — how many, who, when, the backup
 * to download, and restore while the retention period lasts.
 */
import { deletionErrorText } from './deletion-errors';
import { Anchor, Badge, Button, Group, Modal, Paper, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useDeletions } from './customer-queries';
import type { paths } from '../../api/schema';
import { RequireAdmin } from '../../session/RequireSession';
import { formatDateTime, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { useUsers } from '../imports/import-api';
import { notify } from '../imports/notify';

type Deletion =
  paths['/api/contacts/deletions']['get']['responses'][200]['content']['application/json']['data'][number];

export default function DeletionsPage() {
  return (
    <RequireAdmin>
      <Deletions />
    </RequireAdmin>
  );
}

function Deletions() {
  const { t } = useTranslation();
  const deletions = useDeletions();
  const users = useUsers();
  const [restoring, setRestoring] = useState<Deletion | null>(null);
  const rows = deletions.data?.data ?? [];
  const now = Date.now();
  const userName = (id: string | null) => {
    const found = users.data?.data.find((u) => u.id === id);
    return found ? found.name || found.email : '—';
  };
  return (
    <>
      <PageHeader
        title={t('customers.deletions.title')}
        description={t('customers.deletions.description')}
        actions={
          <Button component={Link} to="/customers" variant="default">
            {t('nav.customers')}
          </Button>
        }
      />
      <Paper withBorder>
        {deletions.isPending ? (
          <LoadingRows />
        ) : deletions.isError ? (
          <ErrorState error={deletions.error} onRetry={() => void deletions.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={t('emptyLists.deletions.title')}
            description={t('emptyLists.deletions.description')}
            action={
              <Button component={Link} to="/customers" variant="light">
                {t('emptyLists.deletions.action')}
              </Button>
            }
          />
        ) : (
          <Table className="kith-sticky-head" aria-label={t('customers.deletions.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('customers.deletions.when')}</Table.Th>
                <Table.Th>{t('customers.deletions.who')}</Table.Th>
                <Table.Th ta="right">{t('customers.deletions.count')}</Table.Th>
                <Table.Th>{t('customers.deletions.backup')}</Table.Th>
                <Table.Th w={280}>{t('customers.deletions.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((deletion) => {
                const open = !deletion.restored_at && new Date(deletion.restore_until).getTime() > now;
                return (
                  <Table.Tr key={deletion.id} data-deletion={deletion.id}>
                    {/* A time on one line: at 1024 px Chinese broke it into "2026年 / 12月7日 / 08:36". */}
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(deletion.created_at)}
                    </Table.Td>
                    <Table.Td>{userName(deletion.created_by)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(deletion.count)}</Table.Td>
                    <Table.Td>
                      <Anchor
                        href={`/api/contacts/deletions/${deletion.id}/backup`}
                        download={deletion.backup_file}
                        size="sm"
                      >
                        {deletion.backup_file}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {deletion.restored_at ? (
                        <Badge variant="dot" color="green" tt="none">
                          {t('customers.deletions.restoredAt', {
                            when: formatDateTime(deletion.restored_at),
                          })}
                        </Badge>
                      ) : open ? (
                        <Group gap="xs" wrap="nowrap">
                          <Text size="xs" c="dimmed">
                            {t('customers.deletions.until', { when: formatDateTime(deletion.restore_until) })}
                          </Text>
                          <Button size="compact-sm" variant="default" onClick={() => setRestoring(deletion)}>
                            {t('customers.deletions.restore')}
                          </Button>
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('customers.deletions.expired')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {restoring && <RestoreDialog deletion={restoring} onClose={() => setRestoring(null)} />}
    </>
  );
}

function RestoreDialog({ deletion, onClose }: { deletion: Deletion; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const restore = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/contacts/deletions/{id}/restore', { params: { path: { id: deletion.id } } })),
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: ['deletions'] });
      await client.invalidateQueries({ queryKey: ['contacts'] });
      notify({
        color: 'green',
        message: t('customers.deletions.restored', {
          count: result.restored.length,
          total: formatNumber(result.restored.length),
        }),
      });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('customers.deletions.restoreTitle')}>
      <Text size="sm">
        {t('customers.deletions.restoreText', { count: deletion.count, total: formatNumber(deletion.count) })}
      </Text>
      {restore.isError && (
        <Text size="sm" c="red.8" mt="sm" role="alert">
          {deletionErrorText(restore.error, t)}
        </Text>
      )}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button loading={restore.isPending} onClick={() => restore.mutate()}>
          {t('customers.deletions.restore')}
        </Button>
      </Group>
    </Modal>
  );
}
