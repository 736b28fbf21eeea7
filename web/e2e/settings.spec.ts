/**
 * Settings and account as people use them, in English and in Chinese: an administrator creates a user,
 * changes their role and disables them; creates an API token, sees its secret once and revokes it;
 * creates an identity type and an attribute; renames and merges tags and keeps groups (a name holding a
 * control character refused on its field); adds a webhook
 * and sends it a test event; reads the audit log. A user changes their own language (kept on the
 * server), password and sessions. An agent sees their profile and API tokens only. Names carry a
 * per-run suffix so the English and Chinese runs do not meet on the shared server.
 */
import type { Browser, Page } from '@playwright/test';
import { type Lang, msg } from './messages';
import { csrfHeaders, emailLayout, expect, test } from './fixtures';

/** The settings navigation as each language names it (WEB.md's terms, written out on purpose). */
const NAV = {
  en: [
    'Profile',
    'Users',
    'API tokens',
    'Identity types',
    'Attributes',
    'Tags & groups',
    'Webhooks',
    'Matching',
    'Inboxes',
    'Teams',
    'Agents',
    'Audit log',
    'Sync',
  ],
  zh: [
    '个人资料',
    '成员',
    'API 令牌',
    '身份类型',
    '客户属性',
    '标签与群组',
    'Webhooks',
    '查重规则',
    '收件箱',
    '团队',
    '客服',
    '操作日志',
    '数据同步',
  ],
} as const;

// Each flow signs people in and out (argon2 hashing on purpose) on a machine shared with other suites.
test.describe.configure({ timeout: 180_000 });

const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** A write through the API with the page's session, as the app itself makes it. */
async function apiWrite(page: Page, method: 'post' | 'patch' | 'delete', path: string, data?: unknown) {
  const response = await page.request[method](path, { data, headers: await csrfHeaders(page) });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return response.status() === 204 ? null : await response.json();
}

/** Lets the toasts of earlier steps close and moves the mouse away, so a screenshot shows the screen. */
async function settle(page: Page) {
  await page.mouse.move(0, 0);
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 15_000 });
}

