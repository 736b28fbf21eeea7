/**
 * Settings → Sync against a real Radicale on this machine (the servers allow 127.0.0.1 through
 * KITH_OUTBOUND_ALLOW): an admin adds an address book through the form, runs it, and sees the run's
 * counts; the password is never shown again.
 */
import type { Page } from '@playwright/test';
import { createAddressBook, startRadicale, type TestRadicale } from '../../test/support/radicale';
import { msg } from './messages';
import { csrfHeaders, expect, test } from './fixtures';

let radicale: TestRadicale;
test.beforeAll(async () => {
  radicale = await startRadicale();
});
test.afterAll(async () => radicale?.stop());

async function apiPost(page: Page, path: string, data: unknown) {
  const response = await page.request.post(path, { data, headers: await csrfHeaders(page) });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return response.json();
}

test('sync: add a CardDAV address book, run it, see the counts', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const book = `book-${lang}-${Date.now().toString(36)}`;
  const url = await createAddressBook(radicale, book);
  await apiPost(page, '/api/contacts', { name: `同步 ${book}`, email: `${book}@sync.example` });

  await page.goto('/settings');
  await page.getByRole('link', { name: msg(lang, 'sync.nav'), exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/sync$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(msg(lang, 'sync.title'));

  await page
    .getByRole('button', { name: msg(lang, 'sync.add') })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'sync.addTitle') });
  await dialog.getByRole('textbox', { name: msg(lang, 'sync.url') }).fill(url);
  await dialog.getByRole('textbox', { name: msg(lang, 'sync.username') }).fill(radicale.user);
  await dialog.getByLabel(msg(lang, 'sync.password'), { exact: false }).first().fill(radicale.password);
  await expectAccessible();
  await dialog.getByRole('button', { name: msg(lang, 'sync.add'), exact: true }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByTestId('sync-connection').filter({ hasText: `/${book}/` });
  await expect(card).toContainText(msg(lang, 'sync.neverRun'));
  await card.getByRole('button', { name: msg(lang, 'sync.runNow') }).click();
  await expect(card).toContainText(msg(lang, 'sync.state.done'), { timeout: 60_000 });
  const pushed = card.getByRole('row').filter({ hasText: msg(lang, 'sync.counts.pushed') });
  await expect(pushed.getByRole('cell').nth(1)).not.toHaveText('0');
  await expect(page.getByText(radicale.password)).toHaveCount(0);
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('settings-sync');

  // Both sides change the name before the next run: a conflict, compared field by field. The card is
  // at <uid>.vcf, its uid the customer's id for a card Kith wrote first (carddav-sync-run.ts).
  const [customer] = (
    (await (
      await page.request.get(`/api/contacts?q=${encodeURIComponent(`${book}@sync.example`)}`)
    ).json()) as {
      data: { id: string; identities: Record<string, string> }[];
    }
  ).data;
  const cardUrl = `${url}${encodeURIComponent(customer!.identities.carddav_uid ?? customer!.id)}.vcf`;
  const auth = { authorization: radicale.authorization };
  const pushedCard = await (await fetch(cardUrl, { headers: auth })).text();
  expect(pushedCard).toContain(`FN:同步 ${book}`);
  const later = new Date(Date.now() + 60_000)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const put = await fetch(cardUrl, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'text/vcard; charset=utf-8' },
    body: pushedCard.replace(`FN:同步 ${book}`, `FN:Server ${book}\r\nREV:${later}`),
  });
  expect(put.status).toBeLessThan(300);
  const patched = await page.request.patch(`/api/contacts/${customer!.id}`, {
    data: { name: `Kith ${book}` },
    headers: await csrfHeaders(page),
  });
  expect(patched.status()).toBe(200);
  await card.getByRole('button', { name: msg(lang, 'sync.runNow') }).click();
  await expect(card).toContainText(msg(lang, 'sync.counts.conflicts', { count: 1 }), { timeout: 60_000 });
  const conflictRow = page.getByRole('table', { name: msg(lang, 'sync.conflicts.title') }).getByRole('row', {
    name: new RegExp(book),
  });
  await conflictRow.getByRole('button', { name: msg(lang, 'sync.conflicts.compare') }).click();
  const compare = page.getByRole('dialog', { name: msg(lang, 'sync.conflicts.compareTitle') });
  const nameRow = compare.getByTestId('sync-conflict-fields').locator('tr[data-differs]');
  await expect(nameRow).toHaveCount(1);
  await expect(nameRow).toContainText(msg(lang, 'sync.conflicts.differs'));
  await expect(nameRow).toContainText(`Kith ${book}`);
  await expect(nameRow).toContainText(`Server ${book}`);
  // The e-mail is the same on both sides, and the card itself is one click away.
  await expect(compare.getByRole('row').filter({ hasText: `${book}@sync.example` })).not.toHaveAttribute(
    'data-differs',
  );
  await compare.getByText(msg(lang, 'sync.conflicts.rawCard')).click();
  await expect(compare.getByText(`FN:Server ${book}`)).toBeVisible();
  await expectAccessible();
  await shot('settings-sync-conflict');
});

