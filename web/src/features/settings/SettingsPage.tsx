/**
 * Settings 设置: a secondary navigation with a real URL per screen (`/settings/users`, `/settings/tokens`
 * …). Agents see their profile and their API tokens; the admin-only screens are hidden from them and,
 * reached by URL, say so (the server refuses them anyway).
 */
import { NavLink, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { RequireAdmin } from '../../session/RequireSession';
import { isAdmin, useSession } from '../../session/session';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { AgentsSettings } from './AgentsSettings';
import { AttributesSettings } from './AttributesSettings';
import { AuditLogSettings } from './AuditLogSettings';
import { IdentityTypesSettings } from './IdentityTypesSettings';
import { InboxesSettings } from './InboxesSettings';
import { MatchingSettings } from './MatchingSettings';
import { ProfileSettings } from './ProfileSettings';
import './settings.css';
import { SyncSettings } from './SyncSettings';
import { TagsGroupsSettings } from './TagsGroupsSettings';
import { TeamsSettings } from './TeamsSettings';
import { TokensSettings } from './TokensSettings';
import { UsersSettings } from './UsersSettings';
import { WebhooksSettings } from './WebhooksSettings';

interface Screen {
  path: string;
  label: string;
  adminOnly: boolean;
  element: ReactNode;
}

export default function SettingsPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const location = useLocation();
  const admin = isAdmin(user);

  const screens: Screen[] = [
    { path: 'profile', label: t('settings.nav.profile'), adminOnly: false, element: <ProfileSettings /> },
    { path: 'users', label: t('settings.nav.users'), adminOnly: true, element: <UsersSettings /> },
    { path: 'tokens', label: t('settings.nav.tokens'), adminOnly: false, element: <TokensSettings /> },
    {
      path: 'identity-types',
      label: t('settings.nav.identityTypes'),
      adminOnly: true,
      element: <IdentityTypesSettings />,
    },
    {
      path: 'attributes',
      label: t('settings.nav.attributes'),
      adminOnly: true,
      element: <AttributesSettings />,
    },
    { path: 'tags', label: t('settings.nav.tags'), adminOnly: true, element: <TagsGroupsSettings /> },
    { path: 'webhooks', label: t('settings.nav.webhooks'), adminOnly: true, element: <WebhooksSettings /> },
    { path: 'matching', label: t('settings.nav.matching'), adminOnly: true, element: <MatchingSettings /> },
    { path: 'inboxes', label: t('settings.nav.inboxes'), adminOnly: true, element: <InboxesSettings /> },
    { path: 'teams', label: t('settings.nav.teams'), adminOnly: true, element: <TeamsSettings /> },
    { path: 'agents', label: t('settings.nav.agents'), adminOnly: true, element: <AgentsSettings /> },
    { path: 'audit', label: t('settings.nav.audit'), adminOnly: true, element: <AuditLogSettings /> },
    { path: 'sync', label: t('sync.nav'), adminOnly: true, element: <SyncSettings /> },
  ];

  return (
    <div className="kith-settings">
      <nav className="kith-settings-nav" aria-label={t('settings.nav.label')}>
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4} className="kith-settings-caption">
          {t('settings.title')}
        </Text>
        {screens
          .filter((screen) => admin || !screen.adminOnly)
          .map((screen) => {
            const to = `/settings/${screen.path}`;
            const active = location.pathname === to || location.pathname.startsWith(`${to}/`);
            return (
              <NavLink
                key={screen.path}
                component={Link}
                to={to}
                label={screen.label}
                active={active}
                aria-current={active ? 'page' : undefined}
                variant="light"
              />
            );
          })}
      </nav>
      <div className="kith-settings-main">
        <Routes>
          <Route index element={<Navigate to="/settings/profile" replace />} />
          {screens.map((screen) => (
            <Route
              key={screen.path}
              path={screen.path}
              element={screen.adminOnly ? <RequireAdmin>{screen.element}</RequireAdmin> : screen.element}
            />
          ))}
          <Route path="groups" element={<Navigate to="/settings/tags" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </div>
    </div>
  );
}
