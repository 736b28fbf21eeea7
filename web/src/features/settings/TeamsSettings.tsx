/** Teams (admin): named groups of agents that conversations can be given to; members change at once. */
import { ActionIcon, Button, Group, MultiSelect, Paper, Table, Text, Tooltip } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import {
  type Agent,
  agentLabel,
  type Team,
  useAgents,
  useRefreshAssignment,
  useTeams,
} from './assignment-queries';
import { NameModal } from './NameModal';
import { notify, notifyRefused } from './notify';

export function TeamsSettings() {
  const { t } = useTranslation();
  const teams = useTeams();
  const agents = useAgents();
  const refresh = useRefreshAssignment();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Team | null>(null);
  const newButton = <Button onClick={() => setCreating(true)}>{t('assignment.teams.new')}</Button>;

  return (
    <>
      <PageHeader
        title={t('assignment.teams.title')}
        description={t('assignment.teams.description')}
        actions={newButton}
      />
      {teams.isPending || agents.isPending ? (
        <LoadingRows rows={4} />
      ) : teams.isError || agents.isError ? (
        <ErrorState
          error={teams.error ?? agents.error}
          onRetry={() => {
            void teams.refetch();
            void agents.refetch();
          }}
        />
      ) : teams.data.data.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            title={t('assignment.teams.emptyTitle')}
            description={t('assignment.teams.empty')}
            action={newButton}
          />
        </Paper>
      ) : (
        <Paper withBorder>
          <Table fz="sm" verticalSpacing="xs" aria-label={t('assignment.teams.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('assignment.teams.name')}</Table.Th>
                <Table.Th>{t('assignment.teams.members')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {teams.data.data.map((team) => (
                <TeamRow
                  key={team.id}
                  team={team}
                  agents={agents.data.data}
                  onRename={() => setRenaming(team)}
                  onChanged={refresh}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {creating && (
        <NameModal
          title={t('assignment.teams.new')}
          label={t('assignment.teams.name')}
          submitLabel={t('assignment.teams.create')}
          onSubmit={(name) => unwrap(api.POST('/api/teams', { body: { name } }))}
          onDone={(name) => {
            refresh();
            notify({ color: 'green', message: t('assignment.teams.created', { name }) });
          }}
          onClose={() => setCreating(false)}
        />
      )}
      {renaming && (
        <NameModal
          title={t('assignment.teams.renameTitle')}
          label={t('assignment.teams.name')}
          initial={renaming.name}
          submitLabel={t('common.save')}
          onSubmit={(name) =>
            unwrap(api.PATCH('/api/teams/{id}', { params: { path: { id: renaming.id } }, body: { name } }))
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

function TeamRow({
  team,
  agents,
  onRename,
  onChanged,
}: {
  team: Team;
  agents: Agent[];
  onRename: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const members = useMutation({
    mutationFn: async (next: string[]) => {
      for (const user_id of next.filter((id) => !team.member_ids.includes(id)))
        await unwrap(
          api.POST('/api/teams/{id}/members', { params: { path: { id: team.id } }, body: { user_id } }),
        );
      for (const user_id of team.member_ids.filter((id) => !next.includes(id)))
        await unwrap(
          api.DELETE('/api/teams/{id}/members/{user_id}', { params: { path: { id: team.id, user_id } } }),
        );
    },
    onSuccess: () => {
      onChanged();
      notify({ color: 'green', message: t('settings.savedNamed', { name: team.name }) });
    },
    onError: (error) => {
      onChanged();
      notifyRefused(error);
    },
  });
  return (
    <Table.Tr>
      <Table.Td w={280}>
        <Group gap={4} wrap="nowrap">
          <Text size="sm" fw={500}>
            {team.name}
          </Text>
          <Tooltip label={t('assignment.teams.rename', { name: team.name })}>
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              onClick={onRename}
              aria-label={t('assignment.teams.rename', { name: team.name })}
            >
              ✎
            </ActionIcon>
          </Tooltip>
        </Group>
      </Table.Td>
      <Table.Td>
        <MultiSelect
          size="xs"
          aria-label={t('assignment.teams.membersOf', { name: team.name })}
          data={agents.map((a) => ({ value: a.user_id, label: agentLabel(a) }))}
          value={team.member_ids}
          disabled={members.isPending}
          searchable
          onChange={(next) => members.mutate(next)}
        />
      </Table.Td>
    </Table.Tr>
  );
}
