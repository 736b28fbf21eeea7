import { Alert, Button, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY, useSession } from '../../session/session';
import { PasswordField } from '../../ui/PasswordField';
import { errorMessage } from '../../ui/states';
import { AuthFrame } from './AuthFrame';

/** Only paths of this app are followed after sign-in (never another site). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/customers';
}

export default function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.data) return <Navigate to={safeNext(params.get('next'))} replace />;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
      client.setQueryData(SESSION_KEY, user);
      void navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t('signIn.wrong'));
      else if (e instanceof ApiError && e.status === 429) setError(t('signIn.throttled'));
      else setError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('signIn.title')}>
      <form onSubmit={submit} noValidate>
        {error && (
          <Alert color="red" mb="md" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          mb="sm"
          data-autofocus
          autoFocus
        />
        <PasswordField
          label={t('signIn.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          mb="md"
        />
        <Button type="submit" fullWidth loading={busy}>
          {t('signIn.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
