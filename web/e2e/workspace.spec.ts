import type { BrowserContext } from '@playwright/test';
import { emailLayout, expect, test } from './fixtures';
import { ADMIN } from './global-setup';
import { msg } from './messages';

const TEXT = {
  en: {
    mine: 'Mine',
    resolved: 'Resolved',
    shortcuts: 'Keyboard shortcuts',
    online: 'Online',
    offline: 'Offline',
    externalId: 'External ID',
    snooze: 'Snooze',
    snoozeUntil: 'Snooze until',
    snoozed: 'Snoozed',
    snoozeInPast: 'Pick a time in the future',
    none: 'No conversations here',
    showAll: 'Show the 1 conversation under All',
    reply: 'Reply: ',
    noMessages: 'No messages yet',
  },
  zh: {
    mine: '我的',
    resolved: '已解决',
    shortcuts: '键盘快捷键',
    online: '在线',
    offline: '离线',
    externalId: '外部 ID',
    snooze: '稍后处理',
    snoozeUntil: '稍后处理至',
    snoozed: '稍后处理',
    snoozeInPast: '请选择一个将来的时间',
    none: '这里没有会话',
    showAll: '查看全部 1 个会话',
    reply: '回复：',
    noMessages: '暂无消息',
  },
};

/** A second browser, signed in as the administrator: it sets the scene through the API and watches. */
async function adminContext(context: BrowserContext) {
  const browser = context.browser()!;
  const locale = test.info().project.use.locale;
  const admin = await browser.newContext({ locale, baseURL: process.env.KITH_E2E_URL });
  expect((await admin.request.post('/api/auth/login', { data: ADMIN })).status()).toBe(200);
  const csrf = decodeURIComponent((await admin.cookies()).find((c) => c.name === 'kith_csrf')!.value);
  const call = async (method: 'POST' | 'PATCH' | 'PUT', url: string, data: unknown) => {
    const response = await admin.request.fetch(url, {
      method,
      data,
      headers: { 'X-CSRF-Token': csrf, Origin: process.env.KITH_E2E_URL! },
    });
    expect(response.ok(), `${method} ${url}: ${await response.text()}`).toBe(true);
    return response.json();
  };
  return { admin, call };
}