/** Picks an option of a Mantine Select by clicking it, as a person with a mouse does. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('the settings area: a navigation with a URL per screen, admin-only screens for admins', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/settings\/profile$/);
  const nav = page.getByRole('navigation', { name: msg(lang, 'settings.nav.label'), exact: true });
  await expect(nav.getByRole('link')).toHaveText(NAV[lang]);
  await expect(nav.getByRole('link', { name: NAV[lang][0] })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: NAV[lang][1] }).click();
  await expect(page).toHaveURL(/\/settings\/users$/);
  await expect(page.getByRole('heading', { name: NAV[lang][1], exact: true })).toBeVisible();
  // Every screen answers its own URL, also after a reload.
  for (const [path, index] of [
    ['tokens', 2],
    ['identity-types', 3],
    ['attributes', 4],
    ['tags', 5],
    ['webhooks', 6],
    ['matching', 7],
    ['inboxes', 8],
    ['teams', 9],
    ['agents', 10],
    ['audit', 11],
    ['sync', 12],
  ] as const) {
    await page.goto(`/settings/${path}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      index === 5
        ? msg(lang, 'settings.tags.pageTitle')
        : index === 7
          ? msg(lang, 'settings.matching.title')
          : NAV[lang][index],
    );
    await expect(nav.getByRole('link', { name: NAV[lang][index], exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
  }
  await page.goto('/settings/nothing-here');
  await expect(page.getByRole('heading', { name: msg(lang, 'notFound.title') })).toBeVisible();
  await expectAccessible();
  void shot;
});

test('every dialog gives the focus back to the button that opened it: Escape, Cancel, or done', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  // Keyboard only: the button takes the focus, Enter opens its dialog, Escape closes it.
  const openers: [string, string][] = [
    ['users', 'settings.users.new'],
    ['users', 'invite.admin.invite'],
    ['tokens', 'settings.tokens.new'],
    ['identity-types', 'settings.identityTypes.new'],
    ['attributes', 'settings.attributes.new'],
    ['inboxes', 'assignment.inboxes.new'],
    ['teams', 'assignment.teams.new'],
    ['webhooks', 'settings.webhooks.new'],
    ['sync', 'sync.add'],
  ];
  for (const [path, key] of openers) {
    await page.goto(`/settings/${path}`);
    const opener = page.getByRole('button', { name: msg(lang, key), exact: true }).first();
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog, `${path}: ${key} opens a dialog`).toBeVisible();
    await expect(dialog.locator(':focus'), `${path}: the focus is in the dialog`).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener, `${path}: ${key} has the focus again`).toBeFocused();
  }

  // Cancel, and a dialog done with (a token created, its secret shown once): the same.
  await page.goto('/settings/tokens');
  const newToken = page.getByRole('button', { name: msg(lang, 'settings.tokens.new') }).first();
  await newToken.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
  await expect(dialog).toBeHidden();
  await expect(newToken).toBeFocused();
  await page.keyboard.press('Enter');
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.tokens.name') }).fill(`Focus ${run()}`);
  await page.keyboard.press('Enter');
  await expect(dialog.getByText(msg(lang, 'settings.secret.once'))).toBeVisible();
  await dialog.getByRole('button', { name: msg(lang, 'settings.secret.done') }).press('Enter');
  await expect(dialog).toBeHidden();
  await expect(newToken).toBeFocused();

  // A dialog opened from a row's menu: its item is gone with the menu, so the menu's button.
  await page.goto('/settings/users');
  const actions = page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name: 'Li Agent' }) });
  await actions.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: msg(lang, 'settings.users.disable') }).press('Enter');
  await expect(dialog).toBeVisible();
  // The dialog takes Escape once the focus is in it (a person's next key comes later than a test's).
  await expect(dialog.locator(':focus')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(actions).toBeFocused();
});

test('a dialog whose title wraps (a long name in it) keeps its lines apart', async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  const name = `Maximiliana Wilhelmina Augusta Viktoria von Hohenzollern-Sigmaringen 欧阳长名字测试 ${run()}`;
  await apiWrite(page, 'post', '/api/users', {
    email: `long-${run()}@example.com`,
    password: 'a long password 1',
    role: 'agent',
    name,
  });
  await page.goto('/settings/users');
  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.users.resetPassword') }).click();
  const title = page.getByRole('dialog').locator('.mantine-Modal-title');
  await expect(title).toHaveText(msg(lang, 'settings.users.resetTitle', { name }));
  const { height, fontSize, lineHeight } = await title.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      height: element.getBoundingClientRect().height,
      fontSize: parseFloat(style.fontSize),
      lineHeight: parseFloat(style.lineHeight),
    };
  });
  expect(height, 'the title wraps').toBeGreaterThan(2 * fontSize);
  expect(lineHeight / fontSize).toBeGreaterThanOrEqual(1.3);
  await page.keyboard.press('Escape');
});

test('users: create one (with a refused password first), change their role, disable them', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  // A long address, as a company's often are: at 1024 px it must wrap between its pieces, not mid-word.
  const email = `mei.${id}.customersuccess@support.examplecompany.kith.test`;
  const name = `梅 Mei ${id}`;
  await page.goto('/settings/users');
  await page
    .getByRole('button', { name: msg(lang, 'settings.users.new') })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'settings.users.newTitle') });
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.users.email') }).fill(email);
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.users.name') }).fill(name);
  await dialog.getByLabel(msg(lang, 'settings.users.initialPassword')).fill('short');
  await dialog.getByRole('button', { name: msg(lang, 'settings.users.create') }).click();
  await expect(dialog.getByText(msg(lang, 'settings.reasons.minLength', { count: 8 }))).toBeVisible();
  // An address the server refuses: its reason lands on the e-mail field, in the user's language.
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.users.email') }).fill('not an address');
  await dialog.getByLabel(msg(lang, 'settings.users.initialPassword')).fill('first password 1');
  await dialog.getByRole('button', { name: msg(lang, 'settings.users.create') }).click();
  await expect(dialog.getByText(msg(lang, 'settings.reasons.email'))).toBeVisible();
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.users.email') }).fill(email);
  await dialog.getByRole('button', { name: msg(lang, 'settings.users.create') }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId(`user-${email}`);
  await expect(row).toContainText(name);
  await expect(row).toContainText(msg(lang, 'settings.users.active'));
  const roleLabel = msg(lang, 'settings.users.roleOf', { name });
  await expect(page.getByRole('combobox', { name: roleLabel })).toHaveValue(msg(lang, 'roles.agent'));
  await page.getByRole('combobox', { name: roleLabel }).click();
  await page.getByRole('option', { name: msg(lang, 'roles.admin'), exact: true }).click();
  await expect(
    page.getByText(msg(lang, 'settings.users.roleChanged', { name, role: msg(lang, 'roles.admin') })),
  ).toBeVisible();
  const users = await (await page.request.get('/api/users')).json();
  expect(users.data.find((u: { email: string }) => u.email === email).role).toBe('admin');

  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.users.disable') }).click();
  const confirm = page.getByRole('dialog', { name: msg(lang, 'settings.users.disableTitle', { name }) });
  await expect(confirm).toContainText(email);
  await settle(page);
  await shot('settings-users-disable');
  await confirm.getByRole('button', { name: msg(lang, 'settings.users.disable') }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText(msg(lang, 'settings.users.disabled'));
  // (A write from this signed-in page carries its CSRF token, as the app's own requests do.)
  const login = await page.request.post('/api/auth/login', {
    data: { email, password: 'first password 1' },
    headers: await csrfHeaders(page),
  });
  expect(login.status()).toBe(401);
  // One's own row leads to the profile instead of offering to disable oneself.
  await expect(page.getByRole('link', { name: msg(lang, 'settings.users.yourProfile') })).toBeVisible();
  await settle(page);
  await shot('settings-users');
  await expectAccessible();
  // A smaller screen: the settings navigation and the table still fit, nothing is cut off.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(row).toContainText(email);
  // Every piece of the address (split before "@" and dots) on one line, and the table within the screen.
  const address = row.locator('.kith-email');
  await expect.poll(() => emailLayout(address)).toEqual({ wrapped: true, cut: [] });
  const table = page.getByRole('table', { name: msg(lang, 'settings.users.title') });
  const box = await table.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
  await shot('settings-users-1024');
});

test('API tokens: the secret is shown once with a copy button, works, and stops working when revoked', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const name = `Shop sync ${run()}`;
  await page.goto('/settings/tokens');
  await page
    .getByRole('button', { name: msg(lang, 'settings.tokens.new') })
    .first()
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.tokens.name') }).fill(name);
  await dialog.getByRole('button', { name: msg(lang, 'settings.tokens.create') }).click();
  await expect(dialog.getByText(msg(lang, 'settings.secret.once'))).toBeVisible();
  const secret = (await dialog.getByTestId('secret').innerText()).trim();
  expect(secret).toMatch(/^kith_\S{20,}$/);
  await expect(
    dialog.getByRole('button', { name: msg(lang, 'settings.secret.copy'), exact: true }),
  ).toBeVisible();
  await settle(page);
  await shot('settings-token-secret');
  await expectAccessible();
  await dialog.getByRole('button', { name: msg(lang, 'settings.secret.done') }).click();
  await expect(dialog).toBeHidden();
  // Shown once: neither the page nor the API shows it again.
  await expect(page.getByText(secret)).toHaveCount(0);
  expect(await (await page.request.get('/api/tokens')).text()).not.toContain(secret);

  const used = await page.request.get('/api/contacts?limit=1', {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(used.status()).toBe(200);
  await page.reload();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).not.toContainText(msg(lang, 'settings.tokens.never'));
  await settle(page);
  await shot('settings-tokens');

  await row.getByRole('button', { name: msg(lang, 'settings.tokens.revokeNamed', { name }) }).click();
  const confirm = page.getByRole('dialog', { name: msg(lang, 'settings.tokens.revokeTitle', { name }) });
  await expect(confirm).toContainText(msg(lang, 'settings.tokens.revokeBody', { name }));
  await confirm.getByRole('button', { name: msg(lang, 'settings.tokens.revoke'), exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText(msg(lang, 'settings.tokens.revoked'));
  const refused = await page.request.get('/api/contacts?limit=1', {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(refused.status()).toBe(401);
});

test('identity types and attributes: create, edit, and a delete the server refuses while in use', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  const key = `member_${id}`;
  await page.goto('/settings/identity-types');
  // The built-in type is named in the page's language.
  await expect(
    page
      .getByRole('table', { name: msg(lang, 'settings.identityTypes.title') })
      .getByRole('row')
      .filter({ hasText: 'external_id' }),
  ).toContainText(msg(lang, 'identityTypes.external_id'));
  await page
    .getByRole('button', { name: msg(lang, 'settings.identityTypes.new') })
    .first()
    .click();
  let dialog = page.getByRole('dialog', { name: msg(lang, 'settings.identityTypes.newTitle') });
  // The display name comes first.
  await expect(
    dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.label') }),
  ).toBeFocused();
  // Nothing typed: the key is said to be required (not that its example breaks the pattern).
  await dialog.getByRole('button', { name: msg(lang, 'settings.identityTypes.create') }).click();
  await expect(dialog.getByText(msg(lang, 'settings.reasons.required'))).toBeVisible();
  // The key follows the display name until one is typed.
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.label') }).fill('Member No');
  await expect(dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.key') })).toHaveValue(
    'member_no',
  );
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.key') }).fill('Member No');
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.label') }).fill('会员号');
  await dialog.getByRole('button', { name: msg(lang, 'settings.identityTypes.create') }).click();
  // The server's reason, on the field it names, in the user's language.
  await expect(dialog.getByText(msg(lang, 'settings.reasons.keyPattern'))).toBeVisible();
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.key') }).fill(key);
  await dialog.getByRole('button', { name: msg(lang, 'settings.identityTypes.create') }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: key });
  await expect(row).toContainText('会员号');

  await row.getByRole('button', { name: msg(lang, 'settings.editNamed', { name: '会员号' }) }).click();
  dialog = page.getByRole('dialog');
  await dialog
    .getByRole('textbox', { name: msg(lang, 'settings.identityTypes.label') })
    .fill(`会员卡号 ${id}`);
  await dialog.getByRole('button', { name: msg(lang, 'common.save') }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText(`会员卡号 ${id}`);

  const holder = await apiWrite(page, 'post', '/api/contacts', {
    name: `Holder ${id}`,
    identities: { [key]: `M-${id}` },
  });
  await row
    .getByRole('button', { name: msg(lang, 'settings.deleteNamed', { name: `会员卡号 ${id}` }) })
    .click();
  const confirm = page.getByRole('dialog', {
    name: msg(lang, 'settings.identityTypes.deleteTitle', { name: `会员卡号 ${id}` }),
  });
  await confirm.getByRole('button', { name: msg(lang, 'common.delete') }).click();
  await expect(confirm.getByRole('alert')).toContainText(msg(lang, 'settings.reasons.inUse'));
  await expect(confirm.getByRole('alert')).toContainText(holder.id);
  await expect(
    confirm.getByRole('link', { name: msg(lang, 'settings.openCustomer', { id: holder.id }) }),
  ).toHaveAttribute('href', `/customers/${holder.id}`);
  await settle(page);
  await shot('settings-identity-type-in-use');
  await confirm.getByRole('button', { name: msg(lang, 'common.cancel') }).click();
  await settle(page);
  await shot('settings-identity-types');
  await expectAccessible();

  await page.goto('/settings/attributes');
  await page
    .getByRole('button', { name: msg(lang, 'settings.attributes.new') })
    .first()
    .click();
  dialog = page.getByRole('dialog', { name: msg(lang, 'settings.attributes.newTitle') });
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.identityTypes.key') }).fill(`level_${id}`);
  await choose(page, msg(lang, 'settings.attributes.type'), msg(lang, 'settings.attributes.types.list'));
  await dialog
    .getByRole('textbox', { name: msg(lang, 'settings.identityTypes.label') })
    .fill(`会员等级 ${id}`);
  await dialog.getByRole('button', { name: msg(lang, 'settings.attributes.create') }).click();
  // A list without options: the server's reason on the options field.
  await expect(dialog.getByText(msg(lang, 'settings.reasons.optionsNeeded'))).toBeVisible();
  const options = dialog.getByRole('combobox', { name: msg(lang, 'settings.attributes.options') });
  await options.fill('金卡');
  await options.press('Enter');
  await options.fill('银卡');
  await options.press('Enter');
  await dialog.getByRole('button', { name: msg(lang, 'settings.attributes.create') }).click();
  await expect(dialog).toBeHidden();
  const attribute = page.getByRole('row').filter({ hasText: `level_${id}` });
  await expect(attribute).toContainText(msg(lang, 'settings.attributes.types.list'));
  await expect(attribute).toContainText('金卡');
  await expect(attribute).toContainText('银卡');
  await settle(page);
  await shot('settings-attributes');
  await expectAccessible();
});

test('tags and groups: rename a tag, merge two, follow a count to the customers, keep a group', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  const oldName = `vip-${id}`;
  const newName = `VIP ${id}`;
  const other = `gold-${id}`;
  await apiWrite(page, 'post', '/api/contacts', { name: `张伟 ${id}`, tags: [oldName] });
  await apiWrite(page, 'post', '/api/contacts', { name: `Ann ${id}`, tags: [oldName, other] });
  await apiWrite(page, 'post', '/api/contacts', { name: `李娜 ${id}`, tags: [other] });

  await page.goto('/settings/tags');
  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name: oldName }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.tags.rename') }).click();
  let dialog = page.getByRole('dialog', { name: msg(lang, 'settings.tags.renameTitle', { name: oldName }) });
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.tags.newName') }).fill(newName);
  await dialog.getByRole('button', { name: msg(lang, 'settings.tags.rename') }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`tag-${newName}`)).toBeVisible();
  await expect(page.getByTestId(`tag-${oldName}`)).toHaveCount(0);

  // Renaming onto a name another tag has (in another case) says it merges, then does.
  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name: other }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.tags.rename') }).click();
  dialog = page.getByRole('dialog', { name: msg(lang, 'settings.tags.renameTitle', { name: other }) });
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.tags.newName') }).fill(newName.toLowerCase());
  await expect(
    dialog.getByText(msg(lang, 'settings.tags.mergeNoticeTitle', { name: newName })),
  ).toBeVisible();
  await expect(
    dialog.getByText(msg(lang, 'settings.tags.mergeNotice', { from: other, to: newName, count: 2, n: 2 })),
  ).toBeVisible();
  await settle(page);
  await shot('settings-tag-merge');
  await dialog
    .getByRole('button', { name: msg(lang, 'settings.tags.mergeConfirm', { name: newName }) })
    .click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`tag-${other}`)).toHaveCount(0);
  const merged = page.getByTestId(`tag-${newName}`);
  const count = merged.getByRole('link', {
    name: msg(lang, 'settings.tags.customersOf', { count: 3, n: 3, name: newName }),
  });
  await expect(count).toHaveText('3');

  // Groups: create one, rename it.
  const group = `展会 ${id}`;
  await page
    .getByRole('button', { name: msg(lang, 'settings.groups.new') })
    .first()
    .click();
  dialog = page.getByRole('dialog', { name: msg(lang, 'settings.groups.newTitle') });
  // A name pasted with a terminal's bell in it is refused on its field, in the page's language.
  const name = dialog.getByRole('textbox', { name: msg(lang, 'settings.tags.name') });
  await name.fill(`${group}\u0007`);
  await dialog.getByRole('button', { name: msg(lang, 'settings.groups.create') }).click();
  await expect(dialog.getByText(msg(lang, 'settings.reasons.controlCharacter'))).toBeVisible();
  await name.fill(group);
  await dialog.getByRole('button', { name: msg(lang, 'settings.groups.create') }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name: group }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.tags.rename') }).click();
  dialog = page.getByRole('dialog', { name: msg(lang, 'settings.groups.editTitle', { name: group }) });
  await dialog.getByRole('textbox', { name: msg(lang, 'settings.tags.name') }).fill(`${group} 2026`);
  await dialog.getByRole('button', { name: msg(lang, 'common.save') }).click();
  await expect(dialog).toBeHidden();
  const groupRow = page.getByTestId(`group-${group} 2026`);
  await expect(groupRow.getByRole('link', { name: `${group} 2026`, exact: true })).toHaveAttribute(
    'href',
    /\/customers\?group=grp_/,
  );
  await settle(page);
  await shot('settings-tags');
  await expectAccessible();

  await count.click();
  await expect(page).toHaveURL(
    new RegExp(`/customers\\?tag=${encodeURIComponent(newName).replace(/%20/g, '(%20|\\+)')}`),
  );
  for (const customer of [`张伟 ${id}`, `Ann ${id}`, `李娜 ${id}`])
    await expect(page.getByRole('link', { name: customer })).toBeVisible();
});

test('merging a tag through its menu: the button says merge, waits for a target, and the open list leaves the buttons in view', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  await signIn('admin');
  const id = run();
  const from = `trial-${id}`;
  const into = `paid-${id}`;
  await apiWrite(page, 'post', '/api/contacts', { name: `王芳 ${id}`, tags: [from] });
  await apiWrite(page, 'post', '/api/contacts', { name: `Bo ${id}`, tags: [into] });

  await page.goto('/settings/tags');
  await page.getByRole('button', { name: msg(lang, 'settings.actionsFor', { name: from }) }).click();
  await page.getByRole('menuitem', { name: msg(lang, 'settings.tags.mergeInto') }).click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'settings.tags.mergeTitle', { name: from }) });
  const mergeButton = dialog.getByRole('button', { name: msg(lang, 'settings.tags.merge'), exact: true });
  await expect(mergeButton).toBeDisabled();
  await expect(dialog.getByRole('button', { name: msg(lang, 'settings.tags.rename') })).toHaveCount(0);

  // The open list of tags sits above the dialog's buttons, not over them.
  const field = dialog.getByRole('combobox', { name: msg(lang, 'settings.tags.mergeTarget') });
  await field.click();
  await field.fill(id);
  const list = page.getByRole('listbox');
  await expect(list).toBeVisible();
  const cancel = dialog.getByRole('button', { name: msg(lang, 'common.cancel') });
  await expect
    .poll(async () => {
      const listBox = (await list.boundingBox())!;
      const buttonBox = (await cancel.boundingBox())!;
      return listBox.y + listBox.height <= buttonBox.y;
    })
    .toBe(true);
  await shot('settings-tag-merge-into');
  await list.getByRole('option', { name: into }).click();
  const confirm = dialog.getByRole('button', {
    name: msg(lang, 'settings.tags.mergeConfirm', { name: into }),
  });
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`tag-${from}`)).toHaveCount(0);
  await expect(
    page
      .getByTestId(`tag-${into}`)
      .getByRole('link', { name: msg(lang, 'settings.tags.customersOf', { count: 2, n: 2, name: into }) }),
  ).toHaveText('2');
});

test('webhooks: an internal address is refused, a public one added with its secret shown once, a test event sent', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  const url = `https://hooks-${id}.example.com/kith`;
  await page.goto('/settings/webhooks');
  await page
    .getByRole('button', { name: msg(lang, 'settings.webhooks.new') })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'settings.webhooks.newTitle') });
  const address = dialog.getByRole('textbox', { name: msg(lang, 'settings.webhooks.url') });
  await address.fill('http://169.254.169.254/latest/meta-data/');
  await dialog.getByRole('button', { name: msg(lang, 'settings.webhooks.create') }).click();
  // The outbound guard's reason, on the address field, in the page's language.
  await expect(
    dialog.getByText(msg(lang, 'settings.reasons.internalAddress', { host: '169.254.169.254' })),
  ).toBeVisible();
  await address.fill(url);
  await dialog.getByRole('checkbox', { name: msg(lang, 'settings.webhooks.events.import_failed') }).check();
  await dialog.getByRole('button', { name: msg(lang, 'settings.webhooks.create') }).click();
  const added = page.getByRole('dialog', { name: msg(lang, 'settings.webhooks.createdTitle') });
  await expect(added.getByText(msg(lang, 'settings.secret.once'))).toBeVisible();
  const secret = (await added.getByTestId('secret').innerText()).trim();
  expect(secret.length).toBeGreaterThanOrEqual(16);
  await added.getByRole('button', { name: msg(lang, 'settings.secret.done') }).click();
  await expect(page.getByText(secret)).toHaveCount(0);

  const card = page.getByTestId('webhook-endpoint').filter({ hasText: url });
  await expect(card).toContainText(msg(lang, 'settings.webhooks.events.import_completed'));
  await expect(card).toContainText(msg(lang, 'settings.webhooks.events.import_failed'));
  await expect(card).toContainText(msg(lang, 'settings.webhooks.noDeliveries'));
  await card.getByRole('button', { name: msg(lang, 'settings.webhooks.sendTest') }).click();
  // This address does not exist: the attempt fails, and the delivery says why.
  const delivery = card
    .getByRole('row')
    .filter({ hasText: msg(lang, 'settings.webhooks.events.webhook_test') });
  await expect(delivery).toBeVisible({ timeout: 20_000 });
  await expect(delivery).toContainText(msg(lang, 'settings.webhooks.status.failed'));
  await expect(delivery).toContainText(/hooks-.*example\.com|resolve|ENOTFOUND|EAI_AGAIN/);
  // Why, in the page's language: the host and the resolver's code as they are.
  if (lang === 'zh') await expect(delivery).not.toContainText(/cannot resolve|no answer/);
  await expect(delivery.getByRole('cell').nth(3)).toHaveText('1');
  await settle(page);
  await shot('settings-webhooks');
  await expectAccessible();

  // Edit: the same outbound guard refuses an internal address; a new address, fewer events, paused.
  await card.getByRole('button', { name: msg(lang, 'settings.webhooks.editOf', { url }) }).click();
  const edit = page.getByRole('dialog', { name: msg(lang, 'settings.webhooks.editTitle') });
  const editAddress = edit.getByRole('textbox', { name: msg(lang, 'settings.webhooks.url') });
  await expect(editAddress).toHaveValue(url);
  await editAddress.fill('http://10.0.0.5/hook');
  await edit.getByRole('button', { name: msg(lang, 'common.save') }).click();
  await expect(edit.getByText(/10\.0\.0\.5/)).toBeVisible();
  const moved = `https://hooks-${id}-moved.example.com/kith`;
  await editAddress.fill(moved);
  await edit.getByRole('checkbox', { name: msg(lang, 'settings.webhooks.events.import_failed') }).uncheck();
  await edit.getByRole('switch', { name: msg(lang, 'settings.webhooks.activeLabel') }).click();
  await expectAccessible();
  await shot('settings-webhook-edit');
  await edit.getByRole('button', { name: msg(lang, 'common.save') }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByText(msg(lang, 'settings.webhooks.savedEndpoint', { url: moved }))).toBeVisible();
  await expect(card).toHaveCount(0);
  const movedCard = page.getByTestId('webhook-endpoint').filter({ hasText: moved });
  await expect(movedCard).toContainText(msg(lang, 'settings.webhooks.inactive'));
  await expect(movedCard).not.toContainText(msg(lang, 'settings.webhooks.events.import_failed'));

  await movedCard.getByRole('button', { name: msg(lang, 'settings.webhooks.remove') }).click();
  const confirm = page.getByRole('dialog', { name: msg(lang, 'settings.webhooks.removeTitle') });
  await expect(confirm).toContainText(moved);
  await confirm.getByRole('button', { name: msg(lang, 'settings.webhooks.remove') }).click();
  await expect(movedCard).toHaveCount(0);
});

/** Signs in through the sign-in form, in a browser of its own (its locale, no stored language). */
async function signInWithForm(
  browser: Browser,
  baseURL: string,
  lang: Lang,
  email: string,
  password: string,
) {
  const context = await browser.newContext({ baseURL, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('textbox', { name: msg(lang, 'signIn.email') }).fill(email);
  await page.getByRole('textbox', { name: msg(lang, 'signIn.password'), exact: true }).fill(password);
  await page.getByRole('button', { name: msg(lang, 'signIn.submit') }).click();
  return { context, page };
}

test('profile: the language is kept on the server and applied at sign-in; password and other sessions', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
  browser,
  baseURL,
}) => {
  // A user of their own, so that no other test meets the language they choose.
  await signIn('admin');
  const id = run();
  const email = `lang.${id}@kith.test`;
  await apiWrite(page, 'post', '/api/users', {
    email,
    password: 'first password 1',
    role: 'agent',
    name: `Lan ${id}`,
  });
  await page.context().clearCookies();
  const login = await page.request.post('/api/auth/login', { data: { email, password: 'first password 1' } });
  expect(login.status()).toBe(200);
  // Another browser where this user is signed in too.
  const elsewhere = await signInWithForm(browser, baseURL!, lang, email, 'first password 1');
  await expect(elsewhere.page).toHaveURL(/\/customers/);

  await page.goto('/settings/profile');
  await expect(page.getByText(email)).toBeVisible();
  const thisBrowser = page.getByRole('row').filter({ hasText: msg(lang, 'settings.profile.thisBrowser') });
  await expect(thisBrowser).toBeVisible();
  // Each session says its browser and system, its address and when it was last used.
  await expect(thisBrowser).toContainText(/Chrome[^]*Linux|Linux[^]*Chrome/);
  await expect(thisBrowser).toContainText('127.0.0.1');
  await expect(thisBrowser).toContainText(msg(lang, 'settings.profile.now'));
  await settle(page);
  await shot('settings-profile');
  await expectAccessible();

  // Password: the current one is checked by the server, its reason lands on that field.
  await page
    .getByLabel(msg(lang, 'settings.profile.currentPassword'), { exact: true })
    .fill('not my password');
  await page.getByLabel(msg(lang, 'settings.profile.newPassword'), { exact: true }).fill('second password 2');
  await page
    .getByLabel(msg(lang, 'settings.profile.repeatPassword'), { exact: true })
    .fill('second password 2');
  await page.getByRole('button', { name: msg(lang, 'settings.profile.changePassword') }).click();
  await expect(page.getByText(msg(lang, 'settings.reasons.wrongCurrentPassword'))).toBeVisible();
  await page
    .getByLabel(msg(lang, 'settings.profile.currentPassword'), { exact: true })
    .fill('first password 1');
  await page.getByRole('button', { name: msg(lang, 'settings.profile.changePassword') }).click();
  await expect(page.getByText(msg(lang, 'settings.profile.passwordChanged'))).toBeVisible();
  // The other browser was signed out; this one was not.
  await elsewhere.page.reload();
  await expect(elsewhere.page).toHaveURL(/\/sign-in/);
  await elsewhere.context.close();

  // Other sessions: sign in elsewhere again, then sign out of it from here.
  const again = await signInWithForm(browser, baseURL!, lang, email, 'second password 2');
  await expect(again.page).toHaveURL(/\/customers/);
  await page.reload();
  await page.getByRole('button', { name: msg(lang, 'settings.profile.signOutOthers') }).click();
  const confirm = page.getByRole('dialog', { name: msg(lang, 'settings.profile.signOutOthersTitle') });
  await expect(confirm).toContainText(msg(lang, 'settings.profile.signOutOthersBody', { count: 1, n: 1 }));
  await confirm
    .getByRole('button', { name: msg(lang, 'settings.profile.signOutOthersConfirm', { count: 1, n: 1 }) })
    .click();
  await expect(
    page.getByText(msg(lang, 'settings.profile.signedOutOthers', { count: 1, n: 1 })),
  ).toBeVisible();
  await again.page.reload();
  await expect(again.page).toHaveURL(/\/sign-in/);
  await again.context.close();

  // Language: the other one, saved on the server; the app switches at once and stays switched.
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  await choose(page, msg(lang, 'settings.profile.language'), other === 'zh' ? '中文' : 'English');
  await page
    .getByRole('button', { name: msg(lang, 'common.save') })
    .first()
    .click();
  await expect(
    page.getByRole('heading', { name: msg(other, 'settings.profile.title'), level: 1 }),
  ).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', other === 'zh' ? 'zh-CN' : 'en');
  await page.reload();
  await expect(
    page.getByRole('heading', { name: msg(other, 'settings.profile.title'), level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole('combobox', { name: msg(other, 'settings.profile.language') })).toHaveValue(
    other === 'zh' ? '中文' : 'English',
  );
  const me = await (await page.request.get('/api/auth/me')).json();
  expect(me.language).toBe(other);
  // A browser that has never seen this user (its locale says the test's language) gets it at sign-in.
  const fresh = await signInWithForm(browser, baseURL!, lang, email, 'second password 2');
  await expect(
    fresh.page.getByRole('heading', { name: msg(other, 'customers.title'), level: 1 }),
  ).toBeVisible();
  await expect(fresh.page.locator('html')).toHaveAttribute('lang', other === 'zh' ? 'zh-CN' : 'en');
  await fresh.context.close();
});

test('the audit log shows who changed users, tokens, tags, attributes and webhooks, before → after', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  const user = await apiWrite(page, 'post', '/api/users', {
    email: `audit.${id}@kith.test`,
    password: 'audit password 1',
    role: 'agent',
  });
  await apiWrite(page, 'patch', `/api/users/${user.id}`, { role: 'admin' });
  const token = await apiWrite(page, 'post', '/api/tokens', { name: `Audit token ${id}` });
  await apiWrite(page, 'delete', `/api/tokens/${token.id}`);
  await apiWrite(page, 'post', '/api/contacts', { name: `Audit ${id}`, tags: [`old-${id}`] });
  const tag = (
    (await (await page.request.get('/api/tags')).json()).data as { id: string; name: string }[]
  ).find((t) => t.name === `old-${id}`)!;
  await apiWrite(page, 'patch', `/api/tags/${tag.id}`, { name: `new-${id}` });
  // Renamed onto another tag's name: a merge into it.
  await apiWrite(page, 'post', '/api/contacts', {
    name: `Audit merge ${id}`,
    tags: [`big-${id}`, `top-${id}`],
  });
  const big = (
    (await (await page.request.get('/api/tags')).json()).data as { id: string; name: string }[]
  ).find((t) => t.name === `big-${id}`)!;
  await apiWrite(page, 'patch', `/api/tags/${big.id}`, { name: `top-${id}` });
  await apiWrite(page, 'post', '/api/attributes', {
    key: `audit_${id}`,
    label: `Audit ${id}`,
    type: 'number',
  });
  const hook = await apiWrite(page, 'post', '/api/webhooks', {
    url: `https://audit-${id}.example.com/kith`,
    events: ['import.completed'],
  });
  await apiWrite(page, 'delete', `/api/webhooks/${hook.id}`);
  const rule = await apiWrite(page, 'post', '/api/rules', {
    name: `Audit rule ${id}`,
    event: 'conversation_created',
    conditions: { all: [{ attribute: 'priority', operator: 'equal_to', value: 'high' }] },
    actions: [{ action: 'add_label', labels: ['vip'] }],
  });
  await apiWrite(page, 'patch', `/api/rules/${rule.id}`, {
    actions: [{ action: 'set_priority', priority: 'urgent' }],
  });

  await page.goto('/settings/audit');
  const table = page.getByRole('table', { name: msg(lang, 'settings.audit.title') });
  const entry = (text: string) => table.getByRole('row').filter({ hasText: text });
  const admin = 'Ada Admin';
  await expect(entry(`audit.${id}@kith.test`).first()).toContainText(admin);
  await expect(
    entry(`audit.${id}@kith.test`).filter({ hasText: msg(lang, 'settings.audit.actions.updated') }),
  ).toContainText(
    `${msg(lang, 'settings.audit.fields.role')}${msg(lang, 'settings.audit.fieldSep')}${msg(lang, 'roles.agent')} → ${msg(lang, 'roles.admin')}`,
  );
  await expect(
    entry(`Audit token ${id}`).filter({ hasText: msg(lang, 'settings.audit.actions.revoked') }),
  ).toHaveCount(1);
  await expect(entry(`new-${id}`)).toContainText(`old-${id} → new-${id}`);
  // A merge names the tag it joined, not its id, and is no rename.
  const merge = entry(`big-${id}`);
  await expect(merge).toContainText(msg(lang, 'settings.audit.actions.merged'));
  await expect(merge).toContainText(
    `${msg(lang, 'settings.audit.fields.merged_into')}${msg(lang, 'settings.audit.fieldSep')}top-${id}`,
  );
  await expect(merge).not.toContainText('tag_');
  await expect(merge).not.toContainText('→');
  await expect(
    entry(`audit-${id}.example.com`).filter({ hasText: msg(lang, 'settings.audit.actions.deleted') }),
  ).toHaveCount(1);
  await expect(entry(`Audit ${id}`).first()).toContainText(
    msg(lang, 'settings.audit.types.attribute_definition'),
  );
  await expect(entry(`audit.${id}@kith.test`).first()).toContainText(msg(lang, 'channels.ui'));
  // A rule reads in words, part by part; an edit shows only what changed.
  const ruleEntries = entry(`Audit rule ${id}`);
  await expect(ruleEntries.filter({ hasText: msg(lang, 'settings.audit.actions.created') })).toContainText(
    `${msg(lang, 'automation.attributes.priority')} ${msg(lang, 'automation.operators.equal_to')} ${msg(lang, 'automation.priorities.high')}`,
  );
  const edited = ruleEntries.filter({ hasText: msg(lang, 'settings.audit.actions.updated') });
  await expect(edited).toContainText(
    `${msg(lang, 'automation.summary.actionWith', { name: msg(lang, 'automation.actionNames.add_label'), argument: 'vip' })} → ${msg(lang, 'automation.summary.actionWith', { name: msg(lang, 'automation.actionNames.set_priority'), argument: msg(lang, 'automation.priorities.urgent') })}`,
  );
  await expect(edited).not.toContainText(msg(lang, 'settings.audit.fields.conditions'));
  await expect(ruleEntries.first()).not.toContainText('{');
  await settle(page);
  await shot('settings-audit');
  await expectAccessible();
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot('settings-audit-1024');
  // Narrow, the table scrolls sideways: its region can be reached by keyboard.
  await expectAccessible();
  await page.setViewportSize({ width: 1440, height: 900 });

  // Filters live in the URL: one kind of record, then one person.
  await choose(page, msg(lang, 'settings.audit.what'), msg(lang, 'settings.audit.types.tag'));
  await expect(page).toHaveURL(/type=tag/);
  await expect(entry(`new-${id}`)).toBeVisible();
  await expect(entry(`Audit token ${id}`)).toHaveCount(0);
  await page.reload();
  await expect(entry(`new-${id}`)).toBeVisible();
  await choose(page, msg(lang, 'settings.audit.what'), msg(lang, 'settings.audit.types.settings'));
  await page.getByRole('combobox', { name: msg(lang, 'settings.audit.who') }).click();
  await page.getByRole('option', { name: 'Li Agent', exact: true }).click();
  await expect(page).toHaveURL(/actor=usr_/);
  await expect(entry(`audit.${id}@kith.test`)).toHaveCount(0);
});

test('a customer’s changes read in words, the same in their change history and in the audit log', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const id = run();
  const name = `Changes ${id}`;
  const group = await apiWrite(page, 'post', '/api/groups', { name: `Fair ${id}` });
  // A Tmall buyer, put in a group, changed, deleted with a batch and restored.
  const customer = await apiWrite(page, 'post', '/api/contacts', {
    name,
    gender: 'female',
    initial_source: 'tmall',
    tags: [`changes-${id}`],
  });
  await apiWrite(page, 'post', `/api/groups/${group.id}/members`, { contact_ids: [customer.id] });
  await apiWrite(page, 'patch', `/api/contacts/${customer.id}`, { gender: 'male' });
  const deletion = await apiWrite(page, 'post', '/api/contacts/batch-delete', {
    filter: { tag: `changes-${id}` },
    confirm_count: 1,
  });
  await apiWrite(page, 'post', `/api/contacts/deletions/${deletion.id}/restore`, {});
  const words = [
    msg(lang, 'gender.female'),
    msg(lang, 'gender.male'),
    msg(lang, 'initialSources.tmall'),
    `Fair ${id}`,
    msg(lang, 'fields.deleted_at'),
  ];
  // Keys, ids and stored forms a reader should never meet.
  const raw = ['female', 'tmall', group.id, 'deleted_at', /\d{4}-\d{2}-\d{2}T/];

  await page.goto(`/customers/${customer.id}?tab=history`);
  const history = page.getByRole('table', { name: msg(lang, 'customer.history') });
  for (const text of words) await expect(history).toContainText(text);
  for (const text of raw) await expect(history).not.toContainText(text);
  await shot('customer-history');
  await expectAccessible();

  await page.goto('/settings/audit?type=contact');
  const entries = page
    .getByRole('table', { name: msg(lang, 'settings.audit.title') })
    .getByRole('row')
    .filter({ hasText: name });
  await expect(entries).toHaveCount(5);
  const sep = msg(lang, 'settings.audit.fieldSep');
  await expect(entries.filter({ hasText: msg(lang, 'settings.audit.actions.created') })).toContainText(
    `${msg(lang, 'fields.initial_source')}${sep}${msg(lang, 'initialSources.tmall')}`,
  );
  await expect(entries.filter({ hasText: msg(lang, 'settings.audit.actions.updated') })).toContainText(
    `${msg(lang, 'fields.gender')}${sep}${msg(lang, 'gender.female')} → ${msg(lang, 'gender.male')}`,
  );
  for (const text of words) await expect(entries.filter({ hasText: text }).first()).toBeVisible();
  for (const row of await entries.all()) for (const text of raw) await expect(row).not.toContainText(text);
  await settle(page);
  await shot('settings-audit-customers');
  await expectAccessible();
});

