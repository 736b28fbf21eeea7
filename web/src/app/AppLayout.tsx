/** The frame of every signed-in screen: left navigation by role, header with language and account. */
import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { AvailabilityMenu } from '../features/conversations/AvailabilityMenu';
import { keepFocus } from '../ui/focus-keeper';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { isAdmin, useSession, useSignOut } from '../session/session';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const { data: user } = useSession();
  const location = useLocation();
  const signOut = useSignOut();
  // Focus back to what opened a dialog when it closes, on every screen (ui/focus-keeper.ts).
  useEffect(() => keepFocus(), []);

  const items: NavItem[] = [
    { to: '/customers', label: t('nav.customers') },
    { to: '/imports', label: t('nav.imports'), adminOnly: true },
    { to: '/duplicates', label: t('nav.duplicates') },
    { to: '/conversations', label: t('nav.conversations') },
    { to: '/orders', label: t('nav.orders') },
    { to: '/automation', label: t('nav.automation'), adminOnly: true },
    { to: '/reports', label: t('nav.reports'), adminOnly: true },
    { to: '/settings', label: t('nav.settings') },
  ];

  return (
    <AppShell
      header={{ height: 48 }}
      navbar={{ width: 208, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Text component={Link} to="/customers" fw={700} size="lg" c="indigo.7" td="none">
              Kith
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <AvailabilityMenu />
            <LanguageSwitch />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={t('header.account')} data-testid="account-menu">
                  <Text size="sm" fw={500}>
                    {user?.name || user?.email}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {user ? t(`roles.${user.role}`) : ''}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to="/settings/profile">
                  {t('header.profile')}
                </Menu.Item>
                {/* To the sign-in page by RequireSession, once the session is null. */}
                <Menu.Item onClick={() => void signOut()}>{t('header.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" className="kith-nav" aria-label={t('nav.label')}>
        {items
          .filter((item) => !item.adminOnly || isAdmin(user))
          .map((item) => {
            const active = location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
            return (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                active={active}
                aria-current={active ? 'page' : undefined}
                onClick={close}
              />
            );
          })}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
