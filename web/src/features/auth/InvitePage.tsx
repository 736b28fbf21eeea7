import { Alert, Anchor, Loader, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { SESSION_KEY } from '../../session/session';
import { formatDateTime } from '../../i18n';
import { errorMessage } from '../../ui/states';
import { AuthFrame } from './AuthFrame';
import { NewAccountForm } from './NewAccountForm';

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
        <>
          <Alert color="red" role="alert">
            {invalid ?? errorMessage(invite.error, t)}
          </Alert>
          {/* A link already used may be the invitee's own: their account exists, they sign in. */}
          {invalid && (
            <Anchor component={Link} to="/sign-in" size="sm" mt="sm" display="inline-block">
              {t('invite.page.signIn')}
            </Anchor>
          )}
        </>
      ) : (
        <>
          <Text size="sm">
            {t('invite.page.intro', { email: invite.data.email, role: t(`roles.${invite.data.role}`) })}
          </Text>
          <NewAccountForm
            texts="invite.page"
            send={async (password) => {
              const user = await unwrap(
                api.POST('/api/auth/invite/accept', { body: { token, password, name: name.trim() || null } }),
              );
              client.setQueryData(SESSION_KEY, user);
              void navigate('/', { replace: true });
            }}
            refusal={(e) => (e.code === 'invite_invalid' ? t('invite.page.invalid') : null)}
            fields={(errors) => (
              <>
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
                  error={errors.name}
                  data-autofocus
                  mb="sm"
                />
              </>
            )}
          >
            <Text size="xs" c="dimmed" mt="sm">
              {t('invite.page.expires', { date: formatDateTime(invite.data.expires_at) })}
            </Text>
          </NewAccountForm>
        </>
      )}
    </AuthFrame>
  );
}
