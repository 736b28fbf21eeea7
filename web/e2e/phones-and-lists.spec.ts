/**
 * Phones read as people write them (+86 139 1234 5678, never the stored +8613912345678) on every screen
 * that shows one, with `tel:` links that keep E.164; and lists joined as the page's language writes
 * them ("a, b and c" / "a、b和c").
 */
import type { Page } from '@playwright/test';
import { csrfHeaders, expect, test } from './fixtures';

const TEXT = {
  en: {
    phone: 'Phone',
    otherPhones: 'Other phones',
    otherEmails: 'Other emails',
    externalId: 'External ID',
    values: ', ',
    and: ' and ',
    edit: 'Edit',
    save: 'Save',
    invalidLine: 'Line 2: Not a valid email address',
    owned: (value: string) => `${value} already belongs to another customer`,
  },
  zh: {
    phone: '手机号',
    otherPhones: '其他手机号',
    otherEmails: '其他邮箱',
    externalId: '外部 ID',
    values: '、',
    and: '和',
    edit: '编辑',
    save: '保存',
    invalidLine: '第 2 行：邮箱地址无效',
    owned: (value: string) => `${value} 已属于另一位客户`,
  },
};

/** A Chinese mobile number unique to this run: stored E.164 and as the screens show it. */
function mobile(prefix: string, seed: number) {
  const rest = String(seed % 100_000_000).padStart(8, '0');
  return { stored: `+86${prefix}${rest}`, shown: `+86 ${prefix} ${rest.slice(0, 4)} ${rest.slice(4)}` };
}

async function post(page: Page, url: string, data: unknown) {
  const response = await page.request.post(url, { data, headers: await csrfHeaders(page) });
  expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
  return response.json();
}

test('phones read formatted on the list, the customer page, the compare screen and beside a conversation', async ({
  page,
  lang,
  signIn,
  shot,
}) => {
  const text = TEXT[lang];
  await signIn('admin');
  const stamp = `${lang}${Date.now().toString(36)}`;
  const seed = Date.now() + (lang === 'zh' ? 7 : 0);
  const [main, second, third, other] = [
    mobile('139', seed),
    mobile('137', seed),
    mobile('136', seed),
    mobile('135', seed),
  ];
  const person = await post(page, '/api/contacts', {
    name: `电话 ${stamp}`,
    phone: main.stored,
    additional_phones: [second.stored, third.stored],
    email: `main.${stamp}@example.cn`,
    additional_emails: [`a.${stamp}@example.cn`, `b.${stamp}@example.cn`],
    external_id: `EXT-A-${stamp}`,
  });
  // Two more of the same name for the compare screen and its merge preview.
  const twin = await post(page, '/api/contacts', {
    name: `电话 ${stamp}`,
    phone: other.stored,
    external_id: `EXT-B-${stamp}`,
  });
  const triplet = await post(page, '/api/contacts', {
    name: `电话 ${stamp}`,
    external_id: `EXT-C-${stamp}`,
  });

  // The list: the phone column reads formatted.
  await page.goto(`/customers?q=${stamp}`);
  const row = page.getByRole('row').filter({ hasText: main.shown });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`电话 ${stamp}`);
  await expect(page.getByRole('table')).not.toContainText(main.stored);

  // The customer page: the phone dials E.164; other phones and e-mails listed the language's way.
  await page.goto(`/customers/${person.id}`);
  const phoneLink = page.getByRole('link', { name: main.shown });
  await expect(phoneLink).toHaveAttribute('href', `tel:${main.stored}`);
  const fields = page.locator('.kith-fields');
  await expect(fields).toContainText(`${second.shown}${text.values}${third.shown}`);
  await expect(page.getByRole('link', { name: third.shown })).toHaveAttribute('href', `tel:${third.stored}`);
  await expect(fields).toContainText(`a.${stamp}@example.cn${text.values}b.${stamp}@example.cn`);
  await expect(fields).not.toContainText(main.stored);
  await shot('customer-phones');

  // The compare screen: each record's phone formatted; the merge preview names the identities that
  // cannot all stay as the language lists them.
  await page.goto(`/duplicates/compare?ids=${person.id},${twin.id},${triplet.id}`);
  const phoneRow = page.getByRole('row').filter({ hasText: text.phone }).first();
  await expect(phoneRow).toContainText(main.shown);
  await expect(phoneRow).toContainText(other.shown);
  await expect(page.getByRole('main')).not.toContainText(main.stored);
  await expect(page.locator('[aria-labelledby="merge-preview"]')).toContainText(
    `${text.externalId}: EXT-B-${stamp}${text.and}${text.externalId}: EXT-C-${stamp}`,
  );
  // In the preview's narrow column the phone and the list of other phones wrap between numbers, never
  // inside one.
  const previewPhones = page.locator('[aria-labelledby="merge-preview"] .kith-phone');
  await expect(previewPhones).toHaveCount(4);
  const lines = await previewPhones.evaluateAll((spans) => spans.map((span) => span.getClientRects().length));
  expect(lines).toEqual([1, 1, 1, 1]);
  await shot('compare-phones');

  // Beside a conversation: the customer's phone, formatted, dialling E.164.
  const inbox = await post(page, '/api/inboxes', { name: `Phones ${stamp}` });
  const conversation = await post(page, '/api/conversations', {
    inbox_id: inbox.id,
    contact_id: person.id,
    message: '你好',
  });
  await page.goto(`/conversations/${conversation.id}`);
  const panel = page.getByTestId('customer-panel');
  await expect(panel.getByRole('link', { name: main.shown })).toHaveAttribute('href', `tel:${main.stored}`);
  await expect(panel).not.toContainText(main.stored);
  await shot('conversation-phones');
});

test('an additional e-mail or phone refused by the server is said on the box it was typed in', async ({
  page,
  lang,
  signIn,
}) => {
  const text = TEXT[lang];
  await signIn('agent');
  const stamp = `${lang}${Date.now().toString(36)}`;
  const owned = mobile('138', Date.now() + (lang === 'zh' ? 3 : 0));
  await post(page, '/api/contacts', { name: `Owner ${stamp}`, phone: owned.stored });
  const person = await post(page, '/api/contacts', {
    name: `Lists ${stamp}`,
    email: `p.${stamp}@example.cn`,
  });

  await page.goto(`/customers/${person.id}`);
  await page.getByRole('button', { name: text.edit }).click();
  const emails = page.getByRole('textbox', { name: text.otherEmails });
  const phones = page.getByRole('textbox', { name: text.otherPhones });

  // The second line is no e-mail address: said on the list's box, by its line.
  await emails.fill(`ok.${stamp}@example.cn\nnot-an-address`);
  await page.getByRole('button', { name: text.save }).click();
  await expect(page.getByText(text.invalidLine, { exact: true })).toBeVisible();
  await expect(emails).toHaveAttribute('aria-invalid', 'true');

  // A phone another customer has: said on the other phones' box with the value, the owner linked.
  await emails.fill(`ok.${stamp}@example.cn`);
  await phones.fill(owned.stored);
  await page.getByRole('button', { name: text.save }).click();
  await expect(page.getByText(text.owned(owned.shown), { exact: true })).toBeVisible();
  await expect(phones).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: text.phone, exact: true })).not.toHaveAttribute(
    'aria-invalid',
    'true',
  );
});
