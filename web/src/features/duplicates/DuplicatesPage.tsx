/**
 * `/duplicates`: the last scan and the review queue — pairs strongest first, by status (with counts),
 * band, minimum score and a field they agree on, all in the URL (`?band=match&min_score=0.9`); each
 * pair opens the compare screen, which walks on through the same queue.
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Table,
  Text,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Contact } from '../../api/client';
import { formatList, formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { displayName } from '../customers/customer-format';
import { Email } from '../../ui/Email';
import { Phone } from '../../ui/Phone';
import {
  type DuplicatePair,
  filtersOf,
  paramsOf,
  QUEUE_PAGE,
  type QueueFilters,
  STATUSES,
  type MergedPerson,
  useMergedAwayPeople,
  useQueue,
  useQueueCounts,
} from './duplicate-api';
import { compareUrl, formatScore, NEUTRAL_WEIGHT, useFieldLabel } from './duplicate-format';
import { useContactsById } from '../customers/customer-queries';
import { ScanPanel } from './ScanPanel';
import { ClustersTable } from './ClustersTable';
import { AutoMergeButton, AutoMergeProgress } from './AutoMergeButton';
import { isAdmin, useSession } from '../../session/session';
import { TableScroll } from '../../ui/TableScroll';

export default function DuplicatesPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const view = params.get('view') === 'clusters' ? 'clusters' : 'pairs';
  const counts = useQueueCounts();
  const queue = useQueue(filters);
  const pairs = queue.data?.data ?? [];
  const contacts = useContactsById(pairs.flatMap((p) => [p.contact_a, p.contact_b]));
  // A merged pair's other side is gone as a customer: named from its merge.
  const mergedAway = useMergedAwayPeople(
    contacts.data && !contacts.isPlaceholderData
      ? pairs
          .flatMap((p) => [p.contact_a, p.contact_b])
          .filter((id) => filters.status === 'merged' && !contacts.data.has(id))
      : [],
  );
  const fieldLabel = useFieldLabel();
  const fields = [...new Set(pairs.flatMap((p) => p.explanation.map((c) => c.field)))];
  if (filters.field && !fields.includes(filters.field)) fields.push(filters.field);

  const change = (next: Partial<QueueFilters>) => {
    const merged = { ...filters, ...next, after: undefined };
    const search = paramsOf(merged);
    // The running scan's and merge's jobs stay in the URL while filters change.
    for (const job of ['scan', 'merge_job']) {
      const id = params.get(job);
      if (id) search.set(job, id);
    }
    setParams(search);
  };
  const filtered = filters.band || filters.min_score !== undefined || filters.field;

  return (
    <>
      <PageHeader
        title={t('duplicates.title')}
        description={t('duplicates.description')}
        actions={
          <>
            {isAdmin(user) && <AutoMergeButton />}
            <Button component={Link} to="/merges" variant="default">
              {t('duplicates.merges.link')}
            </Button>
          </>
        }
      />
      <ScanPanel />
      <AutoMergeProgress />
      <SegmentedControl
        mb="sm"
        aria-label={t('duplicates.view.label')}
        value={view}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (value === 'clusters') next.set('view', 'clusters');
          else next.delete('view');
          next.delete('after');
          setParams(next);
        }}
        data={[
          { value: 'pairs', label: t('duplicates.view.pairs') },
          { value: 'clusters', label: t('duplicates.view.clusters') },
        ]}
      />
      {view === 'clusters' ? (
        <ClustersTable />
      ) : (
        <>
          <Group gap="sm" mb="sm" align="flex-end" wrap="wrap">
            <SegmentedControl
              aria-label={t('duplicates.filters.status')}
              value={filters.status}
              onChange={(value) => change({ status: value as QueueFilters['status'] })}
              data={STATUSES.map((status) => ({
                value: status,
                label: `${t(`duplicates.status.${status}`)} ${counts.data ? formatNumber(counts.data.status[status]) : ''}`,
              }))}
            />
            <Select
              label={t('duplicates.filters.band')}
              w={150}
              value={filters.band ?? ''}
              allowDeselect={false}
              onChange={(value) => change({ band: (value || undefined) as QueueFilters['band'] })}
              data={[
                { value: '', label: t('duplicates.band.any') },
                {
                  value: 'match',
                  label: `${t('duplicates.band.match')}${counts.data && filters.status === 'open' ? ` (${formatNumber(counts.data.open.match)})` : ''}`,
                },
                {
                  value: 'review',
                  label: `${t('duplicates.band.review')}${counts.data && filters.status === 'open' ? ` (${formatNumber(counts.data.open.review)})` : ''}`,
                },
              ]}
            />
            <NumberInput
              label={t('duplicates.filters.minScore')}
              w={140}
              min={0}
              max={1}
              step={0.05}
              decimalScale={3}
              value={filters.min_score ?? ''}
              onChange={(value) => change({ min_score: typeof value === 'number' ? value : undefined })}
            />
            <Select
              label={t('duplicates.filters.field')}
              w={170}
              value={filters.field ?? ''}
              allowDeselect={false}
              onChange={(value) => change({ field: value || undefined })}
              data={[
                { value: '', label: t('duplicates.filters.anyField') },
                ...fields.map((field) => ({ value: field, label: fieldLabel(field) })),
              ]}
            />
            {filtered && (
              <Button
                variant="subtle"
                onClick={() => change({ band: undefined, min_score: undefined, field: undefined })}
              >
                {t('duplicates.filters.clear')}
              </Button>
            )}
          </Group>
          <Paper withBorder>
            {queue.isPending ? (
              <LoadingRows />
            ) : queue.isError ? (
              <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
            ) : pairs.length === 0 ? (
              <EmptyState
                title={t('duplicates.empty.title')}
                description={
                  filters.status === 'open' ? t('duplicates.empty.open') : t('duplicates.empty.other')
                }
              />
            ) : (
              <TableScroll minWidth={760} label={t('duplicates.label')}>
                <Table className="kith-sticky-head" highlightOnHover aria-label={t('duplicates.label')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th ta="right" w={80}>
                        {t('duplicates.columns.score')}
                      </Table.Th>
                      <Table.Th w={90}>{t('duplicates.columns.band')}</Table.Th>
                      <Table.Th>{t('duplicates.columns.a')}</Table.Th>
                      <Table.Th>{t('duplicates.columns.b')}</Table.Th>
                      <Table.Th miw={120}>{t('duplicates.columns.agrees')}</Table.Th>
                      <Table.Th w={90} className="kith-actions-cell">
                        <span className="kith-visually-hidden">{t('duplicates.review')}</span>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {pairs.map((pair) => (
                      <PairRow
                        key={pair.id}
                        pair={pair}
                        filters={filters}
                        a={contacts.data?.get(pair.contact_a) ?? mergedAway.data?.get(pair.contact_a)}
                        b={contacts.data?.get(pair.contact_b) ?? mergedAway.data?.get(pair.contact_b)}
                      />
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
            )}
          </Paper>
          <Group justify="flex-end" mt="sm" gap="sm">
            {filters.after && (
              <Button variant="default" onClick={() => change({})}>
                {t('common.firstPage')}
              </Button>
            )}
            {pairs.length === QUEUE_PAGE && (
              <Button
                variant="default"
                onClick={() => setParams(paramsOf({ ...filters, after: pairs[pairs.length - 1]!.id }))}
              >
                {t('common.nextPage')}
              </Button>
            )}
          </Group>
        </>
      )}
    </>
  );
}

function PairRow({
  pair,
  filters,
  a,
  b,
}: {
  pair: DuplicatePair;
  filters: QueueFilters;
  a: Contact | MergedPerson | undefined;
  b: Contact | MergedPerson | undefined;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const fieldLabel = useFieldLabel();
  const url = compareUrl(pair, filters);
  // Evidence for, as the compare screen colours it: a weight near zero (a different phone the model
  // learnt says little) is no agreement.
  const agrees = pair.explanation.filter((c) => c.weight >= NEUTRAL_WEIGHT).map((c) => fieldLabel(c.field));
  const name = (contact: Contact | MergedPerson | undefined, id: string) =>
    contact ? displayName(contact) : id;
  const side = (contact: Contact | MergedPerson | undefined) =>
    contact &&
    ('survivor_id' in contact ? (
      <Text size="xs" c="dimmed">
        {t('duplicates.mergedAway')}
      </Text>
    ) : (
      // E-mail and phone each wrap only where they read well (ui/Email.tsx, ui/Phone.tsx); the Review
      // button stays in sight at the box's right edge when the table scrolls sideways.
      <Text size="xs" c="dimmed">
        {contact.email && <Email address={contact.email} />}
        {contact.email && contact.phone && ' · '}
        {contact.phone && <Phone value={contact.phone} />}
      </Text>
    ));
  return (
    <Table.Tr
      className="kith-row-link"
      data-pair={pair.id}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('a,button')) return;
        void navigate(url);
      }}
    >
      <Table.Td ta="right" fw={600}>
        {formatScore(pair.score)}
      </Table.Td>
      <Table.Td>
        {/* Its whole label: a table squeezing the column would otherwise cut it to "● Revi…". */}
        <Badge variant="dot" tt="none" miw="max-content" color={pair.band === 'match' ? 'green' : 'yellow'}>
          {t(`duplicates.band.${pair.band}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/customers/${pair.contact_a}`} size="sm">
          {name(a, pair.contact_a)}
        </Anchor>
        {side(a)}
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={`/customers/${pair.contact_b}`} size="sm">
          {name(b, pair.contact_b)}
        </Anchor>
        {side(b)}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatList(agrees, 'values')}</Text>
        {pair.cluster_weakest && pair.cluster_weakest.pair_id !== pair.id && (
          <Text size="xs" c="dimmed">
            {t('duplicates.weakest', { score: formatScore(pair.cluster_weakest.score) })}
          </Text>
        )}
      </Table.Td>
      <Table.Td className="kith-actions-cell">
        <Button
          component={Link}
          to={url}
          size="compact-sm"
          variant="light"
          aria-label={t('duplicates.reviewPair', { a: name(a, pair.contact_a), b: name(b, pair.contact_b) })}
        >
          {t('duplicates.review')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
