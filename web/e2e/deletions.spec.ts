import { msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

const TEXT = {
  en: { link: 'Batch deletions', restore: 'Restore', restored: '2 customers restored.' },
  zh: { link: '批量删除记录', restore: '恢复', restored: '已恢复 2 位客户。' },
};

test('a batch deletion is listed with its backup and restored from the deletions page', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const text = TEXT[lang];
  await signIn('admin');
  const tag = `gone-${lang}-${Date.now().toString(36)}`;
  const ids: string[] = [];
  for (const name of ['Olive Pennyworth', 'Rupert Ashdown']) {
    const created = await page.request.post('/api/contacts', {
      data: { name: `${name} ${tag}`, tags: [tag] },
      headers: await csrfHeaders(page),
    });
    expect(created.status()).toBe(201);
    ids.push(((await created.json()) as { id: string }).id);
  }
  const deleted = await page.request.post('/api/contacts/batch-delete', {
    data: { filter: { tag }, confirm_count: 2 },
    headers: await csrfHeaders(page),
  });
  expect(deleted.status()).toBe(200);
  const deletion = (await deleted.json()) as { id: string; backup_file: string };

  await page.goto('/customers');
  await page.getByRole('link', { name: text.link }).click();
  await expect(page).toHaveURL(/\/customers\/deletions$/);
  const row = page.locator(`tr[data-deletion="${deletion.id}"]`);
  await expect(row).toBeVisible();
  const backup = row.getByRole('link', { name: deletion.backup_file });
  await expect(backup).toHaveAttribute('href', `/api/contacts/deletions/${deletion.id}/backup`);
  const download = await page.request.get(`/api/contacts/deletions/${deletion.id}/backup`);
  expect((await download.text()).trim().split('\n')).toHaveLength(2);
  await shot('deletions');
  await expectAccessible();
  // At 1024 px the time stays on one line (Chinese broke it into "2026年 / 12月7日 / 08:36").
  await page.setViewportSize({ width: 1024, height: 768 });
  const lines = await row
    .locator('td')
    .first()
    .evaluate((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    });
  expect(lines, 'the deletion time on one line at 1024 px').toBe(1);
  await page.setViewportSize({ width: 1440, height: 900 });

  await row.getByRole('button', { name: text.restore }).click();
  await page.getByRole('dialog').getByRole('button', { name: text.restore }).click();
  await expect(page.getByText(text.restored)).toBeVisible();
  for (const id of ids) expect((await page.request.get(`/api/contacts/${id}`)).status()).toBe(200);
});

test("a restore blocked by a customer who took a deleted one's phone says so in the page's language", async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  const tag = `taken-${lang}-${Date.now().toString(36)}`;
  const phone = `+86137${String(Date.now()).slice(-8)}`;
  const post = async (path: string, data: unknown) => {
    const response = await page.request.post(path, { data, headers: await csrfHeaders(page) });
    expect(response.status(), await response.text()).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  await post('/api/contacts', { name: `Hester Quill ${tag}`, phone, tags: [tag] });
  const deletion = await post('/api/contacts/batch-delete', { filter: { tag }, confirm_count: 1 });
  // The number comes back on a new customer: restoring the old one would give it to two.
  await post('/api/contacts', { name: `Hester Q. ${tag}`, phone });

  await page.goto('/customers/deletions');
  await page
    .locator(`tr[data-deletion="${deletion.id}"]`)
    .getByRole('button', { name: msg(lang, 'customers.deletions.restore') })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: msg(lang, 'customers.deletions.restore') }).click();
  const shown = `+86\u00a0137\u00a0${phone.slice(6, 10)}\u00a0${phone.slice(10)}`;
  await expect(dialog.getByRole('alert')).toHaveText(
    msg(lang, 'customers.deleteRefusals.blocked', {
      reasons: msg(lang, 'customers.deleteRefusals.valueTaken', {
        field: msg(lang, 'fields.phone'),
        value: shown,
      }),
    }),
  );
});