test('an agent replies to and resolves a conversation by keyboard; another browser sees a new message live', async ({
  page,
  context,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const text = TEXT[lang];
  await signIn('agent');
  const me = (await (await page.request.get('/api/auth/me')).json()) as { id: string };
  const { admin, call } = await adminContext(context);
  const stamp = `${Date.now().toString(36)}${lang}`;
  const inbox = await call('POST', '/api/inboxes', { name: `Support ${stamp}` });
  await call('POST', `/api/inboxes/${inbox.id}/members`, { user_id: me.id });
  const conversation = await call('POST', '/api/conversations', {
    inbox_id: inbox.id,
    contact: {
      name: `张伟 ${stamp}`,
      email: `zhang.${stamp}@example.com`,
      tags: ['vip'],
      external_id: `SHOP-7-${stamp}`,
    },
    message: '我的订单还没到 / My order has not arrived',
    assignee_id: me.id,
    priority: 'high',
  });

  // The workspace: Mine, open, this inbox (in the URL), the customer waiting.
  await page.goto(`/conversations?inbox=${inbox.id}`);
  const row = page.getByTestId('conversation-row').filter({ hasText: `张伟 ${stamp}` });
  await expect(row).toBeVisible();
  await expect(page.getByTestId('workspace-tabs')).toContainText(`${text.mine} 1`);
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'live');
  await shot('workspace');
  await expectAccessible();

  // Keyboard only from here: Tab to the conversation's link, Enter, then the shortcuts.
  await row.getByRole('link').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/conversations/${conversation.id}\\?inbox=`));
  await expect(page.getByTestId('message').first()).toContainText('My order has not arrived');
  await expect(page.getByTestId('customer-panel')).toContainText(`zhang.${stamp}@example.com`);
  // An identity under its type's label in the page's language (not the key), clear of its value.
  const identity = page.getByTestId('customer-panel').locator('[data-identity="external_id"]');
  const [label, value] = [
    identity.getByText(TEXT[lang].externalId, { exact: true }),
    identity.getByText(`SHOP-7-${stamp}`),
  ];
  await expect(label).toBeVisible();
  await expect(value).toBeVisible();
  await expect(page.getByTestId('customer-panel')).not.toContainText('external_id');
  const [labelBox, valueBox] = [(await label.boundingBox())!, (await value.boundingBox())!];
  const apart =
    labelBox.y + labelBox.height <= valueBox.y ||
    valueBox.y + valueBox.height <= labelBox.y ||
    labelBox.x + labelBox.width <= valueBox.x;
  expect(apart, 'the label and the value do not overlap').toBe(true);
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'live');

  // Another browser (the administrator's) opens the same conversation.
  const watcher = await admin.newPage();
  await watcher.goto(`/conversations/${conversation.id}`);
  await expect(watcher.getByTestId('message').first()).toBeVisible();
  await expect(watcher.getByTestId('live-state')).toHaveAttribute('data-state', 'live');

  await page.keyboard.press('r');
  await expect(page.getByRole('textbox', { name: /Message|消息/ })).toBeFocused();
  await page.keyboard.type('已经发货了，明天到 / Shipped, arriving tomorrow');
  await page.keyboard.press('Control+Enter');
  const reply = page.getByTestId('message').filter({ hasText: 'arriving tomorrow' });
  await expect(reply).toHaveAttribute('data-direction', 'outgoing');
  // The reply reaches the other browser without a reload, within a second of being sent.
  const sentAt = Date.now();
  await expect(watcher.getByTestId('message').filter({ hasText: 'arriving tomorrow' })).toBeVisible({
    timeout: 5000,
  });
  expect(Date.now() - sentAt).toBeLessThan(1000);

  // Escape leaves the composer; E resolves.
  await page.keyboard.press('Escape');
  await page.keyboard.press('e');
  await expect(page.getByTestId('conversation-status')).toHaveText(text.resolved);
  await expect(watcher.getByTestId('conversation-status')).toHaveText(text.resolved);
  await expect(page.getByTestId('conversation-event').last()).toContainText(text.resolved);
  await shot('conversation');
  await expectAccessible();

  // A customer message written elsewhere (the API) reopens it, live in both browsers.
  const t0 = Date.now();
  await call('POST', `/api/conversations/${conversation.id}/messages`, {
    direction: 'incoming',
    content: '谢谢！/ Thanks!',
  });
  await expect(watcher.getByTestId('message').filter({ hasText: 'Thanks!' })).toBeVisible({ timeout: 5000 });
  expect(Date.now() - t0).toBeLessThan(1500);
  await expect(page.getByTestId('message').filter({ hasText: 'Thanks!' })).toBeVisible();
  await expect(page.getByTestId('conversation-status')).not.toHaveText(text.resolved);

  // `?` lists the shortcuts.
  await page.keyboard.press('Shift+?');
  await expect(page.getByRole('dialog', { name: text.shortcuts })).toBeVisible();
  await shot('conversation-shortcuts');
  await expectAccessible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: text.shortcuts })).toBeHidden();
  // Snoozing: a time already past is refused on the field; tomorrow snoozes it.
  const localInput = (at: Date) =>
    new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByRole('button', { name: text.snooze, exact: true }).first().click();
  const snoozeForm = page.getByRole('dialog').filter({ has: page.getByLabel(text.snoozeUntil) });
  await snoozeForm.getByLabel(text.snoozeUntil).fill(localInput(new Date(Date.now() - 3_600_000)));
  await snoozeForm.getByLabel(text.snoozeUntil).press('Enter');
  await expect(snoozeForm.getByText(text.snoozeInPast)).toBeVisible();
  await snoozeForm.getByLabel(text.snoozeUntil).fill(localInput(new Date(Date.now() + 86_400_000)));
  await snoozeForm.getByLabel(text.snoozeUntil).press('Enter');
  await expect(page.getByTestId('conversation-status')).toHaveText(text.snoozed);
  await expect(snoozeForm).toBeHidden();
  // The snooze's time and the inbox, parted (the inbox's name ran on from the time).
  await expect(page.getByTestId('conversation-meta')).toHaveText(new RegExp(` · Support ${stamp}$`));

  // A smaller screen: the customer panel's labels and values still side by side, none over another.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('customer-panel')).toContainText(`SHOP-7-${stamp}`);
  // The e-mail wraps at its "@" or a dot in the narrow panel, not inside "example".
  await expect
    .poll(() => emailLayout(page.getByTestId('customer-panel').locator('.kith-email')))
    .toEqual({ wrapped: true, cut: [] });
  // Its label sits beside the address's first line, not half-way down the wrapped address.
  const emailRow = page.getByTestId('customer-panel').locator('[data-field="email"]');
  const [labelTop, valueTop] = await emailRow
    .locator(':scope > *')
    .evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().top));
  expect(Math.abs(labelTop! - valueTop!)).toBeLessThanOrEqual(2);
  await shot('conversation-1024');
  await admin.close();
});

test('the list by keyboard: Tab to the first conversation, arrows to move, Enter to open', async ({
  page,
  context,
  lang,
  signIn,
}) => {
  await signIn('agent');
  const me = (await (await page.request.get('/api/auth/me')).json()) as { id: string };
  const { admin, call } = await adminContext(context);
  const stamp = `${Date.now().toString(36)}${lang}k`;
  const inbox = await call('POST', '/api/inboxes', { name: `Keys ${stamp}` });
  await call('POST', `/api/inboxes/${inbox.id}/members`, { user_id: me.id });
  const ids: string[] = [];
  // The longest waiting first: Ana, then Bo.
  for (const name of ['Ana', 'Bo']) {
    const created = await call('POST', '/api/conversations', {
      inbox_id: inbox.id,
      contact: { name: `${name} ${stamp}`, email: `${name.toLowerCase()}.${stamp}@example.com` },
      message: `Hello from ${name}`,
      assignee_id: me.id,
    });
    ids.push(created.id);
  }
  await admin.close();

  await page.goto(`/conversations?inbox=${inbox.id}`);
  const rows = page.getByTestId('conversation-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(`Ana ${stamp}`);
  // The inbox filter, then Tab: the list is one tab stop, on its first row.
  await page.getByRole('combobox', { name: lang === 'zh' ? '收件箱' : 'Inbox' }).focus();
  await page.keyboard.press('Tab');
  await expect(rows.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/conversations/${ids[1]}\\?inbox=${inbox.id}`));
  await expect(page.getByTestId('message').first()).toContainText('Hello from Bo');
});

