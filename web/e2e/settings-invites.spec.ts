/**
 * Inviting people without a mail server (the browser suite's server has no SMTP_URL): the admin gets
 * the one-time link to pass on; the invitee opens it in a browser of their own, chooses a name and
 * password and is signed in; the link then no longer works. A second invitation gets a new link
 * (the old one stops working) and is withdrawn. In English and in Chinese.
 */
import type { Browser } from '@playwright/test';
import { type Lang, msg } from './messages';
import { csrfHeaders, expect, expectAccessiblePage, mainUrl, test } from './fixtures';

const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** A browser of the invitee's own: no session, the test's language. */
async function inviteeBrowser(browser: Browser, lang: Lang) {
  const context = await browser.newContext({ baseURL: mainUrl(), locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  return { context, page: await context.newPage() };
}

test.describe.configure({ timeout: 180_000 });

test('invite by e-mail without a mail server: the link is handed over, works once, and signs the invitee in', async ({
  page,
  browser,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const id = run();
  const email = `invitee-${id}@example.com`;
  await signIn('admin');
  await page.goto('/settings/users');
  await page
    .getByRole('button', { name: m('invite.admin.invite') })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: m('invite.admin.title') });
  await expect(dialog).toContainText(m('invite.admin.introNoMail', { days: 7 }));
  await dialog.getByRole('textbox', { name: m('invite.admin.email') }).fill(email);
  await dialog.getByRole('combobox', { name: m('invite.admin.role'), exact: true }).click();
  await page.getByRole('option', { name: m('roles.agent'), exact: true }).click();
  await expectAccessible();
  await shot('settings-invite');
  await dialog.getByRole('button', { name: m('invite.admin.create') }).click();

  const handed = page.getByRole('dialog', { name: m('invite.admin.linkTitle', { email }) });
  const link = (await handed.getByTestId('invite-link').innerText()).trim();
  expect(link).toMatch(/\/invite#token=inv_[A-Za-z0-9_-]{43}$/);
  await expect(handed.getByRole('button', { name: m('invite.admin.copy') })).toBeVisible();
  await expectAccessible();
  await shot('settings-invite-link');
  await handed
    .getByRole('button', { name: m('common.close') })
    .last()
    .click();
  const row = page.getByTestId(`invite-${email}`);
  await expect(row).toContainText(m('invite.admin.pending'));
  await expect(row).toContainText(m('invite.admin.notSent'));
  await shot('settings-invites');

  // The same address again is refused, pointing at the list.
  await page
    .getByRole('button', { name: m('invite.admin.invite') })
    .first()
    .click();
  const again = page.getByRole('dialog', { name: m('invite.admin.title') });
  await again.getByRole('textbox', { name: m('invite.admin.email') }).fill(email.toUpperCase());
  await again.getByRole('button', { name: m('invite.admin.create') }).click();
  await expect(again.getByText(m('invite.admin.alreadyInvited'))).toBeVisible();
  await again.getByRole('button', { name: m('common.cancel') }).click();

  // The invitee: the address and role, a name and password, and they are in.
  const invitee = await inviteeBrowser(browser, lang);
  try {
    await invitee.page.goto(link.slice(link.indexOf('/invite')));
    await expect(invitee.page.getByRole('heading', { name: m('invite.page.title') })).toBeVisible();
    await expect(
      invitee.page.getByText(m('invite.page.intro', { email, role: m('roles.agent') })),
    ).toBeVisible();
    await invitee.page.getByRole('textbox', { name: m('invite.page.name') }).fill(`受邀者 ${id}`);
    await invitee.page.getByRole('textbox', { name: m('invite.page.password'), exact: true }).fill('short');
    await invitee.page.getByRole('textbox', { name: m('invite.page.confirm'), exact: true }).fill('short');
    await invitee.page.getByRole('button', { name: m('invite.page.submit') }).click();
    await expect(invitee.page.getByText(m('invite.page.passwordShort', { count: 8 }))).toBeVisible();
    await invitee.page
      .getByRole('textbox', { name: m('invite.page.password'), exact: true })
      .fill('invitee password 1');
    await invitee.page
      .getByRole('textbox', { name: m('invite.page.confirm'), exact: true })
      .fill('invitee password 1');
    // The invitee's own browser, not the admin's page the shot and axe fixtures hold.
    await expectAccessiblePage(invitee.page);
    await invitee.page.screenshot({ path: `test-results/screens/${lang}/invite-page.png` });
    await invitee.page.getByRole('button', { name: m('invite.page.submit') }).click();
    await expect(invitee.page).not.toHaveURL(/\/invite/);
    const me = await invitee.page.request.get('/api/auth/me');
    expect(await me.json()).toMatchObject({ email, name: `受邀者 ${id}`, role: 'agent' });

    // Used once, the link says so.
    await invitee.context.clearCookies();
    await invitee.page.goto(link.slice(link.indexOf('/invite')));
    await expect(invitee.page.getByRole('alert')).toContainText(m('invite.page.invalid'));
    await expectAccessiblePage(invitee.page);
    await invitee.page.screenshot({ path: `test-results/screens/${lang}/invite-page-used.png` });
    // With the way on: the invitee, whose account this link made, signs in.
    await invitee.page.getByRole('link', { name: m('invite.page.signIn') }).click();
    await expect(invitee.page).toHaveURL(/\/sign-in$/);
  } finally {
    await invitee.context.close();
  }

  // Accepted: a user now, no longer pending.
  await page.reload();
  await expect(page.getByTestId(`user-${email}`)).toBeVisible();
  await expect(page.getByTestId(`invite-${email}`)).toHaveCount(0);
});

test('a pending invitation gets a new link (the old one stops working) and is withdrawn', async ({
  page,
  lang,
  signIn,
}) => {
  const m = (key: string, vars?: Record<string, string | number>) => msg(lang, key, vars);
  const email = `later-${run()}@example.com`;
  await signIn('admin');
  await page.goto('/settings/users');
  await page
    .getByRole('button', { name: m('invite.admin.invite') })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: m('invite.admin.title') });
  await dialog.getByRole('textbox', { name: m('invite.admin.email') }).fill(email);
  await dialog.getByRole('button', { name: m('invite.admin.create') }).click();
  const first = (await page.getByTestId('invite-link').innerText()).trim();
  await page.keyboard.press('Escape');

  const row = page.getByTestId(`invite-${email}`);
  await row.getByRole('button', { name: m('invite.admin.resendOf', { email }) }).click();
  const handed = page.getByRole('dialog', { name: m('invite.admin.linkTitle', { email }) });
  const second = (await handed.getByTestId('invite-link').innerText()).trim();
  expect(second).not.toBe(first);
  await handed
    .getByRole('button', { name: m('common.close') })
    .last()
    .click();
  const token = (link: string) => link.split('#token=')[1]!;
  const check = async (link: string) =>
    (
      await page.request.post('/api/auth/invite', {
        headers: await csrfHeaders(page),
        data: { token: token(link) },
      })
    ).status();
  expect(await check(first)).toBe(410);
  expect(await check(second)).toBe(200);

  await row.getByRole('button', { name: m('invite.admin.revokeOf', { email }) }).click();
  const confirm = page.getByRole('dialog', { name: m('invite.admin.revokeTitle', { email }) });
  await confirm.getByRole('button', { name: m('invite.admin.revoke') }).click();
  await expect(page.getByText(m('invite.admin.revoked', { email }))).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(await check(second)).toBe(410);
});
