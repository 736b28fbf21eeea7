import { Alert, Button, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY } from '../../app/session';
import { PasswordField } from '../../ui/PasswordField';
import { errorMessage } from '../../ui/states';
import { reasonText } from '../settings/form-problem';
import { AuthFrame } from './AuthFrame';

const MIN_PASSWORD = 8;

/** First run: the one-time link printed by `kith serve` (/setup#token=…) creates the first administrator. */
export default function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  // The token travels in the fragment so it never reaches a server log or a Referer header.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    // Said with the password's problems at once, not after them (the server checks it again).
    if (email.trim() === '') problems.email = t('settings.reasons.required');
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) problems.email = t('settings.reasons.email');
    if (password.length < MIN_PASSWORD) problems.password = t('setup.passwordShort', { count: MIN_PASSWORD });
    if (confirm !== password) problems.confirm = t('setup.passwordMismatch');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST('/api/setup', { body: { token, email, password, name: name || null } }));
      const user = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
      client.setQueryData(SESSION_KEY, user);
      void navigate('/customers', { replace: true });
    } catch (e) {
      if (e instanceof ApiError) {
        const byField: Record<string, string> = {};
        for (const detail of e.fieldErrors)
          byField[detail.field] = detail.reason ? reasonText(detail.reason, t) : e.message;
        setFieldErrors(byField);
        if (e.code === 'setup_done') setError(t('setup.done'));
        else if (e.status === 401) setError(t('setup.badLink'));
        else if (Object.keys(byField).length === 0) setError(errorMessage(e, t));
      } else setError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('setup.title')}>
      <Text size="sm" c="dimmed">
        {t('setup.intro')}
      </Text>
      {!token && (
        <Alert color="yellow" role="alert">
          {t('setup.noToken')}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        {error && (
          <Alert color="red" mb="md" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label={t('setup.name')}
          autoComplete="name"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={fieldErrors.name}
          mb="sm"
        />
        <TextInput
          label={t('setup.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={fieldErrors.email}
          mb="sm"
        />
        <PasswordField
          label={t('setup.password')}
          description={t('setup.passwordHint', { count: MIN_PASSWORD })}
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldErrors.password}
          mb="sm"
        />
        <PasswordField
          label={t('setup.confirm')}
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(event) => setConfirm(event.currentTarget.value)}
          error={fieldErrors.confirm}
          mb="md"
        />
        <Button type="submit" fullWidth loading={busy} disabled={!token}>
          {t('setup.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
