/**
 * Invitations (admin, on the users screen): invite an e-mail address with a role; Kith e-mails a
 * one-time link, or, without a mail server, hands the link over to pass on. Pending invitations are
 * listed with their state, to send again (a new link) or withdraw.
 */
import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Schemas, unwrap } from '../../api/client';
import { formatDateTime } from '../../i18n';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { ActionsHeader } from './RowActions';
import { ModalForm, ProblemAlert } from './FormModal';
import { StatusLabel } from './StatusLabel';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify, notifyRefused } from './notify';
import { useSettingsRefresh } from './settings-queries';
import { TableScroll } from '../../ui/TableScroll';
import { Email } from '../../ui/Email';

type Invite = Schemas['Invite'];
type Issued = Schemas['IssuedInvite'];
type Role = Invite['role'];

export const INVITES_KEY = ['invites'] as const;
/** How long a link works (the server's INVITE_VALID_DAYS). */
const VALID_DAYS = 7;

export function useInvites() {
  return useQuery({ queryKey: INVITES_KEY, queryFn: () => unwrap(api.GET('/api/users/invites')) });
}

/** The language the e-mail is written in: the one the admin is using. */
function mailLanguage(language: string): 'en' | 'zh' {
  return language.startsWith('zh') ? 'zh' : 'en';
}

