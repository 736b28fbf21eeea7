/**
 * Agents (admin): who is online now, each one's open conversations against their capacity, and their
 * inboxes. Capacity saves on Enter or when the field is left; empty means no limit.
 */
import { Badge, Button, Group, NumberInput, Paper, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { formatNumber } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import { type Agent, agentLabel, useAgents, useInboxes, useRefreshAssignment } from './assignment-queries';
import { formProblem } from './form-problem';
import { notify } from './notify';
import { StatusLabel } from './StatusLabel';
import { TableScroll } from '../../ui/TableScroll';
import { Email } from '../../ui/Email';

const AVAILABILITY_ORDER = { online: 0, busy: 1, offline: 2 } as const;
const AVAILABILITY_COLOR = { online: 'green', busy: 'yellow', offline: 'gray' } as const;

export function AgentsSettings() {
  const { t } = useTranslation();
  const agents = useAgents();
  const inboxes = useInboxes();

  if (agents.isPending || inboxes.isPending) return <LoadingRows rows={4} />;
  if (agents.isError || inboxes.isError)
    return (
      <ErrorState
        error={agents.error ?? inboxes.error}
        onRetry={() => {
          void agents.refetch();
          void inboxes.refetch();
        }}
      />
    );
  const inboxNames = new Map(inboxes.data.data.map((i) => [i.id, i.name]));
  // Online first, then by load: who can take work now, at a glance.
  const list = [...agents.data.data].sort(
    (a, b) =>
      AVAILABILITY_ORDER[a.availability] - AVAILABILITY_ORDER[b.availability] ||
      b.open_conversations - a.open_conversations ||
      agentLabel(a).localeCompare(agentLabel(b)),
  );
  const online = list.filter((a) => a.availability === 'online').length;

  return (
    <>
      <PageHeader
        title={t('assignment.agents.title')}
        description={t('assignment.agents.description')}
        actions={
          <StatusLabel color={online > 0 ? 'green' : 'gray'}>
            {t('assignment.agents.onlineNow', { count: online })}
          </StatusLabel>
        }
      />
      {list.length === 0 ? (
        <Paper withBorder>
          <EmptyState
            title={t('assignment.agents.emptyTitle')}
            description={t('assignment.agents.empty')}
            action={
              <Button component={Link} to="/settings/users" variant="light">
                {t('assignment.agents.emptyAction')}
              </Button>
            }
          />
        </Paper>
      ) : (
        <Paper withBorder>
          <TableScroll minWidth={760} label={t('assignment.agents.title')}>
            <Table fz="sm" verticalSpacing="xs" aria-label={t('assignment.agents.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('assignment.agents.agent')}</Table.Th>
                  <Table.Th>{t('assignment.agents.availability')}</Table.Th>
                  <Table.Th ta="right">{t('assignment.agents.load')}</Table.Th>
                  <Table.Th>{t('assignment.agents.capacity')}</Table.Th>
                  <Table.Th>{t('assignment.agents.inboxes')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((agent) => (
                  <AgentRow key={agent.user_id} agent={agent} inboxNames={inboxNames} />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Paper>
      )}
    </>
  );
}

function AgentRow({ agent, inboxNames }: { agent: Agent; inboxNames: Map<string, string> }) {
  const { t } = useTranslation();
  const refresh = useRefreshAssignment();
  const [capacity, setCapacity] = useState<string | number>(agent.capacity ?? '');
  const [error, setError] = useState<string | null>(null);
  const name = agentLabel(agent);
  const save = useMutation({
    mutationFn: (value: number | null) =>
      unwrap(
        api.PUT('/api/agents/{user_id}/capacity', {
          params: { path: { user_id: agent.user_id } },
          body: { capacity: value },
        }),
      ),
    onSuccess: () => {
      setError(null);
      refresh();
      notify({ color: 'green', message: t('assignment.agents.capacitySaved', { name }) });
    },
    onError: (e) => {
      const problem = formProblem(e, t);
      setError(problem.fields.capacity ?? problem.message);
    },
  });
  const commit = () => {
    const value = capacity === '' ? null : Number(capacity);
    // Enter saves and disables the input while saving, which blurs it: that blur must not save the
    // value being saved a second time.
    if (value === agent.capacity || (save.isPending && save.variables === value)) return;
    save.mutate(value);
  };

  return (
    <Table.Tr data-testid="agent-row">
      <Table.Td>
        <Text size="sm" fw={500}>
          {name}
        </Text>
        {agent.name && (
          <Text size="xs" c="dimmed">
            <Email address={agent.email} />
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <StatusLabel color={AVAILABILITY_COLOR[agent.availability]}>
          {t(`assignment.agents.availabilities.${agent.availability}`)}
        </StatusLabel>
      </Table.Td>
      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="agent-load">
        {agent.capacity === null
          ? formatNumber(agent.open_conversations)
          : t('assignment.agents.loadOf', {
              open: formatNumber(agent.open_conversations),
              capacity: formatNumber(agent.capacity),
            })}
      </Table.Td>
      <Table.Td w={180}>
        <NumberInput
          size="xs"
          min={0}
          allowDecimal={false}
          allowNegative={false}
          placeholder={t('assignment.agents.noLimit')}
          aria-label={t('assignment.agents.capacityOf', { name })}
          value={capacity}
          onChange={setCapacity}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit();
          }}
          error={error}
          disabled={save.isPending}
        />
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {agent.inbox_ids.map((id) => (
            <Badge key={id} variant="default" tt="none" size="sm">
              {inboxNames.get(id) ?? id}
            </Badge>
          ))}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
