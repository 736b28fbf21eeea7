/**
 * The header's availability switch (online / busy / offline), for the users who take conversations:
 * only online agents are given conversations. Going offline hands one's open conversations on as the
 * inboxes' assignment rules say (the server does it); the toast says how many went.
 *
 * Who takes conversations is who the workspace gives them to: the members of an inbox (auto-assignment
 * and the assignee choices of an agent), and anyone holding open conversations now (an admin assigned
 * one by hand can still go offline to hand them on). An admin of no inbox holding none sees no switch.
 */
import { Badge, Menu, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { errorMessage } from '../../ui/states';
import { useAgents } from './conversation-queries';
import { notify } from './notify';

const AVAILABILITIES = ['online', 'busy', 'offline'] as const;
type Availability = (typeof AVAILABILITIES)[number];
/** A member of an inbox, or holding open conversations: presence matters for them. */
export function takesConversations(agent: { inbox_ids: readonly string[]; open_conversations: number }) {
  return agent.inbox_ids.length > 0 || agent.open_conversations > 0;
}

const COLOR: Record<Availability, string> = { online: 'green', busy: 'yellow', offline: 'gray' };

export function AvailabilityMenu() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { data: user } = useSession();
  const agents = useAgents();
  const me = agents.data?.find((a) => a.user_id === user?.id);
  const change = useMutation({
    mutationFn: (availability: Availability) =>
      unwrap(
        api.PUT('/api/agents/{user_id}/availability', {
          params: { path: { user_id: user!.id } },
          body: { availability },
        }),
      ),
    onSuccess: (agent) => {
      const before = me?.open_conversations ?? 0;
      if (agent.availability === 'offline') {
        const handedOn = before - agent.open_conversations;
        notify({
          color: 'blue',
          message:
            handedOn > 0
              ? t('conversations.availability.handedOn', { count: handedOn })
              : t('conversations.availability.keptOpen'),
        });
      }
      void client.invalidateQueries({ queryKey: ['agents'] });
      void client.invalidateQueries({ queryKey: ['conversations'] });
      void client.invalidateQueries({ queryKey: ['conversation-counts'] });
    },
    onError: (error) => notify({ color: 'red', message: errorMessage(error, t) }),
  });
  if (!user || !me || !takesConversations(me)) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton
          aria-label={t('conversations.availability.badge', {
            state: t(`conversations.availability.${me.availability}`),
          })}
          data-testid="availability"
        >
          {/* Named as well as stated: "Offline" alone in the header read as the app having lost its connection. */}
          <Badge variant="dot" color={COLOR[me.availability]} tt="none" style={{ cursor: 'pointer' }}>
            {t('conversations.availability.badge', {
              state: t(`conversations.availability.${me.availability}`),
            })}
          </Badge>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('conversations.availability.label')}</Menu.Label>
        {AVAILABILITIES.map((a) => (
          <Menu.Item
            key={a}
            onClick={() => change.mutate(a)}
            leftSection={<Badge variant="dot" color={COLOR[a]} size="xs" p={0} w={10} />}
            aria-current={a === me.availability ? 'true' : undefined}
          >
            {t(`conversations.availability.${a}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