test('an agent sees their profile and API tokens only; admin screens say they are not theirs', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('agent');
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/settings\/profile$/);
  const nav = page.getByRole('navigation', { name: msg(lang, 'settings.nav.label'), exact: true });
  await expect(nav.getByRole('link')).toHaveText([NAV[lang][0], NAV[lang][2]]);
  await expect(page.getByText(msg(lang, 'roles.agent')).first()).toBeVisible();
  await settle(page);
  await shot('settings-agent-profile');
  await expectAccessible();
  await nav.getByRole('link', { name: NAV[lang][2] }).click();
  await expect(page.getByRole('heading', { name: NAV[lang][2], level: 1 })).toBeVisible();
  // No "everyone's tokens" switch for an agent.
  await expect(page.getByText(msg(lang, 'settings.tokens.everyone'))).toHaveCount(0);
  for (const path of ['users', 'audit', 'webhooks', 'tags']) {
    await page.goto(`/settings/${path}`);
    await expect(page.getByRole('alert')).toContainText(msg(lang, 'common.errors.forbidden'));
  }
  // The notice reads at WCAG AA contrast (its title was yellow on light yellow, 2.7:1).
  await expect(page.getByRole('alert')).toContainText(msg(lang, 'common.errors.forbiddenTitle'));
  await settle(page);
  await shot('settings-agent-forbidden');
  await expectAccessible();
  for (const path of ['/automation', '/imports/orders/new', '/imports/orders/file']) {
    await page.goto(path);
    await expect(page.getByRole('alert')).toContainText(msg(lang, 'common.errors.forbiddenTitle'));
    await expectAccessible();
  }
  const refused = await page.request.get('/api/audit');
  expect(refused.status()).toBe(403);
});
