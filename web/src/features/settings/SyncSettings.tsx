/**
 * Sync 数据同步 (admin): CardDAV address books kept in step with the customers, both ways. Each
 * connection shows where it syncs, its rule for conflicts, its last run with counts (refreshed while a
 * run is going), "run now", edit and pause/resume; below, the conflicts with both versions. The password
 * is sent once and never comes back: editing leaves it blank, which keeps the stored one.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../../api/client';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { FormModal, ProblemAlert } from './FormModal';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify, notifyRefused } from './notify';
import { useRowDialogs } from './row-dialogs';
import { syncRunErrorText } from './sync-errors';
import { useCustomerChangeText } from '../customers/customer-change-format';
import { StatusLabel } from './StatusLabel';
import { TableScroll } from '../../ui/TableScroll';

type Connection = Schemas['SyncConnection'];
type Run = Schemas['SyncRun'];
type Conflict = Schemas['SyncConflict'];

const DIRECTIONS = ['both', 'to-remote', 'from-remote'] as const;
const POLICIES = ['newest', 'kith-wins', 'remote-wins'] as const;
const STATE_COLORS: Record<string, string> = {
  queued: 'yellow',
  running: 'blue',
  done: 'green',
  failed: 'red',
};
const isGoing = (run: Run | null | undefined) => !!run && ['queued', 'running'].includes(run.state);

export function SyncSettings() {
  const { t } = useTranslation();
  const connections = useQuery({
    queryKey: ['sync-connections'],
    queryFn: () => unwrap(api.GET('/api/sync/connections')),
    // While a run goes, its counts move: look again every second.
    refetchInterval: (query) => (query.state.data?.data.some((c) => isGoing(c.last_run)) ? 1000 : false),
  });
  const { editing, setEditing, deleting, setDeleting, refresh } = useRowDialogs<Connection>(
    ['sync-connections'],
    ['sync-conflicts'],
  );
  // Without KITH_SECRET_KEY the server can store no password: say so before anyone fills the form.
  const noKey = connections.data?.passwords_storable === false;
  const addButton = (
    <Button onClick={() => setEditing('new')} disabled={noKey}>
      {t('sync.add')}
    </Button>
  );

  return (
    <>
      <PageHeader title={t('sync.title')} description={t('sync.description')} actions={addButton} />
      {noKey && (
        <Alert color="yellow" mb="md" title={t('sync.noKeyTitle')} data-testid="sync-no-key">
          <Text size="sm">{t('sync.noKey')}</Text>
          <Code block mt="xs">
            KITH_SECRET_KEY=$(openssl rand -base64 32)
          </Code>
        </Alert>
      )}
      <QueryStates
        query={connections}
        rows={4}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <Paper withBorder>
            <EmptyState title={t('sync.emptyTitle')} description={t('sync.empty')} action={addButton} />
          </Paper>
        }
      >
        {(page) => (
          <Stack gap="md">
            {page.data.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                onRemove={() => setDeleting(connection)}
                onEdit={() => setEditing(connection)}
                onChanged={refresh}
              />
            ))}
          </Stack>
        )}
      </QueryStates>
      <ConflictsSection going={connections.data?.data.some((c) => isGoing(c.last_run)) ?? false} />
      {editing && (
        <ConnectionModal
          existing={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
      {deleting && (
        <ConfirmModal
          title={t('sync.removeTitle')}
          confirmLabel={t('sync.remove')}
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            unwrap(api.DELETE('/api/sync/connections/{id}', { params: { path: { id: deleting.id } } }))
          }
          onDone={() => {
            refresh();
            notify({ color: 'green', message: t('sync.removed', { url: deleting.collection_url }) });
          }}
        >
          {t('sync.removeBody', { url: deleting.collection_url })}
        </ConfirmModal>
      )}
    </>
  );
}

function ConnectionCard({
  connection,
  onRemove,
  onEdit,
  onChanged,
}: {
  connection: Connection;
  onRemove: () => void;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const run = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/sync/connections/{id}/runs', { params: { path: { id: connection.id } } })),
    onSuccess: () => {
      onChanged();
      notify({ color: 'green', message: t('sync.runStarted') });
    },
    onError: (error) => notifyRefused(error),
  });
  const pause = useMutation({
    mutationFn: (paused: boolean) =>
      unwrap(
        api.PATCH('/api/sync/connections/{id}', {
          params: { path: { id: connection.id } },
          body: { paused },
        }),
      ),
    onSuccess: (_data, paused) => {
      onChanged();
      notify({ color: 'green', message: t(paused ? 'sync.pausedNotice' : 'sync.resumedNotice') });
    },
    onError: (error) => notifyRefused(error),
  });
  const last = connection.last_run;
  return (
    <Paper withBorder p="md" data-testid="sync-connection">
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={2} size="h5" className="kith-mono" style={{ overflowWrap: 'anywhere' }}>
            {connection.collection_url}
          </Title>
          <Group gap={4}>
            <Badge variant="default" tt="none" size="sm">
              {connection.username}
            </Badge>
            <Badge variant="default" tt="none" size="sm">
              {t(`sync.directions.${connection.direction}`)}
            </Badge>
            <Badge variant="default" tt="none" size="sm">
              {t(`sync.policies.${connection.conflict_policy}`)}
            </Badge>
            {connection.paused && <StatusLabel color="yellow">{t('sync.paused')}</StatusLabel>}
          </Group>
          <Text size="xs" c="dimmed">
            {t('sync.cards', { count: connection.cards })}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button
            variant="default"
            onClick={() => run.mutate()}
            loading={run.isPending || isGoing(last)}
            disabled={connection.paused}
          >
            {t('sync.runNow')}
          </Button>
          <Button
            variant="default"
            onClick={() => pause.mutate(!connection.paused)}
            loading={pause.isPending}
          >
            {connection.paused ? t('sync.resume') : t('sync.pause')}
          </Button>
          <Button variant="default" onClick={onEdit}>
            {t('common.edit')}
          </Button>
          <Button variant="subtle" color="red" onClick={onRemove}>
            {t('sync.remove')}
          </Button>
        </Group>
      </Group>
      <Group gap="xs" mb={4}>
        <Text size="sm" fw={600}>
          {t('sync.lastRun')}
        </Text>
        {last ? (
          <>
            <StatusLabel color={STATE_COLORS[last.state] ?? 'gray'}>
              {t(`sync.state.${last.state as 'done'}`, { defaultValue: last.state })}
            </StatusLabel>
            {last.phase && (
              <Text size="sm" c="dimmed">
                {t(`sync.phase.${last.phase as 'pull'}`, { defaultValue: last.phase })}
              </Text>
            )}
            <Text size="sm" c="dimmed">
              {formatDateTime(last.finished_at ?? last.started_at ?? last.created_at)}
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('sync.neverRun')}
          </Text>
        )}
      </Group>
      {last?.error && (
        <Alert color="red" mb="xs" role="alert">
          {syncRunErrorText(last.error, t)}
        </Alert>
      )}
      {last && <RunCounts run={last} />}
    </Paper>
  );
}

function RunCounts({ run }: { run: Run }) {
  const { t } = useTranslation();
  const c = run.counts;
  return (
    <>
      <Table aria-label={t('sync.counts.label')} fz="sm" maw={560} withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sync.counts.side')}</Table.Th>
            <Table.Th ta="right">{t('sync.counts.created')}</Table.Th>
            <Table.Th ta="right">{t('sync.counts.updated')}</Table.Th>
            <Table.Th ta="right">{t('sync.counts.deleted')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>{t('sync.counts.pulled')}</Table.Td>
            <Table.Td ta="right">{c.pulled_created}</Table.Td>
            <Table.Td ta="right">{c.pulled_updated}</Table.Td>
            <Table.Td ta="right">{c.pulled_deleted}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td>{t('sync.counts.pushed')}</Table.Td>
            <Table.Td ta="right">{c.pushed_created}</Table.Td>
            <Table.Td ta="right">{c.pushed_updated}</Table.Td>
            <Table.Td ta="right">{c.pushed_deleted}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Group gap="md" mt={4}>
        <Text size="sm">{t('sync.counts.conflicts', { count: c.conflicts })}</Text>
        <Text size="sm">{t('sync.counts.failed', { count: c.failed })}</Text>
        <Text size="sm" c="dimmed">
          {t('sync.counts.requests', { count: c.requests })}
        </Text>
      </Group>
    </>
  );
}

function ConflictsSection({ going }: { going: boolean }) {
  const { t } = useTranslation();
  const conflicts = useQuery({
    queryKey: ['sync-conflicts'],
    queryFn: () => unwrap(api.GET('/api/sync/conflicts', { params: { query: { limit: 100 } } })),
    refetchInterval: going ? 2000 : false,
  });
  // A run's last conflicts may come after the last look while it went: look once more when it ends.
  const wasGoing = useRef(going);
  useEffect(() => {
    if (wasGoing.current && !going) void conflicts.refetch();
    wasGoing.current = going;
  }, [going, conflicts]);
  const [open, setOpen] = useState<Conflict | null>(null);
  return (
    <Stack gap="xs" mt="xl">
      <Title order={2} size="h4">
        {t('sync.conflicts.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('sync.conflicts.description')}
      </Text>
      <QueryStates
        query={conflicts}
        rows={2}
        isEmpty={(page) => page.data.length === 0}
        empty={<Text size="sm">{t('sync.conflicts.empty')}</Text>}
      >
        {(page) => (
          <TableScroll minWidth={720} label={t('sync.conflicts.title')}>
            <Table aria-label={t('sync.conflicts.title')} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('sync.conflicts.when')}</Table.Th>
                  <Table.Th>{t('sync.conflicts.customer')}</Table.Th>
                  <Table.Th>{t('sync.conflicts.card')}</Table.Th>
                  <Table.Th>{t('sync.conflicts.rule')}</Table.Th>
                  <Table.Th>{t('sync.conflicts.kept')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((conflict) => (
                  <Table.Tr key={conflict.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(conflict.created_at)}
                    </Table.Td>
                    <Table.Td>
                      {conflict.contact_id ? (
                        <Anchor component={Link} to={`/customers/${conflict.contact_id}`} size="sm">
                          {String(conflict.kith_version?.name ?? conflict.contact_id)}
                        </Anchor>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td className="kith-mono" style={{ overflowWrap: 'anywhere' }}>
                      {conflict.href.split('/').pop()}
                    </Table.Td>
                    <Table.Td>{t(`sync.policies.${conflict.policy}`)}</Table.Td>
                    <Table.Td>
                      {conflict.winner === 'kith'
                        ? t('sync.conflicts.keptKith')
                        : t('sync.conflicts.keptRemote')}
                    </Table.Td>
                    <Table.Td>
                      <Button variant="subtle" size="compact-sm" onClick={() => setOpen(conflict)}>
                        {t('sync.conflicts.compare')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryStates>
      {open && (
        <Modal
          opened
          onClose={() => setOpen(null)}
          size="xl"
          title={t('sync.conflicts.compareTitle')}
          closeButtonProps={{ 'aria-label': t('common.close') }}
        >
          <ConflictCompare conflict={open} />
        </Modal>
      )}
    </Stack>
  );
}

/** Adds a connection, or edits `existing` (only what changed is sent; a blank password keeps the stored one). */
function ConnectionModal({
  existing,
  onClose,
  onSaved,
}: {
  existing?: Connection;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [url, setUrl] = useState(existing?.url ?? '');
  const [collection, setCollection] = useState(existing?.collection ?? '');
  const [username, setUsername] = useState(existing?.username ?? '');
  const [password, setPassword] = useState('');
  const [direction, setDirection] = useState<string>(existing?.direction ?? 'both');
  const [policy, setPolicy] = useState<string>(existing?.conflict_policy ?? 'newest');
  const [paused, setPaused] = useState(existing?.paused ?? false);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  // Another address book (URL or path changed) means the connection starts over: said before saving.
  const movesBook =
    !!existing &&
    (url.trim() !== existing.url || (collection.trim() || null) !== (existing.collection || null));
  const save = useMutation({
    mutationFn: () => {
      if (!existing)
        return unwrap(
          api.POST('/api/sync/connections', {
            body: {
              url: url.trim(),
              username: username.trim(),
              password,
              direction,
              conflict_policy: policy,
              ...(collection.trim() ? { collection: collection.trim() } : {}),
            },
          }),
        );
      const body: Record<string, unknown> = {};
      if (url.trim() !== existing.url) body.url = url.trim();
      if (collection.trim() !== existing.collection) body.collection = collection.trim() || null;
      if (username.trim() !== existing.username) body.username = username.trim();
      if (password !== '') body.password = password;
      if (direction !== existing.direction) body.direction = direction;
      if (policy !== existing.conflict_policy) body.conflict_policy = policy;
      if (paused !== existing.paused) body.paused = paused;
      return unwrap(api.PATCH('/api/sync/connections/{id}', { params: { path: { id: existing.id } }, body }));
    },
    onSuccess: () => {
      onSaved();
      notify({
        color: 'green',
        message: existing ? (movesBook ? t('sync.savedReset') : t('sync.saved')) : t('sync.added'),
      });
      onClose();
    },
    onError: (error) =>
      setProblem(
        error instanceof ApiError && error.code === 'secret_key_missing'
          ? { ...NO_PROBLEM, message: t('sync.noKey') }
          : formProblem(error, t),
      ),
  });
  return (
    <FormModal
      size="lg"
      title={existing ? t('sync.editTitle') : t('sync.addTitle')}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      submit={
        <Button type="submit" loading={save.isPending}>
          {existing ? t('common.save') : t('sync.add')}
        </Button>
      }
    >
      <ProblemAlert problem={problem} />
      <TextInput
        label={t('sync.url')}
        description={t('sync.urlHint')}
        placeholder="https://dav.example.com/alice/contacts/"
        required
        data-autofocus
        type="url"
        value={url}
        onChange={(event) => setUrl(event.currentTarget.value)}
        error={problem.fields.url}
      />
      <TextInput
        label={t('sync.collection')}
        description={t('sync.collectionHint')}
        value={collection}
        onChange={(event) => setCollection(event.currentTarget.value)}
        error={problem.fields.collection}
      />
      {movesBook && (
        <Alert color="yellow" data-testid="sync-reset-warning">
          {t('sync.resetWarning')}
        </Alert>
      )}
      <Group grow align="flex-start">
        <TextInput
          label={t('sync.username')}
          required
          autoComplete="off"
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={problem.fields.username}
        />
        <PasswordInput
          label={t('sync.password')}
          description={existing ? t('sync.passwordKeepHint') : t('sync.passwordHint')}
          required={!existing}
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={problem.fields.password}
        />
      </Group>
      <Group grow align="flex-start">
        <Select
          label={t('sync.direction')}
          data={DIRECTIONS.map((d) => ({ value: d, label: t(`sync.directions.${d}`) }))}
          value={direction}
          onChange={(value) => setDirection(value ?? 'both')}
          allowDeselect={false}
          error={problem.fields.direction}
        />
        <Select
          label={t('sync.policy')}
          data={POLICIES.map((p) => ({ value: p, label: t(`sync.policies.${p}`) }))}
          value={policy}
          onChange={(value) => setPolicy(value ?? 'newest')}
          allowDeselect={false}
          error={problem.fields.conflict_policy}
        />
      </Group>
      {existing && (
        <Switch
          label={t('sync.pausedSwitch')}
          description={t('sync.pausedHint')}
          checked={paused}
          onChange={(event) => setPaused(event.currentTarget.checked)}
        />
      )}
    </FormModal>
  );
}

/** The fields the sync maps (src/sync/carddav/vcard-mapping.ts), in the customer page's order. */
const SYNCED_FIELDS = [
  'name',
  'first_name',
  'last_name',
  'email',
  'additional_emails',
  'phone',
  'additional_phones',
  'company',
  'address',
  'city',
  'province',
  'postcode',
  'country',
  'birthday',
  'gender',
  'tags',
] as const;

/**
 * Both versions of a conflict field by field, as the customer page names and shows them, the fields
 * that differ marked (in words too, not by colour alone); the card itself as the server sent it below.
 */
function ConflictCompare({ conflict }: { conflict: Conflict }) {
  const { t } = useTranslation();
  const { fieldName, valueText } = useCustomerChangeText();
  const kith = conflict.kith_version;
  const remote = conflict.remote_fields;
  const comparable = (v: unknown) =>
    JSON.stringify(v === undefined || v === '' || (Array.isArray(v) && v.length === 0) ? null : v);
  const side = (version: Record<string, unknown> | null, field: string) =>
    version ? valueText(field, version[field] ?? null) : t('sync.conflicts.deleted');
  return (
    <Stack gap="sm">
      <TableScroll minWidth={520} label={t('sync.conflicts.compareTitle')}>
        <Table striped={false} withTableBorder fz="sm" data-testid="sync-conflict-fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sync.conflicts.field')}</Table.Th>
              <Table.Th>{t('sync.conflicts.kithVersion')}</Table.Th>
              <Table.Th>{t('sync.conflicts.remoteVersion')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {SYNCED_FIELDS.map((field) => {
              const differs =
                kith !== null && remote !== null && comparable(kith[field]) !== comparable(remote[field]);
              return (
                <Table.Tr
                  key={field}
                  data-differs={differs || undefined}
                  bg={differs ? 'yellow.0' : undefined}
                >
                  <Table.Td fw={differs ? 600 : undefined}>
                    {fieldName(field)}
                    {differs && (
                      <Text span size="xs" fw={600} ml={6}>
                        {t('sync.conflicts.differs')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{side(kith, field)}</Table.Td>
                  <Table.Td>
                    {remote === null && conflict.remote_version !== null
                      ? t('sync.conflicts.unreadable')
                      : side(remote, field)}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {conflict.remote_version !== null && (
        <details>
          <summary>
            <Text span size="sm">
              {t('sync.conflicts.rawCard')}
            </Text>
          </summary>
          <Code block mt="xs">
            {conflict.remote_version}
          </Code>
        </details>
      )}
    </Stack>
  );
}
