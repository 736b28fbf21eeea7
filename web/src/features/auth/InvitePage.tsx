import { Alert, Button, Loader, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY } from '../../app/session';
import { formatDateTime } from '../../i18n';
import { PasswordField } from '../../ui/PasswordField';
import { errorMessage } from '../../ui/states';
import { reasonText } from '../settings/form-problem';
import { AuthFrame } from './AuthFrame';

const MIN_PASSWORD = 8;

/**
 * `/invite#token=…`: the link an administrator's invitation sent. The invitee sees the address and role
 * they were invited with, chooses a name and password, and is signed in. The link works once.
 */
export default function InvitePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  // The token travels in the fragment so it never reaches a server log or a Referer header.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const invite = useQuery({
    queryKey: ['invite', token],
    queryFn: () => unwrap(api.POST('/api/auth/invite', { body: { token } })),
    enabled: Boolean(token),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (password.length < MIN_PASSWORD)
      problems.password = t('invite.page.passwordShort', { count: MIN_PASSWORD });
    if (confirm !== password) problems.confirm = t('invite.page.passwordMismatch');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const user = await unwrap(
        api.POST('/api/auth/invite/accept', { body: { token, password, name: name.trim() || null } }),
      );
      client.setQueryData(SESSION_KEY, user);
      void navigate('/', { replace: true });
    } catch (e) {
      if (e instanceof ApiError) {
        const byField: Record<string, string> = {};
        for (const detail of e.fieldErrors)
          byField[detail.field] = detail.reason ? reasonText(detail.reason, t) : e.message;
        setFieldErrors(byField);
        if (e.code === 'invite_invalid') setError(t('invite.page.invalid'));
        else if (Object.keys(byField).length === 0) setError(errorMessage(e, t));
      } else setError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  const invalid =
    invite.error instanceof ApiError && invite.error.code === 'invite_invalid'
      ? t('invite.page.invalid')
      : null;

  return (
    <AuthFrame title={t('invite.page.title')}>
      {!token ? (
        <Alert color="yellow" role="alert">
          {t('invite.page.noToken')}
        </Alert>
      ) : invite.isPending ? (
        <Text size="sm" c="dimmed" role="status">
          <Loader size="xs" mr="xs" />
          {t('invite.page.checking')}
        </Text>
      ) : invite.isError ? (
        <Alert color="red" role="alert">
          {invalid ?? errorMessage(invite.error, t)}
        </Alert>
      ) : (
        <>
          <Text size="sm">
            {t('invite.page.intro', { email: invite.data.email, role: t(`roles.${invite.data.role}`) })}
          </Text>
          <form onSubmit={submit} noValidate>
            {error && (
              <Alert color="red" mb="md" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label={t('invite.page.email')}
              value={invite.data.email}
              readOnly
              autoComplete="username"
              mb="sm"
            />
            <TextInput
              label={t('invite.page.name')}
              autoComplete="name"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldErrors.name}
              data-autofocus
              mb="sm"
            />
            <PasswordField
              label={t('invite.page.password')}
              description={t('invite.page.passwordHint', { count: MIN_PASSWORD })}
              autoComplete="new-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={fieldErrors.password}
              mb="sm"
            />
            <PasswordField
              label={t('invite.page.confirm')}
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(event) => setConfirm(event.currentTarget.value)}
              error={fieldErrors.confirm}
              mb="md"
            />
            <Button type="submit" fullWidth loading={busy}>
              {t('invite.page.submit')}
            </Button>
            <Text size="xs" c="dimmed" mt="sm">
              {t('invite.page.expires', { date: formatDateTime(invite.data.expires_at) })}
            </Text>
          </form>
        </>
      )}
    </AuthFrame>
  );
}
