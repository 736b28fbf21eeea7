/**
 * API 令牌: tokens programs use instead of a password. Create one (its secret is shown once, with a copy
 * button), see when each was last used, revoke one. Admins may also look at everyone's (`?all=1`).
 */
import {
  Button,
  Code,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { isAdmin, useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader } from './RowActions';
import { ModalForm } from './FormModal';
import { StatusLabel } from './StatusLabel';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { SecretReveal } from './SecretReveal';
import { useSettingsRefresh, useUsers, userLabel } from './settings-queries';
import { notify } from './notify';
import { TableScroll } from '../../ui/TableScroll';

type Token = Schemas['ApiToken'];

export function TokensSettings() {
  const { t } = useTranslation();
  const { data: me } = useSession();
  const admin = isAdmin(me);
  const [params, setParams] = useSearchParams();
  const all = admin && params.get('all') === '1';
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const tokens = useQuery({
    queryKey: ['tokens', { all }],
    queryFn: () => unwrap(api.GET('/api/tokens', { params: { query: all ? { all: 'true' } : {} } })),
  });
  const users = useUsers(all);
  const owner = (id: string) => {
    if (id === me?.id) return t('settings.users.you');
    return userLabel(users.data?.data.find((u) => u.id === id)) || id;
  };
  const refresh = useSettingsRefresh(['tokens']);
  // Live tokens first, newest first; revoked ones stay listed below for the record.
  const rows = [...(tokens.data?.data ?? [])].sort(
    (a, b) => Number(a.revoked) - Number(b.revoked) || b.created_at.localeCompare(a.created_at),
  );

  return (
    <>
      <PageHeader
        title={t('settings.tokens.title')}
        description={t('settings.tokens.description')}
        actions={<Button onClick={() => setCreating(true)}>{t('settings.tokens.new')}</Button>}
      />
      {admin && (
        <SegmentedControl
          mb="sm"
          size="xs"
          aria-label={t('settings.tokens.whose')}
          value={all ? 'all' : 'mine'}
          onChange={(value) => setParams(value === 'all' ? { all: '1' } : {})}
          data={[
            { value: 'mine', label: t('settings.tokens.mine') },
            { value: 'all', label: t('settings.tokens.everyone') },
          ]}
        />
      )}
      <Paper withBorder>
        <QueryStates
          query={tokens}
          rows={3}
          isEmpty={(page) => page.data.length === 0}
          empty={
            <EmptyState
              title={t('settings.tokens.emptyTitle')}
              description={t('settings.tokens.empty')}
              action={<Button onClick={() => setCreating(true)}>{t('settings.tokens.new')}</Button>}
            />
          }
        >
          {() => (
            <TableScroll minWidth={700} label={t('settings.tokens.title')}>
              <Table className="kith-sticky-head" aria-label={t('settings.tokens.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('settings.tokens.name')}</Table.Th>
                    {all && <Table.Th>{t('settings.tokens.owner')}</Table.Th>}
                    <Table.Th>{t('settings.tokens.created')}</Table.Th>
                    <Table.Th>{t('settings.tokens.lastUsed')}</Table.Th>
                    <Table.Th>{t('settings.users.status')}</Table.Th>
                    <ActionsHeader w={110} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((token) => (
                    <Table.Tr key={token.id} c={token.revoked ? 'dimmed' : undefined}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {token.name}
                        </Text>
                        <Text size="xs" c="dimmed" className="kith-mono">
                          {token.id}
                        </Text>
                      </Table.Td>
                      {all && <Table.Td>{owner(token.user_id)}</Table.Td>}
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(token.created_at)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {token.last_used_at ? formatDateTime(token.last_used_at) : t('settings.tokens.never')}
                      </Table.Td>
                      <Table.Td>
                        {token.revoked ? (
                          <StatusLabel color="gray">{t('settings.tokens.revoked')}</StatusLabel>
                        ) : (
                          <StatusLabel color="green">{t('settings.users.active')}</StatusLabel>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {!token.revoked && (
                          <Button
                            variant="subtle"
                            color="red"
                            size="xs"
                            onClick={() => setRevoking(token)}
                            aria-label={t('settings.tokens.revokeNamed', { name: token.name })}
                          >
                            {t('settings.tokens.revoke')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryStates>
      </Paper>
      {creating && <CreateTokenModal onClose={() => setCreating(false)} onCreated={refresh} />}
      {revoking && (
        <ConfirmModal
          title={t('settings.tokens.revokeTitle', { name: revoking.name })}
          confirmLabel={t('settings.tokens.revoke')}
          onClose={() => setRevoking(null)}
          onConfirm={() => unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id: revoking.id } } }))}
          onDone={() => {
            refresh();
            notify({
              color: 'green',
              message: t('settings.tokens.revokedDone', { name: revoking.name }),
            });
          }}
        >
          {t('settings.tokens.revokeBody', { name: revoking.name })}
        </ConfirmModal>
      )}
    </>
  );
}

function CreateTokenModal({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/tokens', { body: { name: name.trim() || null } })),
    onSuccess: onCreated,
    onError: (error) => setProblem(formProblem(error, t)),
  });
  const created = create.data;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      title={
        created ? t('settings.tokens.createdTitle', { name: created.name }) : t('settings.tokens.newTitle')
      }
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="sm">
          <SecretReveal label={t('settings.tokens.secretLabel')} secret={created.token} />
          <Text size="sm" c="dimmed">
            {t('settings.tokens.usage')} <Code>Authorization: Bearer kith_…</Code>
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('settings.secret.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <ModalForm
          onSubmit={() => create.mutate()}
          onCancel={onClose}
          submit={
            <Button type="submit" loading={create.isPending}>
              {t('settings.tokens.create')}
            </Button>
          }
        >
          {problem.message && (
            <Text c="red" size="sm" role="alert">
              {problem.message}
            </Text>
          )}
          <TextInput
            label={t('settings.tokens.name')}
            description={t('settings.tokens.nameHint')}
            placeholder={t('settings.tokens.namePlaceholder')}
            data-autofocus
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={problem.fields.name}
          />
        </ModalForm>
      )}
    </Modal>
  );
}
