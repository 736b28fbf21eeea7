/**
 * `/merges`: every merge, newest first — who, when, the main record, the merged customers and the
 * values chosen — with unmerge behind a confirmation; when the server refuses (`unmerge_blocked`), its
 * reason is shown as it named it.
 */
import { Anchor, Badge, Button, Group, Modal, Paper, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { useUserDirectory } from '../../session/user-directory';
import { formatDateTime } from '../../i18n';
import { formatPhone } from '../../ui/phone-format';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { notify } from '../imports/notify';
import { type MergeRecord, useMerges } from './duplicate-api';
import { useFieldLabel } from './duplicate-format';
import { mergeErrorText } from './merge-errors';
import { displayName } from '../customers/customer-format';
import { TableScroll } from '../../ui/TableScroll';

export default function MergesPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const merges = useMerges();
  const { nameOf } = useUserDirectory();
  const fieldLabel = useFieldLabel();
  const [undoing, setUndoing] = useState<MergeRecord | null>(null);
  const rows = merges.data?.data ?? [];
  // A merge without a person was made by Kith itself (an automatic merge job).
  const userName = (id: string | null) => nameOf(id) ?? (id ? id : t('duplicates.merges.system'));

  return (
    <>
      <PageHeader
        title={t('duplicates.merges.title')}
        description={t('duplicates.merges.description')}
        actions={
          <Button component={Link} to="/duplicates" variant="default">
            {t('duplicates.title')}
          </Button>
        }
      />
      <Paper withBorder>
        {merges.isPending ? (
          <LoadingRows />
        ) : merges.isError ? (
          <ErrorState error={merges.error} onRetry={() => void merges.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState
            title={t('duplicates.merges.emptyTitle')}
            description={t('duplicates.merges.empty')}
            action={
              <Button component={Link} to="/duplicates" variant="light">
                {t('duplicates.merges.emptyAction')}
              </Button>
            }
          />
        ) : (
          <TableScroll minWidth={760} label={t('duplicates.merges.label')}>
            <Table className="kith-sticky-head" aria-label={t('duplicates.merges.label')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('duplicates.merges.when')}</Table.Th>
                  <Table.Th>{t('duplicates.merges.who')}</Table.Th>
                  <Table.Th>{t('duplicates.merges.survivor')}</Table.Th>
                  <Table.Th>{t('duplicates.merges.merged')}</Table.Th>
                  <Table.Th>{t('duplicates.merges.choices')}</Table.Th>
                  <Table.Th w={240}>{t('duplicates.merges.state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((merge) => (
                  <Table.Tr key={merge.id} data-merge={merge.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(merge.created_at)}</Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{userName(merge.created_by)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${merge.survivor_id}`} size="sm">
                        {personName(merge, merge.survivor_id)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {/* A merged customer's page leads to the survivor until the merge is undone. */}
                      {merge.merged_ids.map((id) => (
                        <Text key={id} size="sm">
                          {merge.undone_at ? (
                            <Anchor component={Link} to={`/customers/${id}`} size="sm">
                              {personName(merge, id)}
                            </Anchor>
                          ) : (
                            personName(merge, id)
                          )}
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {merge.choices
                          .filter((c) => c.replaced.length > 0)
                          .map(
                            (c) =>
                              `${fieldLabel(c.field)}: ${c.field === 'phone' && typeof c.value === 'string' ? formatPhone(c.value) : String(c.value ?? '—')}`,
                          )
                          .join(' · ')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {merge.undone_at ? (
                        <Text size="sm" c="dimmed">
                          {t('duplicates.merges.undoneAt', { when: formatDateTime(merge.undone_at) })}
                        </Text>
                      ) : (
                        <Group gap="xs" wrap="nowrap">
                          <Badge variant="dot" color="gray" tt="none">
                            {t('duplicates.merges.active')}
                          </Badge>
                          {isAdmin(user) && (
                            <Button size="compact-sm" variant="default" onClick={() => setUndoing(merge)}>
                              {t('duplicates.merges.unmerge')}
                            </Button>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </Paper>
      {undoing && <UnmergeDialog merge={undoing} onClose={() => setUndoing(null)} />}
    </>
  );
}

/** A customer of the merge by the name they had then (their id only when they had nothing else). */
function personName(merge: MergeRecord, id: string): string {
  const person = merge.people.find((p) => p.id === id);
  return person ? displayName(person) : id;
}

function UnmergeDialog({ merge, onClose }: { merge: MergeRecord; onClose: () => void }) {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  const client = useQueryClient();
  const unmerge = useMutation({
    mutationFn: () => unwrap(api.POST('/api/merges/{id}/unmerge', { params: { path: { id: merge.id } } })),
    onSuccess: async () => {
      client.removeQueries({ queryKey: ['contacts'] });
      await client.invalidateQueries({ queryKey: ['merges'] });
      await client.invalidateQueries({ queryKey: ['duplicates'] });
      notify({ color: 'green', message: t('duplicates.merges.unmerged') });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('duplicates.merges.unmergeTitle')}>
      <Text size="sm">{t('duplicates.merges.unmergeText', { count: merge.merged_ids.length })}</Text>
      {unmerge.isError && (
        <Text size="sm" c="red.8" mt="sm" role="alert">
          {t('duplicates.merges.blocked', {
            reason: mergeErrorText(unmerge.error, t, {
              field: fieldLabel,
              person: (id) => personName(merge, id),
            }),
          })}
        </Text>
      )}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button color="red" loading={unmerge.isPending} onClick={() => unmerge.mutate()}>
          {t('duplicates.merges.unmerge')}
        </Button>
      </Group>
    </Modal>
  );
}
