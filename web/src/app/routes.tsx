/**
 * Every screen has a real URL, and every filter, search and selected record lives in the URL so a
 * reload or a shared link shows the same thing. Screens load on first use to keep the first page light.
 */
import { createBrowserRouter, Navigate } from 'react-router';
import { NotFoundPage } from '../ui/NotFoundPage';
import { RouteError } from '../ui/RouteError';
import { AppLayout } from './AppLayout';
import { queryClient } from './query-client';
import { csrfToken } from '../api/client';
import { RequireSession, SessionLoading } from '../session/RequireSession';
import { sessionQuery } from '../session/session';

const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const router = createBrowserRouter([
  // While a page's code loads on first visit: the same spinner as the signed-in screens, not a blank page
  // (and React Router's console warning that there is no HydrateFallback).
  {
    path: '/sign-in',
    lazy: page(() => import('../features/auth/SignInPage')),
    errorElement: <RouteError />,
    hydrateFallbackElement: <SessionLoading />,
  },
  {
    path: '/setup',
    lazy: page(() => import('../features/auth/SetupPage')),
    errorElement: <RouteError />,
    hydrateFallbackElement: <SessionLoading />,
  },
  {
    path: '/invite',
    lazy: page(() => import('../features/auth/InvitePage')),
    errorElement: <RouteError />,
    hydrateFallbackElement: <SessionLoading />,
  },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <SessionLoading />,
    // Loaders run beside the lazy screens' downloads: the session (and the customers screen's data,
    // below) are asked for at once instead of after the screen's code has loaded and rendered.
    loader: () => {
      void queryClient.prefetchQuery(sessionQuery);
      return null;
    },
    shouldRevalidate: () => false,
    children: [
      {
        element: <AppLayout />,
        errorElement: <RouteError />,
        children: [
          {
            // A screen that fails (its code cannot be loaded while the server is down, or it threw) says so
            // inside the layout: the navigation stays, and another screen is one click away.
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to="/customers" replace /> },
              {
                path: 'customers',
                loader: async ({ request }) => {
                  // Signed out (no CSRF cookie: see session.ts), the screen is not shown: nothing to fetch.
                  if (csrfToken() === null) return null;
                  const { prefetchCustomersScreen } = await import('../features/customers/customer-queries');
                  prefetchCustomersScreen(queryClient, new URL(request.url).searchParams);
                  return null;
                },
                // On entering the screen only: its own queries follow its filters and search as they change.
                shouldRevalidate: ({ currentUrl, nextUrl }) => currentUrl.pathname !== nextUrl.pathname,
                lazy: page(() => import('../features/customers/CustomersPage')),
              },
              {
                path: 'customers/deletions',
                lazy: page(() => import('../features/customers/DeletionsPage')),
              },
              { path: 'customers/new', lazy: page(() => import('../features/customers/NewCustomerPage')) },
              { path: 'customers/:id', lazy: page(() => import('../features/customers/CustomerPage')) },
              { path: 'imports', lazy: page(() => import('../features/imports/ImportsPage')) },
              { path: 'imports/new', lazy: page(() => import('../features/imports/ImportWizardPage')) },
              { path: 'imports/:id', lazy: page(() => import('../features/imports/ImportPage')) },
              {
                path: 'conversations',
                lazy: page(() => import('../features/conversations/ConversationsPage')),
              },
              {
                path: 'conversations/:id',
                lazy: page(() => import('../features/conversations/ConversationPage')),
              },
              { path: 'orders', lazy: page(() => import('../features/orders/OrdersPage')) },
              { path: 'exports', lazy: page(() => import('../features/exports/ExportsPage')) },
              { path: 'imports/orders/new', lazy: page(() => import('../features/orders/TmallImportPage')) },
              {
                path: 'imports/orders/file',
                lazy: page(() => import('../features/orders/OrderFileImportPage')),
              },
              { path: 'duplicates', lazy: page(() => import('../features/duplicates/DuplicatesPage')) },
              { path: 'duplicates/compare', lazy: page(() => import('../features/duplicates/ComparePage')) },
              { path: 'merges', lazy: page(() => import('../features/duplicates/MergesPage')) },
              { path: 'automation', lazy: page(() => import('../features/automation/AutomationPage')) },
              { path: 'automation/rules/:id', lazy: page(() => import('../features/automation/RulePage')) },
              { path: 'reports', lazy: page(() => import('../features/reports/ReportsPage')) },
              { path: 'settings', element: <Navigate to="/settings/profile" replace /> },
              { path: 'settings/*', lazy: page(() => import('../features/settings/SettingsPage')) },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);
