import { Alert, Anchor, Loader, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY } from '../../session/session';
import { AuthFrame } from './AuthFrame';
import { type FieldErrors, NewAccountForm } from './NewAccountForm';

/**
 * First run: the one-time link printed by `kith serve` (/setup#token=…) creates the first administrator.
 * Once one exists the page says so at once, with the way to sign in, instead of a form bound to be
 * refused. Whether a token is valid is only told by submitting it (the server throttles guesses).
 */
export default function SetupPage() {
  const { t } = useTranslation();
  const setup = useQuery({
    queryKey: ['setup'],
    queryFn: () => unwrap(api.GET('/api/setup')),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const navigate = useNavigate();
  const client = useQueryClient();
  // The token travels in the fragment so it never reaches a server log or a Referer header.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');

  if (setup.isPending)
    return (
      <AuthFrame title={t('setup.title')}>
        <Text size="sm" c="dimmed" role="status">
          <Loader size="xs" mr="xs" />
          {t('setup.checking')}
        </Text>
      </AuthFrame>
    );
  // Not answered (an older server, the network): the form, whose submission says what is wrong.
  if (setup.data?.needed === false)
    return (
      <AuthFrame title={t('setup.title')}>
        <Alert color="blue" role="alert">
          {t('setup.alreadyDone')}
        </Alert>
        <Anchor component={Link} to="/sign-in" size="sm">
          {t('setup.signIn')}
        </Anchor>
      </AuthFrame>
    );
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
      <NewAccountForm
        texts="setup"
        check={(): FieldErrors => {
          // Said with the password's problems at once, not after them (the server checks it again).
          if (email.trim() === '') return { email: t('settings.reasons.required') };
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return { email: t('settings.reasons.email') };
          return {};
        }}
        send={async (password) => {
          try {
            await unwrap(api.POST('/api/setup', { body: { token, email, password, name: name || null } }));
          } catch (e) {
            // Set up meanwhile (by another tab, another person): the page turns to the way to sign in.
            if (e instanceof ApiError && e.code === 'setup_done')
              client.setQueryData(['setup'], { needed: false });
            throw e;
          }
          const user = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
          client.setQueryData(SESSION_KEY, user);
          void navigate('/customers', { replace: true });
        }}
        refusal={(e) =>
          e.code === 'setup_done' ? t('setup.done') : e.status === 401 ? t('setup.badLink') : null
        }
        submitDisabled={!token}
        fields={(errors) => (
          <>
            <TextInput
              label={t('setup.name')}
              autoComplete="name"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={errors.name}
              mb="sm"
            />
            <TextInput
              label={t('setup.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={errors.email}
              mb="sm"
            />
          </>
        )}
      />
    </AuthFrame>
  );
}