test('availability in the header: only for those who take conversations; online, then offline hands the open conversations on', async ({
  page,
  context,
  lang,
  signIn,
}) => {
  const text = TEXT[lang];
  // Presence is for those who take conversations: an admin of no inbox holding none sees no badge.
  await signIn('admin');
  const admins = (await (await page.request.get('/api/agents')).json()) as {
    data: { email: string; inbox_ids: string[]; open_conversations: number }[];
  };
  const adminAgent = admins.data.find((a) => a.email === ADMIN.email)!;
  await page.goto('/customers');
  await expect(page.getByRole('navigation').first()).toBeVisible();
  if (adminAgent.inbox_ids.length === 0 && adminAgent.open_conversations === 0)
    await expect(page.getByTestId('availability')).toHaveCount(0);
  else await expect(page.getByTestId('availability')).toBeVisible();

  // An inbox's member sees it on every page.
  await page.context().clearCookies();
  await signIn('agent');
  const me = (await (await page.request.get('/api/auth/me')).json()) as { id: string };
  const { admin, call } = await adminContext(context);
  const inbox = await call('POST', '/api/inboxes', { name: `Presence ${Date.now().toString(36)}${lang}` });
  await call('POST', `/api/inboxes/${inbox.id}/members`, { user_id: me.id });
  await admin.close();
  await page.goto('/conversations');
  const availability = page.getByTestId('availability');
  await availability.click();
  await page.getByRole('menuitem', { name: text.online }).click();
  await expect(availability).toContainText(text.online);
  await availability.click();
  await page.getByRole('menuitem', { name: text.offline }).click();
  await expect(availability).toContainText(text.offline);
  await expect(page.locator('.mantine-Notification-root').last()).toBeVisible();
});

test('an empty Mine offers the conversations under All', async ({ page, context, lang, signIn }) => {
  const text = TEXT[lang];
  await signIn('admin');
  const { admin, call } = await adminContext(context);
  const stamp = `${Date.now().toString(36)}${lang}`;
  // An inbox without auto-assignment: its one conversation is nobody's.
  const inbox = await call('POST', '/api/inboxes', { name: `Empty mine ${stamp}` });
  await call('POST', '/api/conversations', {
    inbox_id: inbox.id,
    contact: { email: `mine-${stamp}@example.com` },
    message: 'hello',
  });
  await page.goto(`/conversations?inbox=${inbox.id}`);
  await expect(page.getByText(text.none)).toBeVisible();
  await page.getByRole('button', { name: text.showAll }).click();
  await expect(page).toHaveURL(/assignee=all/);
  await expect(page.getByTestId('conversation-row')).toHaveCount(1);
  await admin.close();
});

