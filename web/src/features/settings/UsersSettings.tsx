/**
 * 成员 (admin): everyone who can sign in — invite by e-mail (pending invitations below the users),
 * create with an initial password, change role, reset a password, disable and enable. One's own row
 * points to the profile instead (no locking oneself out).
 */
import { Button, Group, Menu, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type User } from '../../api/client';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { PasswordField } from '../../ui/PasswordField';
import { EmptyState } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader, RowMenu } from './RowActions';
import { FormModal, ProblemAlert } from './FormModal';
import { InviteModal, InvitesSection } from './InvitesSection';
import { StatusLabel } from './StatusLabel';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { USERS_KEY, useSettingsRefresh, useUsers, userLabel } from './settings-queries';
import { notify, notifyRefused } from './notify';
import { TableScroll } from '../../ui/TableScroll';
import { Email } from '../../ui/Email';

const MIN_PASSWORD = 8;
type Role = User['role'];

export function UsersSettings() {
  const { t } = useTranslation();
  const users = useUsers();
  const { data: me } = useSession();
  const [creating, setCreating] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const refresh = useSettingsRefresh(USERS_KEY);
  const patch = useMutation({
    mutationFn: ({ user, body }: { user: User; body: { role?: Role; disabled?: boolean } }) =>
      unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body })),
    onSuccess: (updated, { body }) => {
      refresh();
      notify({
        color: 'green',
        message:
          body.role !== undefined
            ? t('settings.users.roleChanged', { name: userLabel(updated), role: t(`roles.${updated.role}`) })
            : t('settings.users.enabled', { name: userLabel(updated) }),
      });
    },
    onError: (error) => notifyRefused(error),
  });

  return (
    <>
      <PageHeader
        title={t('settings.users.title')}
        description={t('settings.users.description')}
        actions={
          <Group gap="xs">
            <Button variant="default" onClick={() => setCreating(true)}>
              {t('settings.users.new')}
            </Button>
            <Button onClick={() => setInviting(true)}>{t('invite.admin.invite')}</Button>
          </Group>
        }
      />
      <Paper withBorder>
        <QueryStates
          query={users}
          rows={4}
          isEmpty={(page) => page.data.length === 0}
          empty={
            <EmptyState
              title={t('settings.users.emptyTitle')}
              description={t('settings.users.empty')}
              action={<Button onClick={() => setCreating(true)}>{t('settings.users.new')}</Button>}
            />
          }
        >
          {(page) => (
            <TableScroll minWidth={760} label={t('settings.users.title')}>
              <Table className="kith-sticky-head" aria-label={t('settings.users.title')} highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('settings.users.name')}</Table.Th>
                    <Table.Th>{t('settings.users.email')}</Table.Th>
                    <Table.Th w={170}>{t('settings.users.role')}</Table.Th>
                    <Table.Th>{t('settings.users.status')}</Table.Th>
                    <Table.Th>{t('settings.users.created')}</Table.Th>
                    <ActionsHeader w={56} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data.map((user) => {
                    const self = user.id === me?.id;
                    return (
                      <Table.Tr key={user.id} data-testid={`user-${user.email}`}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {user.name || '—'}
                            {self && (
                              <Text span size="xs" c="dimmed" ml={6}>
                                {t('settings.users.you')}
                              </Text>
                            )}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Email address={user.email} />
                        </Table.Td>
                        <Table.Td>
                          <Select
                            size="xs"
                            // "Administrator" whole, however narrow the screen.
                            miw={130}
                            aria-label={t('settings.users.roleOf', { name: userLabel(user) })}
                            value={user.role}
                            disabled={self || patch.isPending}
                            allowDeselect={false}
                            data={(['admin', 'agent'] as const).map((role) => ({
                              value: role,
                              label: t(`roles.${role}`),
                            }))}
                            onChange={(role) => {
                              if (role && role !== user.role)
                                patch.mutate({ user, body: { role: role as Role } });
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          {user.disabled ? (
                            <StatusLabel color="gray">{t('settings.users.disabled')}</StatusLabel>
                          ) : (
                            <StatusLabel color="green">{t('settings.users.active')}</StatusLabel>
                          )}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <Text size="sm" c="dimmed">
                            {formatDateTime(user.created_at)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {self ? (
                            <Button component={Link} to="/settings/profile" variant="subtle" size="xs">
                              {t('settings.users.yourProfile')}
                            </Button>
                          ) : (
                            <RowMenu name={userLabel(user)}>
                              <Menu.Item onClick={() => setResetting(user)}>
                                {t('settings.users.resetPassword')}
                              </Menu.Item>
                              {user.disabled ? (
                                <Menu.Item onClick={() => patch.mutate({ user, body: { disabled: false } })}>
                                  {t('settings.users.enable')}
                                </Menu.Item>
                              ) : (
                                <Menu.Item color="red" onClick={() => setDisabling(user)}>
                                  {t('settings.users.disable')}
                                </Menu.Item>
                              )}
                            </RowMenu>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
        </QueryStates>
      </Paper>
      <InvitesSection onInvite={() => setInviting(true)} />
      {creating && <CreateUserModal onClose={() => setCreating(false)} onCreated={refresh} />}
      {inviting && <InviteModal onClose={() => setInviting(false)} />}
      {resetting && (
        <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onDone={refresh} />
      )}
      {disabling && (
        <ConfirmModal
          title={t('settings.users.disableTitle', { name: userLabel(disabling) })}
          confirmLabel={t('settings.users.disable')}
          onClose={() => setDisabling(null)}
          onConfirm={() =>
            unwrap(
              api.PATCH('/api/users/{id}', {
                params: { path: { id: disabling.id } },
                body: { disabled: true },
              }),
            )
          }
          onDone={() => {
            refresh();
            notify({
              color: 'green',
              message: t('settings.users.disabledDone', { name: userLabel(disabling) }),
            });
          }}
        >
          {t('settings.users.disableBody', { email: disabling.email })}
        </ConfirmModal>
      )}
    </>
  );
}

function CreateUserModal({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/users', { body: { email, name: name.trim() || null, role, password } })),
    onSuccess: (user) => {
      onCreated();
      notify({ color: 'green', message: t('settings.users.createdDone', { email: user.email }) });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <FormModal
      title={t('settings.users.newTitle')}
      size="md"
      onClose={onClose}
      onSubmit={() => {
        const fields: Record<string, string> = {};
        if (!email.trim()) fields.email = t('settings.reasons.required');
        if (password.length < MIN_PASSWORD)
          fields.password = t('settings.reasons.minLength', { count: MIN_PASSWORD });
        if (Object.keys(fields).length > 0) return setProblem({ ...NO_PROBLEM, fields });
        create.mutate();
      }}
      submit={
        <Button type="submit" loading={create.isPending}>
          {t('settings.users.create')}
        </Button>
      }
    >
      <ProblemAlert problem={problem} />
      <TextInput
        label={t('settings.users.email')}
        type="email"
        required
        data-autofocus
        value={email}
        onChange={(event) => setEmail(event.currentTarget.value)}
        error={problem.fields.email}
        autoComplete="off"
      />
      <TextInput
        label={t('settings.users.name')}
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        error={problem.fields.name}
        autoComplete="off"
      />
      <Select
        label={t('settings.users.role')}
        description={t('settings.users.roleHint')}
        value={role}
        allowDeselect={false}
        onChange={(value) => setRole((value as Role) ?? 'agent')}
        error={problem.fields.role}
        data={(['agent', 'admin'] as const).map((value) => ({ value, label: t(`roles.${value}`) }))}
      />
      <PasswordField
        label={t('settings.users.initialPassword')}
        description={t('settings.users.initialPasswordHint', { count: MIN_PASSWORD })}
        required
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.currentTarget.value)}
        error={problem.fields.password}
      />
    </FormModal>
  );
}

function ResetPasswordModal({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const reset = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { password } })),
    onSuccess: () => {
      onDone();
      notify({
        color: 'green',
        message: t('settings.users.passwordReset', { name: userLabel(user) }),
      });
      onClose();
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <FormModal
      title={t('settings.users.resetTitle', { name: userLabel(user) })}
      size="md"
      onClose={onClose}
      onSubmit={() => {
        if (password.length < MIN_PASSWORD)
          return setProblem({
            ...NO_PROBLEM,
            fields: { password: t('settings.reasons.minLength', { count: MIN_PASSWORD }) },
          });
        reset.mutate();
      }}
      submit={
        <Button type="submit" color="red" loading={reset.isPending}>
          {t('settings.users.resetConfirm')}
        </Button>
      }
    >
      <Text size="sm">{t('settings.users.resetBody', { email: user.email })}</Text>
      <ProblemAlert problem={problem} />
      <PasswordField
        label={t('settings.profile.newPassword')}
        description={t('settings.reasons.minLength', { count: MIN_PASSWORD })}
        data-autofocus
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.currentTarget.value)}
        error={problem.fields.password}
      />
    </FormModal>
  );
}
