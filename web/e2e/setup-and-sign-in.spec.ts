import { csrfHeaders, expect, freshUrl, test } from './fixtures';
import { AGENT } from './global-setup';
import { msg } from './messages';

test.describe.configure({ mode: 'serial' });

/**
 * The fresh server's one-time link works once: the first language of this run sets Kith up with it,
 * the other (when this run has both) finds it used. scripts/browser-tests.mjs runs each language in a
 * process with servers of its own, where each sets up its own fresh server.
 */
const setupLanguage = (process.env.KITH_E2E_LANGUAGES ?? 'en').split(',')[0]!.trim();

test('first run: the one-time link creates the first administrator, who lands signed in', async ({
  page,
  lang,
  shot,
  expectAccessible,
}) => {
  test.skip(lang !== setupLanguage, 'the set-up link works once; the other language finds it used below');
  await page.goto(`${freshUrl()}/setup#token=${process.env.KITH_E2E_SETUP_TOKEN}`);
  await expect(page.getByRole('heading', { name: msg(lang, 'setup.title') })).toBeVisible();
  await expectAccessible();
  await shot('setup');
  const password = page.getByRole('textbox', { name: msg(lang, 'setup.password'), exact: true });
  await page.getByLabel(msg(lang, 'setup.name')).fill('Grace Hopper');
  const email = page.getByRole('textbox', { name: msg(lang, 'setup.email'), exact: true });
  await email.fill('grace-at-kith');
  await password.fill('short');
  await page.getByLabel(msg(lang, 'setup.confirm')).fill('short');
  await page.getByRole('button', { name: msg(lang, 'setup.submit') }).click();
  // Every problem at once: the address and the password.
  await expect(page.getByText(msg(lang, 'settings.reasons.email'))).toBeVisible();
  await expect(page.getByText(msg(lang, 'setup.passwordShort', { count: 8 }))).toBeVisible();
  await email.fill('grace@kith.test');
  await password.fill('a long password');
  await page.getByLabel(msg(lang, 'setup.confirm')).fill('a long password');
  await page.getByRole('button', { name: msg(lang, 'setup.submit') }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('heading', { name: msg(lang, 'customers.title'), exact: true })).toBeVisible();
  await expect(page.getByText(msg(lang, 'customers.emptyTitle'))).toBeVisible();
});

test('a used set-up link is refused, in the page’s language', async ({ page, lang, shot }) => {
  // After the first run above, in this process: its own language when it runs alone.
  await page.goto(`${freshUrl()}/setup#token=${process.env.KITH_E2E_SETUP_TOKEN}`);
  await expect(page.getByRole('heading', { name: msg(lang, 'setup.title') })).toBeVisible();
  // Said at once, before any typing, with the way to sign in; no form bound to be refused.
  await expect(page.getByRole('alert').filter({ hasText: msg(lang, 'setup.alreadyDone') })).toBeVisible();
  await expect(page.getByLabel(msg(lang, 'setup.email'))).toHaveCount(0);
  if (lang !== setupLanguage) await shot('setup-used');
  await page.getByRole('link', { name: msg(lang, 'setup.signIn') }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('button', { name: msg(lang, 'signIn.submit') })).toBeVisible();
});

test('sign-in: a wrong password is refused, the right one opens the page asked for', async ({
  page,
  lang,
  shot,
  expectAccessible,
}) => {
  const text =
    lang === 'zh'
      ? { email: '邮箱', password: '密码', submit: '登录', wrong: '邮箱或密码错误', heading: '客户' }
      : {
          email: 'Email',
          password: 'Password',
          submit: 'Sign in',
          wrong: 'The email or password is wrong',
          heading: 'Customers',
        };
  // A signed-out browser is sent to sign in without a request bound to be refused (no 401 in its console).
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 401) refused.push(response.url());
  });
  await page.goto('/customers?q=nobody');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  expect(refused).toEqual([]);
  await expectAccessible();
  await shot('sign-in');
  await page.getByRole('textbox', { name: text.email, exact: true }).fill('admin@kith.test');
  await page.getByRole('textbox', { name: text.password, exact: true }).fill('not the password');
  await page.getByRole('button', { name: text.submit }).click();
  await expect(page.getByRole('alert')).toContainText(text.wrong);
  await page.getByRole('textbox', { name: text.password, exact: true }).fill('admin password 1');
  await page.getByRole('textbox', { name: text.password, exact: true }).press('Enter');
  await expect(page).toHaveURL(/\/customers\?q=nobody$/);
  await expect(page.getByRole('heading', { name: text.heading, exact: true })).toBeVisible();
});

test('sign-out from a customer page: straight to sign-in with no request refused, and the next user starts afresh', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  const name = `Signed out ${lang}${Date.now().toString(36)}`;
  const created = await page.request.post('/api/contacts', {
    headers: await csrfHeaders(page),
    data: { name },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/customers/${id}`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await page.waitForLoadState('networkidle');

  // The screen's queries are not asked again once the session is gone: no 401 on the console.
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 401) refused.push(response.url());
  });
  await page.getByRole('button', { name: msg(lang, 'header.account') }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'header.signOut') }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.waitForLoadState('networkidle');
  expect(refused).toEqual([]);

  await page.getByRole('textbox', { name: msg(lang, 'signIn.email'), exact: true }).fill(AGENT.email);
  await page.getByRole('textbox', { name: msg(lang, 'signIn.password'), exact: true }).fill(AGENT.password);
  await page.getByRole('button', { name: msg(lang, 'signIn.submit') }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('button', { name: msg(lang, 'header.account') })).toContainText(
    msg(lang, 'roles.agent'),
  );
  await expect(page.getByRole('link', { name: msg(lang, 'nav.imports') })).toHaveCount(0);
  expect(refused).toEqual([]);
});
