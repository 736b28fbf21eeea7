import { expect, freshUrl, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

test('first run: the one-time link creates the first administrator, who lands signed in', async ({
  page,
  lang,
  shot,
  expectAccessible,
}) => {
  test.skip(lang === 'zh', 'the set-up link works once; the Chinese set-up screen is checked below');
  await page.goto(`${freshUrl()}/setup#token=${process.env.KITH_E2E_SETUP_TOKEN}`);
  await expect(page.getByRole('heading', { name: 'Set up Kith' })).toBeVisible();
  await expectAccessible();
  await shot('setup');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill('grace@kith.test');
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('short');
  await page.getByLabel('Repeat the password').fill('short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByText('Use at least 8 characters')).toBeVisible();
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('a long password');
  await page.getByLabel('Repeat the password').fill('a long password');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('heading', { name: 'Customers', exact: true })).toBeVisible();
  await expect(page.getByText('No customers yet')).toBeVisible();
});

test('set-up screen in Chinese, and a used link is refused', async ({ page, lang, shot }) => {
  test.skip(lang === 'en');
  await page.goto(`${freshUrl()}/setup#token=${process.env.KITH_E2E_SETUP_TOKEN}`);
  await expect(page.getByRole('heading', { name: '设置 Kith' })).toBeVisible();
  await shot('setup');
  await page.getByLabel('邮箱').fill('someone@kith.test');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('a long password');
  await page.getByLabel('再次输入密码').fill('a long password');
  await page.getByRole('button', { name: '创建管理员' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Kith 已经设置完成' })).toBeVisible();
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
  await page.goto('/customers?q=nobody');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
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
