import { csrfHeaders, expect, test } from './fixtures';

const TEXT = {
  en: { link: 'Deletions', restore: 'Restore', restored: '2 customers restored.' },
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

  await row.getByRole('button', { name: text.restore }).click();
  await page.getByRole('dialog').getByRole('button', { name: text.restore }).click();
  await expect(page.getByText(text.restored)).toBeVisible();
  for (const id of ids) expect((await page.request.get(`/api/contacts/${id}`)).status()).toBe(200);
});
