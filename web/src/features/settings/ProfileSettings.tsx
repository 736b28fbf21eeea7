/**
 * 个人资料: the signed-in user's own account — name and language (kept on the server, applied at
 * every sign-in), password (needs the current one; other sessions end), and their signed-in sessions
 * with a way to sign out of all the others.
 */
import { Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type User } from '../../api/client';
import { SESSION_KEY, useSession } from '../../session/session';
import { formatDateTime, formatNumber, type Language, setLanguage } from '../../i18n';
import { PageHeader } from '../../ui/PageHeader';
import { PasswordField } from '../../ui/PasswordField';
import { LoadingRows } from '../../ui/states';
import { QueryStates } from '../../ui/QueryStates';
import { ConfirmModal } from './ConfirmModal';
import { deviceOf } from './device-label';
import { StatusLabel } from './StatusLabel';
import { type FormProblem, formProblem, NO_PROBLEM } from './form-problem';
import { notify } from './notify';

const MIN_PASSWORD = 8;

export function ProfileSettings() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  if (!user) return <LoadingRows />;
  return (
    <>
      <PageHeader title={t('settings.profile.title')} description={t('settings.profile.description')} />
      <Stack gap="md" maw={760}>
        <AccountForm user={user} />
        <PasswordForm />
        <Sessions />
      </Stack>
    </>
  );
}

function AccountForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(user.name ?? '');
  const [language, setLanguageChoice] = useState<string>(user.language ?? 'browser');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const save = useMutation({
    mutationFn: (body: { name: string | null; language: Language | null }) =>
      unwrap(api.PATCH('/api/auth/me', { body })),
    onSuccess: (updated) => {
      client.setQueryData(SESSION_KEY, updated);
      void client.invalidateQueries({ queryKey: ['users'] });
      if (updated.language) setLanguage(updated.language);
      setProblem(NO_PROBLEM);
      notify({ color: 'green', message: t('settings.profile.saved') });
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  const chosen = language === 'browser' ? null : (language as Language);
  const changed = (name.trim() || null) !== (user.name ?? null) || chosen !== user.language;
  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ name: name.trim() || null, language: chosen });
        }}
      >
        <Title order={2} size="h4" mb="sm">
          {t('settings.profile.account')}
        </Title>
        {problem.message && (
          <Alert color="red" role="alert" mb="sm">
            {problem.message}
          </Alert>
        )}
        <dl className="kith-fields" style={{ marginBottom: 12 }}>
          <div>
            <dt>{t('settings.users.email')}</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>{t('settings.users.role')}</dt>
            <dd>{t(`roles.${user.role}`)}</dd>
          </div>
        </dl>
        <Group grow align="flex-start">
          <TextInput
            label={t('settings.users.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={problem.fields.name}
            autoComplete="name"
          />
          <Select
            label={t('settings.profile.language')}
            description={t('settings.profile.languageHint')}
            value={language}
            onChange={(value) => setLanguageChoice(value ?? 'browser')}
            allowDeselect={false}
            error={problem.fields.language}
            data={[
              { value: 'browser', label: t('settings.profile.languageBrowser') },
              { value: 'en', label: 'English' },
              { value: 'zh', label: '中文' },
            ]}
          />
        </Group>
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={save.isPending} disabled={!changed}>
            {t('common.save')}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const change = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/auth/me', { body: { password: next, current_password: current } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setProblem(NO_PROBLEM);
      void client.invalidateQueries({ queryKey: ['sessions'] });
      notify({ color: 'green', message: t('settings.profile.passwordChanged') });
    },
    onError: (error) => setProblem(formProblem(error, t)),
  });
  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const fields: Record<string, string> = {};
          if (!current) fields.current_password = t('settings.reasons.required');
          if (next.length < MIN_PASSWORD)
            fields.password = t('settings.reasons.minLength', { count: MIN_PASSWORD });
          else if (next !== repeat) fields.repeat = t('settings.profile.passwordMismatch');
          if (Object.keys(fields).length > 0) return setProblem({ ...NO_PROBLEM, fields });
          change.mutate();
        }}
      >
        <Title order={2} size="h4" mb={4}>
          {t('settings.profile.password')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('settings.profile.passwordHint')}
        </Text>
        {problem.message && (
          <Alert color="red" role="alert" mb="sm">
            {problem.message}
          </Alert>
        )}
        <Stack gap="sm" maw={360}>
          <PasswordField
            label={t('settings.profile.currentPassword')}
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={problem.fields.current_password}
          />
          <PasswordField
            label={t('settings.profile.newPassword')}
            description={t('settings.reasons.minLength', { count: MIN_PASSWORD })}
            autoComplete="new-password"
            value={next}
            onChange={(event) => setNext(event.currentTarget.value)}
            error={problem.fields.password}
          />
          <PasswordField
            label={t('settings.profile.repeatPassword')}
            autoComplete="new-password"
            value={repeat}
            onChange={(event) => setRepeat(event.currentTarget.value)}
            error={problem.fields.repeat}
          />
        </Stack>
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={change.isPending} disabled={!current && !next}>
            {t('settings.profile.changePassword')}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

