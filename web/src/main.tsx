import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import './ui/app.css';
import { i18nReady } from './i18n';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { setNonce } from 'get-nonce';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { queryClient } from './app/query-client';
import { router } from './app/routes';
import { cssVariablesResolver, theme } from './ui/theme';

// The server puts a fresh nonce in this tag for each page; Mantine's <style> tags carry it so the
// Content-Security-Policy can refuse every other inline style and all inline script.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
// Modals lock the page's scroll with a <style> tag of their own (react-remove-scroll): same nonce.
setNonce(nonce);

// The router's loaders already fetch the first screen's data meanwhile (they start with `router`).
void i18nReady.then(
  () =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <MantineProvider
          theme={theme}
          cssVariablesResolver={cssVariablesResolver}
          getStyleNonce={() => nonce}
          defaultColorScheme="light"
        >
          {/* Bottom right, three at most: results stay in view without covering the header's controls. */}
          <Notifications position="bottom-right" limit={3} />
          <QueryClientProvider client={queryClient}>
            <RouterProvider router={router} />
          </QueryClientProvider>
        </MantineProvider>
      </StrictMode>,
    ),
  () => {
    // Without its strings the app cannot show a screen (its chunk failed to load): say so plainly.
    document.getElementById('root')!.textContent =
      'Kith could not load. Reload the page. 无法加载，请刷新页面。';
  },
);