test("the workspace shows each conversation's last message in one line, never a private note", async ({
  page,
  context,
  lang,
  signIn,
  shot,
}) => {
  const text = TEXT[lang];
  await signIn('agent');
  const me = (await (await page.request.get('/api/auth/me')).json()) as { id: string };
  const { admin, call } = await adminContext(context);
  const stamp = `${Date.now().toString(36)}${lang}`;
  // A long inbox name, as a team's often are: at 1024 px it must not push the other columns off screen.
  const inbox = await call('POST', '/api/inboxes', {
    name: `Previews ${stamp} 售后支持 After-sales support and returns (华东区)`,
  });
  await call('POST', `/api/inboxes/${inbox.id}/members`, { user_id: me.id });
  const start = (name: string, message?: string, more: { priority?: string; labels?: string[] } = {}) =>
    call('POST', '/api/conversations', {
      inbox_id: inbox.id,
      contact: { name: `${name} ${stamp}`, external_id: `${name}-${stamp}` },
      assignee_id: me.id,
      ...(message ? { message } : {}),
      ...more,
    }) as Promise<{ id: string }>;
  const replied = await start('李娜', '发票开了吗？ / Is the invoice ready?');
  await call('POST', `/api/conversations/${replied.id}/messages`, {
    direction: 'outgoing',
    content: 'Sent it by <b>e-mail</b>\njust now',
  });
  await call('POST', `/api/conversations/${replied.id}/messages`, {
    direction: 'note',
    content: 'PRIVATE: refund approved by finance',
  });
  const long = 'The parcel arrived damaged, the box was crushed and two cups are broken; '.repeat(4);
  await start('王芳', long);
  await start('赵磊');
  // A long name (a company's buyer) with labels and a priority: at 1440 px the whole list, priority
  // included, fits.
  const longName = '上海浦东陆家嘴某某科技有限公司采购部 Maximilian-Alexander Wolfeschlegelsteinhausen';
  await start(longName, long, { priority: 'medium', labels: ['refund', 'damaged'] });

  await page.goto(`/conversations?inbox=${inbox.id}`);
  const row = (name: string) => page.getByTestId('conversation-row').filter({ hasText: `${name} ${stamp}` });
  // The reply, as text (the markup shows as written), marked as a reply; the note after it is not shown.
  const reply = row('李娜').getByTestId('conversation-preview');
  await expect(reply).toContainText(`${text.reply}Sent it by <b>e-mail</b> just now`);
  await expect(reply.locator('b')).toHaveCount(0);
  await expect(page.getByTestId('conversation-list')).not.toContainText('PRIVATE');
  await expect(reply.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  // A long message stays on one line, cut with an ellipsis.
  const cut = row('王芳').getByTestId('conversation-preview').locator('.kith-preview');
  await expect(cut).toContainText('The parcel arrived damaged');
  const fits = await cut.evaluate((el) => ({
    cut: el.scrollWidth > el.clientWidth,
    overflow: getComputedStyle(el).textOverflow,
    lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)),
  }));
  expect(fits).toEqual({ cut: true, overflow: 'ellipsis', lines: 1 });
  await expect(row('赵磊')).toContainText(text.noMessages);
  // At 1440 px nothing scrolls sideways: long names, inbox and message are cut to fit, and the priority
  // (pushed out of sight before) is on screen with its whole word.
  const priorityBadge = row(longName).locator('td').last().locator('.mantine-Badge-root');
  await expect(priorityBadge).toBeInViewport({ ratio: 1 });
  expect(
    await priorityBadge.locator('.mantine-Badge-label').evaluate((el) => el.scrollWidth <= el.clientWidth),
  ).toBe(true);
  await expect(page.getByRole('region', { name: msg(lang, 'conversations.title') })).toHaveCount(0);
  await shot('workspace-previews');
  await page.setViewportSize({ width: 1024, height: 768 });
  // Too wide for the window, the list scrolls sideways in its own box (a region a keyboard can reach)
  // instead of running past the window's edge, where its last columns could not be seen at all.
  const box = page.getByRole('region', { name: msg(lang, 'conversations.title') });
  const { x, width } = (await box.boundingBox())!;
  expect(x + width).toBeLessThanOrEqual(1024);
  const priority = page.getByTestId('conversation-list').getByRole('columnheader').last();
  await priority.scrollIntoViewIfNeeded();
  await expect(priority).toBeInViewport({ ratio: 0.9 });
  await shot('workspace-previews-1024');
  // Opened at 1024 px, the long name is cut in the title, not the words after it (Chinese: 的会话); the
  // whole title is in its tooltip, and it keeps to two lines.
  await row(longName).getByRole('link').first().click();
  const heading = page.getByRole('heading', { level: 1 });
  const whole = msg(lang, 'conversations.conversation.title', { name: `${longName} ${stamp}` });
  await expect(heading).toHaveAttribute('title', whole);
  const [before, after] = msg(lang, 'conversations.conversation.title', { name: '\n' }).split('\n');
  await expect(heading).toHaveText(new RegExp(`^${before}.*…${after}$`));
  const { height, lineHeight, clamped } = await heading.evaluate((element) => ({
    height: element.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(element).lineHeight),
    clamped: element.scrollHeight > element.clientHeight + 1,
  }));
  expect(height).toBeLessThanOrEqual(2 * lineHeight + 1);
  expect(clamped).toBe(false);
  await shot('conversation-long-name-1024');
  await admin.close();
});

