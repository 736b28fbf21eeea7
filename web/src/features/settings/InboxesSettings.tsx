/**
 * Inboxes (admin): each inbox's members, whether auto-assignment is on and how it picks (round robin or
 * balanced). Every change saves at once; turning auto-assignment on serves the waiting queue.
 */
import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  Switch,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import {
  type Agent,
  agentLabel,
  type Inbox,
  useAgents,
  useInboxes,
  useRefreshAssignment,
} from './assignment-queries';
import { NameModal } from './NameModal';
import { notify, notifyRefused } from './notify';
import { TableScroll } from '../../ui/TableScroll';

const MODES = ['round_robin', 'balanced'] as const;
type Mode = (typeof MODES)[number];

export function InboxesSettings() {
  const { t } = useTranslation();
  const inboxes = useInboxes();
  const agents = useAgents();
  const refresh = useRefreshAssignment();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Inbox | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [mode, setMode] = useState<Mode>('round_robin');
  const newButton = <Button onClick={() => setCreating(true)}>{t('assignment.inboxes.new')}</Button>;

  return (
    <>
      <PageHeader
        title={t('assignment.inboxes.title')}
        description={t('assignment.inboxes.description')}
        actions={newButton}
      />
      {inboxes.isPending || agents.isPending ? (
        <LoadingRows rows={4} />
      ) : inboxes.isError || agents.isError ? (
        <ErrorState
          error={inboxes.error ?? agents.error}
          onRetry={() => {
            void inboxes.refetch();
            void agents.refetch();
          }}
        />
      ) : inboxes.data.data.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            title={t('assignment.inboxes.emptyTitle')}
            description={t('assignment.inboxes.empty')}
            action={newButton}
          />
        </Paper>
      ) : (
        <Paper withBorder>
          <TableScroll minWidth={860} label={t('assignment.inboxes.title')}>
            <Table fz="sm" verticalSpacing="xs" aria-label={t('assignment.inboxes.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('assignment.inboxes.name')}</Table.Th>
                  <Table.Th>{t('assignment.inboxes.autoAssignment')}</Table.Th>
                  <Table.Th>{t('assignment.inboxes.mode')}</Table.Th>
                  <Table.Th>{t('assignment.inboxes.members')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {inboxes.data.data.map((inbox) => (
                  <InboxRow
                    key={inbox.id}
                    inbox={inbox}
                    agents={agents.data.data}
                    onRename={() => setRenaming(inbox)}
                    onChanged={refresh}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      )}
      {creating && (
        <NameModal
          title={t('assignment.inboxes.new')}
          label={t('assignment.inboxes.name')}
          submitLabel={t('assignment.inboxes.create')}
          onSubmit={(name) =>
            unwrap(api.POST('/api/inboxes', { body: { name, auto_assignment: { enabled, mode } } }))
          }
          onDone={(name) => {
            refresh();
            notify({ color: 'green', message: t('assignment.inboxes.created', { name }) });
          }}
          onClose={() => setCreating(false)}
        >
          <Switch
            label={t('assignment.inboxes.autoAssignment')}
            checked={enabled}
            onChange={(event) => setEnabled(event.currentTarget.checked)}
          />
          <Select
            label={t('assignment.inboxes.mode')}
            data={MODES.map((m) => ({ value: m, label: t(`assignment.inboxes.modes.${m}`) }))}
            value={mode}
            onChange={(value) => value && setMode(value as Mode)}
            description={t(`assignment.inboxes.modeHints.${mode}`)}
            allowDeselect={false}
          />
        </NameModal>
      )}
      {renaming && (
        <NameModal
          title={t('assignment.inboxes.renameTitle')}
          label={t('assignment.inboxes.name')}
          initial={renaming.name}
          submitLabel={t('common.save')}
          onSubmit={(name) =>
            unwrap(api.PATCH('/api/inboxes/{id}', { params: { path: { id: renaming.id } }, body: { name } }))
          }
          onDone={(name) => {
            refresh();
            notify({ color: 'green', message: t('settings.savedNamed', { name }) });
          }}
          onClose={() => setRenaming(null)}
        />
      )}
    </>
  );
}

function InboxRow({
  inbox,
  agents,
  onRename,
  onChanged,
}: {
  inbox: Inbox;
  agents: Agent[];
  onRename: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const byId = new Map(agents.map((a) => [a.user_id, a]));
  const update = useMutation({
    mutationFn: (auto: { enabled: boolean; mode: Mode }) =>
      unwrap(
        api.PATCH('/api/inboxes/{id}', {
          params: { path: { id: inbox.id } },
          body: { auto_assignment: auto },
        }),
      ),
    onSuccess: () => {
      onChanged();
      notify({ color: 'green', message: t('settings.savedNamed', { name: inbox.name }) });
    },
    onError: (error) => notifyRefused(error),
  });
  const members = useMutation({
    mutationFn: async (next: string[]) => {
      const added = next.filter((id) => !inbox.member_ids.includes(id));
      const removed = inbox.member_ids.filter((id) => !next.includes(id));
      for (const user_id of added)
        await unwrap(
          api.POST('/api/inboxes/{id}/members', { params: { path: { id: inbox.id } }, body: { user_id } }),
        );
      for (const user_id of removed)
        await unwrap(
          api.DELETE('/api/inboxes/{id}/members/{user_id}', {
            params: { path: { id: inbox.id, user_id } },
          }),
        );
      return { added, removed };
    },
    onSuccess: ({ added, removed }) => {
      onChanged();
      const user = agentLabel(byId.get(added[0] ?? removed[0] ?? ''));
      notify({
        color: 'green',
        message: t(added.length > 0 ? 'assignment.inboxes.memberAdded' : 'assignment.inboxes.memberRemoved', {
          user,
          name: inbox.name,
        }),
      });
    },
    onError: (error) => {
      onChanged();
      notifyRefused(error);
    },
  });
  const { enabled, mode } = inbox.auto_assignment;

  return (
    <Table.Tr data-testid="inbox-row">
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Text size="sm" fw={500}>
            {inbox.name}
          </Text>
          <Tooltip label={t('assignment.inboxes.rename', { name: inbox.name })}>
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              onClick={onRename}
              aria-label={t('assignment.inboxes.rename', { name: inbox.name })}
            >
              ✎
            </ActionIcon>
          </Tooltip>
        </Group>
      </Table.Td>
      <Table.Td>
        <Switch
          checked={enabled}
          disabled={update.isPending}
          onChange={(event) => update.mutate({ enabled: event.currentTarget.checked, mode })}
          aria-label={t('assignment.inboxes.autoAssignmentOf', { name: inbox.name })}
        />
      </Table.Td>
      <Table.Td w={200}>
        <Select
          size="xs"
          aria-label={t('assignment.inboxes.modeOf', { name: inbox.name })}
          data={MODES.map((m) => ({ value: m, label: t(`assignment.inboxes.modes.${m}`) }))}
          value={mode}
          allowDeselect={false}
          disabled={update.isPending}
          onChange={(value) => value && value !== mode && update.mutate({ enabled, mode: value as Mode })}
        />
      </Table.Td>
      <Table.Td miw={320}>
        <MultiSelect
          size="xs"
          aria-label={t('assignment.inboxes.membersOf', { name: inbox.name })}
          data={agents.map((a) => ({ value: a.user_id, label: agentLabel(a) }))}
          value={inbox.member_ids}
          disabled={members.isPending}
          searchable
          onChange={(next) => members.mutate(next)}
        />
      </Table.Td>
    </Table.Tr>
  );
}