/** The browser and system a session signed in with, its address beneath; the raw string on hover. */
function DeviceCell({ userAgent, address }: { userAgent: string | null; address: string | null }) {
  const { t } = useTranslation();
  const { browser, system } = deviceOf(userAgent);
  const name =
    browser && system
      ? t('settings.profile.browserOn', { browser, system })
      : (browser ??
        system ??
        (userAgent ? t('settings.profile.otherDevice') : t('settings.profile.unknownDevice')));
  return (
    <div title={userAgent ?? undefined}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {name}
      </Text>
      {address && (
        <Text size="xs" c="dimmed" className="kith-mono">
          {address}
        </Text>
      )}
    </div>
  );
}

function Sessions() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => unwrap(api.GET('/api/auth/sessions')),
  });
  const others = sessions.data?.data.filter((s) => !s.current).length ?? 0;
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={2} size="h4" mb={4}>
            {t('settings.profile.sessions')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('settings.profile.sessionsHint')}
          </Text>
        </div>
        <Button
          variant="default"
          color="red"
          disabled={others === 0}
          onClick={() => setConfirming(true)}
          style={{ flexShrink: 0 }}
        >
          {t('settings.profile.signOutOthers')}
        </Button>
      </Group>
      <QueryStates query={sessions} rows={2}>
        {(page) => (
          <Table aria-label={t('settings.profile.sessions')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.profile.device')}</Table.Th>
                <Table.Th>{t('settings.profile.signedInAt')}</Table.Th>
                <Table.Th>{t('settings.profile.lastSeenAt')}</Table.Th>
                <Table.Th>{t('settings.profile.expiresAt')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.data.map((session, index) => (
                <Table.Tr key={`${session.created_at}-${index}`}>
                  <Table.Td>
                    <DeviceCell userAgent={session.user_agent} address={session.ip_address} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(session.created_at)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {session.current
                      ? t('settings.profile.now')
                      : session.last_seen_at
                        ? formatDateTime(session.last_seen_at)
                        : '—'}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(session.expires_at)}</Table.Td>
                  <Table.Td>
                    {session.current && (
                      <StatusLabel color="green">{t('settings.profile.thisBrowser')}</StatusLabel>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {page.data.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed">
                      {t('settings.profile.noSessions')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
      </QueryStates>
      {confirming && (
        <ConfirmModal
          title={t('settings.profile.signOutOthersTitle')}
          confirmLabel={t('settings.profile.signOutOthersConfirm', {
            count: others,
            n: formatNumber(others),
          })}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const result = await unwrap(api.POST('/api/auth/sessions/revoke-others'));
            notify({
              color: 'green',
              message: t('settings.profile.signedOutOthers', {
                count: result.revoked,
                n: formatNumber(result.revoked),
              }),
            });
          }}
          onDone={() => void client.invalidateQueries({ queryKey: ['sessions'] })}
        >
          {t('settings.profile.signOutOthersBody', { count: others, n: formatNumber(others) })}
        </ConfirmModal>
      )}
    </Paper>
  );
}