test('sync: edit a connection — a blank password keeps the stored one, another book warns of a reset, pause and resume', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const book = `edit-${lang}-${Date.now().toString(36)}`;
  const url = await createAddressBook(radicale, book);
  const other = await createAddressBook(radicale, `${book}-2`);
  await apiPost(page, '/api/sync/connections', {
    url,
    username: radicale.user,
    password: radicale.password,
  });
  await page.goto('/settings/sync');
  const card = page.getByTestId('sync-connection').filter({ hasText: `/${book}/` });
  await card.getByRole('button', { name: msg(lang, 'common.edit'), exact: true }).click();
  const dialog = page.getByRole('dialog', { name: msg(lang, 'sync.editTitle') });
  await expect(dialog.getByRole('textbox', { name: msg(lang, 'sync.url') })).toHaveValue(url);
  await expect(dialog.getByLabel(msg(lang, 'sync.password'), { exact: false }).first()).toHaveValue('');
  await expect(dialog.getByTestId('sync-reset-warning')).toHaveCount(0);
  // Pointing it at another address book says, before saving, that the state starts over.
  await dialog.getByRole('textbox', { name: msg(lang, 'sync.url') }).fill(other);
  await dialog.getByRole('textbox', { name: msg(lang, 'sync.collection') }).fill('');
  await expect(dialog.getByTestId('sync-reset-warning')).toHaveText(msg(lang, 'sync.resetWarning'));
  await dialog.getByRole('textbox', { name: msg(lang, 'sync.url') }).fill(url);
  await dialog
    .getByRole('textbox', { name: msg(lang, 'sync.collection') })
    .fill(`/${radicale.user}/${book}/`);
  await expect(dialog.getByTestId('sync-reset-warning')).toHaveCount(0);
  await dialog
    .getByRole('textbox', { name: msg(lang, 'sync.collection') })
    .fill(`/${radicale.user}/${book}-2/`);
  await expect(dialog.getByTestId('sync-reset-warning')).toBeVisible();
  await expectAccessible();
  await page.mouse.move(0, 0);
  await shot('settings-sync-edit');
  await dialog.getByRole('button', { name: msg(lang, 'common.save'), exact: true }).click();
  await expect(dialog).toBeHidden();
  const moved = page.getByTestId('sync-connection').filter({ hasText: `/${book}-2/` });
  await expect(moved).toBeVisible();

  // The stored password still works: the run completes.
  await moved.getByRole('button', { name: msg(lang, 'sync.runNow') }).click();
  await expect(moved).toContainText(msg(lang, 'sync.state.done'), { timeout: 60_000 });

  await moved.getByRole('button', { name: msg(lang, 'sync.pause'), exact: true }).click();
  await expect(moved).toContainText(msg(lang, 'sync.paused'));
  await expect(moved.getByRole('button', { name: msg(lang, 'sync.runNow') })).toBeDisabled();
  await expectAccessible();
  await moved.getByRole('button', { name: msg(lang, 'sync.resume'), exact: true }).click();
  await expect(moved.getByRole('button', { name: msg(lang, 'sync.runNow') })).toBeEnabled();
});

test("sync: a run that fails says why in the page's language — a wrong password, a server that is not there", async ({
  page,
  lang,
  signIn,
}) => {
  await signIn('admin');
  const book = `fail-${lang}-${Date.now().toString(36)}`;
  const url = await createAddressBook(radicale, book);
  await apiPost(page, '/api/sync/connections', {
    url,
    username: radicale.user,
    password: 'not the password',
  });
  await apiPost(page, '/api/sync/connections', {
    url: `http://127.0.0.1:1/${book}-gone/`,
    username: radicale.user,
    password: radicale.password,
  });
  await page.goto('/settings/sync');
  const wrong = page.getByTestId('sync-connection').filter({ hasText: `/${book}/` });
  await wrong.getByRole('button', { name: msg(lang, 'sync.runNow') }).click();
  await expect(wrong.getByRole('alert')).toHaveText(msg(lang, 'sync.failures.auth'), { timeout: 60_000 });
  const gone = page.getByTestId('sync-connection').filter({ hasText: `/${book}-gone/` });
  await gone.getByRole('button', { name: msg(lang, 'sync.runNow') }).click();
  await expect(gone.getByRole('alert')).toHaveText(
    msg(lang, 'sync.failures.unreachable', { code: 'ECONNREFUSED' }),
    {
      timeout: 60_000,
    },
  );
});