export function InvitesSection({ onInvite }: { onInvite: () => void }) {
  const { t, i18n } = useTranslation();
  const invites = useInvites();
  const [revoking, setRevoking] = useState<Invite | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const refresh = useSettingsRefresh(INVITES_KEY);
  const resend = useMutation({
    mutationFn: (invite: Invite) =>
      unwrap(
        api.POST('/api/users/invites/{id}/resend', {
          params: { path: { id: invite.id } },
          body: { language: mailLanguage(i18n.language) },
        }),
      ),
    onSuccess: (result) => {
      refresh();
      if (result.sent)
        notify({ color: 'green', message: t('invite.admin.resent', { email: result.invite.email }) });
      else setIssued(result);
    },
    onError: (error) => notifyRefused(error),
  });

  return (
    <Paper withBorder mt="lg" data-testid="invites">
      <Group justify="space-between" p="sm">
        <Title order={2} size="h5">
          {t('invite.admin.pendingTitle')}
        </Title>
        <Button variant="default" size="xs" onClick={onInvite}>
          {t('invite.admin.invite')}
        </Button>
      </Group>
      <QueryStates
        query={invites}
        rows={2}
        isEmpty={(page) => page.data.length === 0}
        empty={
          <Text size="sm" c="dimmed" px="sm" pb="sm">
            {t('invite.admin.pendingEmpty')}
          </Text>
        }
      >
        {(page) => (
          <TableScroll minWidth={720} label={t('invite.admin.pendingTitle')}>
            <Table aria-label={t('invite.admin.pendingTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('invite.admin.email')}</Table.Th>
                  <Table.Th>{t('invite.admin.role')}</Table.Th>
                  <Table.Th>{t('invite.admin.invited')}</Table.Th>
                  <Table.Th>{t('invite.admin.status')}</Table.Th>
                  <ActionsHeader w={220} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.map((invite) => (
                  <Table.Tr key={invite.id} data-testid={`invite-${invite.email}`}>
                    <Table.Td>
                      <Email address={invite.email} />
                    </Table.Td>
                    <Table.Td>{t(`roles.${invite.role}`)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(invite.created_at)}</Text>
                      <Text size="xs" c="dimmed">
                        {invite.sent_at
                          ? t('invite.admin.sentAt', { date: formatDateTime(invite.sent_at) })
                          : t('invite.admin.notSent')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {invite.status === 'pending' ? (
                        <StatusLabel color="yellow">{t('invite.admin.pending')}</StatusLabel>
                      ) : (
                        <StatusLabel color="gray">{t('invite.admin.expired')}</StatusLabel>
                      )}
                      <Text size="xs" c="dimmed">
                        {t('invite.admin.expiresAt', { date: formatDateTime(invite.expires_at) })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          variant="subtle"
                          size="xs"
                          aria-label={t('invite.admin.resendOf', { email: invite.email })}
                          loading={resend.isPending && resend.variables?.id === invite.id}
                          onClick={() => resend.mutate(invite)}
                        >
                          {page.mails ? t('invite.admin.resend') : t('invite.admin.newLink')}
                        </Button>
                        <Button
                          variant="subtle"
                          color="red"
                          size="xs"
                          aria-label={t('invite.admin.revokeOf', { email: invite.email })}
                          onClick={() => setRevoking(invite)}
                        >
                          {t('invite.admin.revoke')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </QueryStates>
      {revoking && (
        <ConfirmModal
          title={t('invite.admin.revokeTitle', { email: revoking.email })}
          confirmLabel={t('invite.admin.revoke')}
          onClose={() => setRevoking(null)}
          onConfirm={() =>
            unwrap(api.DELETE('/api/users/invites/{id}', { params: { path: { id: revoking.id } } }))
          }
          onDone={() => {
            refresh();
            notify({ color: 'green', message: t('invite.admin.revoked', { email: revoking.email }) });
          }}
        >
          {t('invite.admin.revokeBody')}
        </ConfirmModal>
      )}
      {issued && <IssuedLinkModal issued={issued} onClose={() => setIssued(null)} />}
    </Paper>
  );
}

/** The link to pass on, when it was not e-mailed (no mail server, or sending failed). */
function IssuedLinkModal({ issued, onClose }: { issued: Issued; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      size="lg"
      title={t('invite.admin.linkTitle', { email: issued.invite.email })}
    >
      <IssuedLink issued={issued} onClose={onClose} />
    </Modal>
  );
}

function IssuedLink({ issued, onClose }: { issued: Issued; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      {issued.mail_error && (
        <Alert color="orange" role="alert">
          <Text size="sm" className="kith-server-message">
            {t('invite.admin.mailFailed', { reason: issued.mail_error })}
          </Text>
        </Alert>
      )}
      <Group gap="xs" wrap="nowrap" align="center">
        <Code
          block
          className="kith-secret"
          data-testid="invite-link"
          style={{ flex: 1, whiteSpace: 'pre-wrap' }}
        >
          {issued.link}
        </Code>
        <CopyButton value={issued.link ?? ''}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'light' : 'default'}
              color={copied ? 'green' : undefined}
              onClick={copy}
            >
              {copied ? t('invite.admin.copied') : t('invite.admin.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text size="sm" c="dimmed">
        {t('invite.admin.linkHint')}
      </Text>
      <Group justify="flex-end">
        <Button onClick={onClose}>{t('common.close')}</Button>
      </Group>
    </Stack>
  );
}

export function InviteModal({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const refresh = useSettingsRefresh(INVITES_KEY);
  const invites = useInvites();
  const mails = invites.data?.mails ?? true;
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/users/invites', {
          body: { email: email.trim(), role, language: mailLanguage(i18n.language) },
        }),
      ),
    onSuccess: (result) => {
      refresh();
      if (result.sent) {
        notify({ color: 'green', message: t('invite.admin.sent', { email: result.invite.email }) });
        onClose();
      }
    },
    onError: (error) => {
      const problem = formProblem(error, t);
      // A taken address: a user has it, or an invitation to it waits (sent again from the list).
      if (error instanceof ApiError && error.code === 'conflict')
        problem.fields.email = error.message.includes('invitation')
          ? t('invite.admin.alreadyInvited')
          : t('invite.admin.alreadyUser');
      setProblem(problem);
    },
  });
  const issued = invite.data && !invite.data.sent ? invite.data : null;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened
      onClose={onClose}
      size="lg"
      title={issued ? t('invite.admin.linkTitle', { email: issued.invite.email }) : t('invite.admin.title')}
      closeOnClickOutside={!issued}
    >
      {issued ? (
        <IssuedLink issued={issued} onClose={onClose} />
      ) : (
        <ModalForm
          onSubmit={() => {
            if (!email.trim())
              return setProblem({ ...NO_PROBLEM, fields: { email: t('settings.reasons.required') } });
            invite.mutate();
          }}
          onCancel={onClose}
          submit={
            <Button type="submit" loading={invite.isPending}>
              {mails ? t('invite.admin.send') : t('invite.admin.create')}
            </Button>
          }
        >
          <Text size="sm" c="dimmed">
            {mails
              ? t('invite.admin.intro', { days: VALID_DAYS })
              : t('invite.admin.introNoMail', { days: VALID_DAYS })}
          </Text>
          <ProblemAlert problem={problem} />
          <TextInput
            label={t('invite.admin.email')}
            type="email"
            required
            data-autofocus
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={problem.fields.email}
          />
          <Select
            label={t('invite.admin.role')}
            description={t('settings.users.roleHint')}
            value={role}
            allowDeselect={false}
            onChange={(value) => setRole((value as Role) ?? 'agent')}
            error={problem.fields.role}
            data={(['agent', 'admin'] as const).map((value) => ({ value, label: t(`roles.${value}`) }))}
          />
        </ModalForm>
      )}
    </Modal>
  );
}