test("a customer's page lists their conversations and starts a new one, opened to write in", async ({
  page,
  context,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = msg.bind(null, lang);
  await signIn('agent');
  const me = (await (await page.request.get('/api/auth/me')).json()) as { id: string };
  const { admin, call } = await adminContext(context);
  const stamp = `${Date.now().toString(36)}${lang}`;
  const inbox = await call('POST', '/api/inboxes', { name: `Customer tab ${stamp}` });
  await call('POST', `/api/inboxes/${inbox.id}/members`, { user_id: me.id });
  // Another inbox the agent is not in: its conversation with the same customer is not theirs to see.
  const elsewhere = await call('POST', '/api/inboxes', { name: `Not mine ${stamp}` });
  const first = (await call('POST', '/api/conversations', {
    inbox_id: inbox.id,
    contact: { name: `陈静 ${stamp}`, external_id: `tab-${stamp}` },
    message: '退货地址是哪里？ / Where do I send the return?',
  })) as { id: string; contact_id: string };
  await call('POST', '/api/conversations', {
    inbox_id: elsewhere.id,
    contact_id: first.contact_id,
    message: 'not for this agent',
  });

  await page.goto(`/customers/${first.contact_id}`);
  await page.getByRole('tab', { name: m('customer.conversations.tab') }).click();
  await expect(page).toHaveURL(/tab=conversations/);
  const list = page.getByTestId('customer-conversations');
  await expect(list.getByRole('row')).toHaveCount(2);
  await expect(list).toContainText('退货地址是哪里？');
  await expect(list).toContainText(`Customer tab ${stamp}`);
  await expect(list).not.toContainText('not for this agent');
  await expect(list).toContainText(m('conversations.statuses.open'));
  await shot('customer-conversations');
  await expectAccessible();

  // Started from here: the inbox chosen, the conversation opens, assigned to the agent who started it.
  await page.getByRole('button', { name: m('customer.conversations.start') }).click();
  const dialog = page.getByRole('dialog', { name: m('customer.conversations.startTitle') });
  await dialog.getByLabel(m('customer.conversations.inbox'), { exact: true }).click();
  await page.getByRole('option', { name: `Customer tab ${stamp}`, exact: true }).click();
  // The inbox the agent is not in is not offered.
  await expect(page.getByRole('option', { name: `Not mine ${stamp}` })).toHaveCount(0);
  await dialog.getByRole('button', { name: m('customer.conversations.startConfirm') }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/conversations\/cnv_[a-z0-9]+$/);
  const started = page.url().split('/').pop()!;
  const conversation = (await (await page.request.get(`/api/conversations/${started}`)).json()) as Record<
    string,
    unknown
  >;
  expect(conversation).toMatchObject({
    contact_id: first.contact_id,
    inbox_id: inbox.id,
    assignee_id: me.id,
  });
  await page.goto(`/customers/${first.contact_id}?tab=conversations`);
  await expect(page.getByTestId('customer-conversations').getByRole('row')).toHaveCount(3);
  await admin.close();
});
