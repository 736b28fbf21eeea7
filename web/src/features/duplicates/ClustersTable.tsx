/**
 * The queue's groups (`/duplicates?view=clusters`): customers joined by open match pairs, each with its
 * weakest link, whether an automatic merge would take it or why it is held back; a group opens the
 * compare screen with all its records, where it can be merged as one.
 */
import { Anchor, Badge, Button, Paper, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatList } from '../../i18n';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { displayName } from '../customers/customer-format';
import { useContactsById } from '../customers/customer-queries';
import { compareContactsUrl, formatScore } from './duplicate-format';
import { TableScroll } from '../../ui/TableScroll';

const SHOWN = 100;

export function ClustersTable() {
  const { t } = useTranslation();
  const clusters = useQuery({
    queryKey: ['duplicates', 'clusters'],
    queryFn: () => unwrap(api.GET('/api/duplicates/clusters')),
  });
  const rows = (clusters.data?.data ?? []).slice(0, SHOWN);
  const contacts = useContactsById(rows.flatMap((c) => c.contact_ids).slice(0, 1000));
  if (clusters.isPending) return <LoadingRows />;
  if (clusters.isError) return <ErrorState error={clusters.error} onRetry={() => void clusters.refetch()} />;
  if (rows.length === 0)
    return (
      <Paper withBorder>
        <EmptyState title={t('duplicates.empty.title')} description={t('duplicates.clusters.empty')} />
      </Paper>
    );
  return (
    <Paper withBorder>
      <TableScroll minWidth={760} label={t('duplicates.clusters.label')}>
        <Table className="kith-sticky-head" aria-label={t('duplicates.clusters.label')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th ta="right" w={90}>
                {t('duplicates.clusters.size')}
              </Table.Th>
              <Table.Th>{t('duplicates.clusters.customers')}</Table.Th>
              <Table.Th w={130}>{t('duplicates.clusters.weakest')}</Table.Th>
              <Table.Th>{t('duplicates.clusters.auto')}</Table.Th>
              <Table.Th w={90}>
                <span className="kith-visually-hidden">{t('duplicates.review')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((cluster) => {
              const names = cluster.contact_ids.map((id) => {
                const contact = contacts.data?.get(id);
                return contact ? displayName(contact) : id;
              });
              return (
                <Table.Tr key={cluster.cluster_id} data-cluster={cluster.cluster_id}>
                  <Table.Td ta="right" fw={600}>
                    {cluster.contact_ids.length}
                  </Table.Td>
                  {/* One customer a line: side by side, two long names that wrapped read as one. */}
                  <Table.Td>
                    <Stack gap={6}>
                      {cluster.contact_ids.map((id, i) => (
                        <Anchor key={id} component={Link} to={`/customers/${id}`} size="sm">
                          {names[i]}
                        </Anchor>
                      ))}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatScore(cluster.weakest.score)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {cluster.mergeable ? (
                      // A badge clips its label: the table squeezed "Would be merged" to "Would…".
                      <Badge variant="dot" color="green" tt="none" miw="max-content">
                        {t('duplicates.clusters.mergeable')}
                      </Badge>
                    ) : (
                      <Text size="xs">
                        {t(
                          `duplicates.clusters.heldBack.${cluster.held_back?.reason ?? 'weakest_pair_below_match'}`,
                        )}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      component={Link}
                      to={compareContactsUrl(cluster.contact_ids)}
                      size="compact-sm"
                      variant="light"
                      aria-label={t('duplicates.clusters.reviewGroup', { names: formatList(names) })}
                    >
                      {t('duplicates.review')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </TableScroll>
    </Paper>
  );
}
