/**
 * A customer's conversations (the customer page's Conversations tab, `?tab=conversations`), newest
 * first, each opening the conversation; and a new one started from here, in an inbox the agent
 * chooses, opened at once to write the first message. Agents see their inboxes' conversations only
 * (the server decides).
 */
import { Alert, Anchor, Badge, Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { NextPageButton } from '../../ui/NextPageButton';
import { EmptyState, ErrorState, LoadingRows } from '../../ui/states';
import {
  STATUS_COLOR,
  useAgentNames,
  useInboxes,
  useInboxNames,
} from '../conversations/conversation-queries';
import { LastMessage } from '../conversations/LastMessage';
import { formProblem, problemText } from '../settings/form-problem';

export function CustomerConversations({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const [starting, setStarting] = useState(false);
  const inboxName = useInboxNames();
  const agentName = useAgentNames();
  const conversations = useInfiniteQuery({
    queryKey: ['contact-conversations', contactId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/conversations', {
          params: { query: { contact_id: contactId, limit: 50, after: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const rows = conversations.data?.pages.flatMap((page) => page.data) ?? [];

  const start = (
    <Button variant="default" size="xs" onClick={() => setStarting(true)}>
      {t('customer.conversations.start')}
    </Button>
  );
  return (
    <Stack gap="sm">
      {conversations.isPending ? (
        <LoadingRows rows={3} />
      ) : conversations.isError ? (
        <ErrorState error={conversations.error} onRetry={() => void conversations.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={t('customer.conversations.none')}
          description={t('customer.conversations.noneHint')}
          action={start}
        />
      ) : (
        <>
          <Group justify="flex-end">{start}</Group>
          <Table
            highlightOnHover
            fz="sm"
            className="kith-tabular kith-nowrap-head"
            data-testid="customer-conversations"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('customer.conversations.started')}</Table.Th>
                <Table.Th>{t('customer.conversations.status')}</Table.Th>
                <Table.Th>{t('customer.conversations.lastMessage')}</Table.Th>
                <Table.Th>{t('customer.conversations.inbox')}</Table.Th>
                <Table.Th>{t('customer.conversations.assignee')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} to={`/conversations/${c.id}`} size="sm">
                      {formatDateTime(c.created_at)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={STATUS_COLOR[c.status] ?? 'gray'}>
                      {t(`conversations.statuses.${c.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td maw={360}>
                    <LastMessage message={c.last_message} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{inboxName.get(c.inbox_id) ?? ''}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {c.assignee_id ? (
                      (agentName.get(c.assignee_id) ?? '')
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('conversations.unassigned')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <NextPageButton pages={conversations} label={t('customer.conversations.more')} />
        </>
      )}
      {starting && <StartConversation contactId={contactId} onClose={() => setStarting(false)} />}
    </Stack>
  );
}

/**
 * Starts a conversation with the customer in the chosen inbox — assigned to the agent who starts it
 * when they are one of that inbox's agents — and opens it, where the first message is written.
 */
function StartConversation({ contactId, onClose }: { contactId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { data: user } = useSession();
  const inboxes = useInboxes();
  const mine = (inboxes.data ?? []).filter(
    (inbox) => user?.role === 'admin' || (user && inbox.member_ids.includes(user.id)),
  );
  const [inboxId, setInboxId] = useState<string | null>(null);
  const chosen = inboxId ?? (mine.length === 1 ? mine[0]!.id : null);
  const create = useMutation({
    mutationFn: () => {
      const inbox = mine.find((i) => i.id === chosen)!;
      const assignToMe = user !== undefined && user !== null && inbox.member_ids.includes(user.id);
      return unwrap(
        api.POST('/api/conversations', {
          body: {
            inbox_id: inbox.id,
            contact_id: contactId,
            ...(assignToMe ? { assignee_id: user.id } : {}),
          },
        }),
      );
    },
    onSuccess: async (conversation) => {
      await client.invalidateQueries({ queryKey: ['contact-conversations', contactId] });
      void navigate(`/conversations/${conversation.id}`);
    },
  });
  const problem = create.isError ? formProblem(create.error, t) : null;
  return (
    <Modal opened onClose={onClose} title={t('customer.conversations.startTitle')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (chosen) create.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('customer.conversations.startText')}</Text>
          {inboxes.isSuccess && mine.length === 0 ? (
            <Alert color="yellow">{t('customer.conversations.noInbox')}</Alert>
          ) : (
            <Select
              label={t('customer.conversations.inbox')}
              data={mine.map((inbox) => ({ value: inbox.id, label: inbox.name }))}
              value={chosen}
              onChange={setInboxId}
              allowDeselect={false}
              data-autofocus
              error={problem?.fields.inbox_id}
            />
          )}
          {problem && !problem.fields.inbox_id && (
            <Alert color="red" role="alert">
              {problemText(problem, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" disabled={!chosen} loading={create.isPending}>
              {t('customer.conversations.startConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
