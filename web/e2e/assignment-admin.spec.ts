/**
 * The administration of assignment in the browser, in English and in Chinese: an admin switches an
 * inbox to balanced assignment and sets an agent's capacity, and the next conversations follow both
 * (fewest open first, none beyond capacity); teams are created and named; the agents screen shows who
 * is online with their load; reports show each agent's work. Data is set up through the API.
 */
import type { Page } from '@playwright/test';
import { en } from '../src/i18n/en';
import { zh } from '../src/i18n/zh';
import { csrfHeaders, expect, test } from './fixtures';

const M = { en, zh };
const run = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));

test.describe.configure({ timeout: 120_000 });

async function apiCall(page: Page, method: 'get' | 'post' | 'put', path: string, data?: unknown) {
  const response = await page.request[method](path, {
    data,
    headers: method === 'get' ? {} : await csrfHeaders(page),
  });
  expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
  return response.json();
}

test('balanced assignment and capacity set in the browser take effect', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  const m = M[lang];
  const a = m.assignment;
  const suffix = run();
  await signIn('admin');
  const inbox = await apiCall(page, 'post', '/api/inboxes', {
    name: `Desk ${suffix}`,
    auto_assignment: { enabled: true, mode: 'round_robin' },
  });
  const users: { id: string; name: string }[] = [];
  for (const who of ['Xu', 'Ye']) {
    const user = await apiCall(page, 'post', '/api/users', {
      email: `${who.toLowerCase()}-${suffix}@kith.test`,
      password: 'agent password 9',
      role: 'agent',
      name: `${who} ${suffix}`,
    });
    await apiCall(page, 'post', `/api/inboxes/${inbox.id}/members`, { user_id: user.id });
    users.push(user);
  }
  const [xu, ye] = users as [{ id: string; name: string }, { id: string; name: string }];
  const conversation = async (n: number) =>
    (
      await apiCall(page, 'post', '/api/conversations', {
        inbox_id: inbox.id,
        contact: { email: `c${n}-${suffix}@example.com` },
        message: `question ${n}`,
      })
    ).assignee_id as string;
  // Ye works alone first and carries two open conversations; then Xu comes online.
  await apiCall(page, 'put', `/api/agents/${ye.id}/availability`, { availability: 'online' });
  expect([await conversation(1), await conversation(2)]).toEqual([ye.id, ye.id]);
  await apiCall(page, 'put', `/api/agents/${xu.id}/availability`, { availability: 'online' });

  await page.goto('/settings/inboxes');
  await expect(page.getByRole('heading', { name: a.inboxes.title, level: 1 })).toBeVisible();
  const mode = page.getByRole('combobox', { name: fill(a.inboxes.modeOf, { name: inbox.name }) });
  await expect(mode).toHaveValue(a.inboxes.modes.round_robin);
  await mode.click();
  await page.getByRole('option', { name: a.inboxes.modes.balanced, exact: true }).click();
  await expect(page.getByText(fill(m.settings.savedNamed, { name: inbox.name }))).toBeVisible();
  await expect(mode).toHaveValue(a.inboxes.modes.balanced);
  await expect(
    page.getByRole('switch', { name: fill(a.inboxes.autoAssignmentOf, { name: inbox.name }) }),
  ).toBeChecked();
  await expectAccessible();
  await shot('settings-inboxes');

  await page.goto('/settings/agents');
  const capacity = page.getByRole('textbox', { name: fill(a.agents.capacityOf, { name: xu.name }) });
  // Enter saves and disables the input, which blurs it: one save, not two.
  const capacitySaves: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().includes('/capacity')) capacitySaves.push(request.url());
  });
  await capacity.fill('2');
  await capacity.press('Enter');
  await expect(page.getByText(fill(a.agents.capacitySaved, { name: xu.name }))).toBeVisible();
  const xuRow = page.getByTestId('agent-row').filter({ hasText: xu.name });
  await expect(xuRow.getByTestId('agent-load')).toHaveText(fill(a.agents.loadOf, { open: 0, capacity: 2 }));
  await capacity.blur();
  expect(capacitySaves).toHaveLength(1);

  // Balanced: Xu (no open conversations) gets the next two; at capacity, the third goes to Ye.
  expect([await conversation(3), await conversation(4), await conversation(5)]).toEqual([
    xu.id,
    xu.id,
    ye.id,
  ]);
  await page.reload();
  await expect(xuRow.getByTestId('agent-load')).toHaveText(fill(a.agents.loadOf, { open: 2, capacity: 2 }));
  await expect(
    page.getByTestId('agent-row').filter({ hasText: ye.name }).getByTestId('agent-load'),
  ).toHaveText('3');
  await expect(xuRow).toContainText(a.agents.availabilities.online);
  await expect(xuRow).toContainText(inbox.name);
  await expectAccessible();
  await shot('settings-agents');

  // A team, named in the browser, with Xu on it.
  await page.goto('/settings/teams');
  await page.getByRole('button', { name: a.teams.new }).first().click();
  await page.getByRole('dialog').getByRole('textbox', { name: a.teams.name }).fill(`Night ${suffix}`);
  await page.getByRole('dialog').getByRole('button', { name: a.teams.create }).click();
  await expect(page.getByText(fill(a.teams.created, { name: `Night ${suffix}` }))).toBeVisible();
  const members = page.getByRole('combobox', { name: fill(a.teams.membersOf, { name: `Night ${suffix}` }) });
  await members.click();
  await page.getByRole('option', { name: xu.name, exact: true }).click();
  await expect
    .poll(async () => {
      const teams = await apiCall(page, 'get', '/api/teams');
      return teams.data.find((t: { name: string }) => t.name === `Night ${suffix}`)?.member_ids;
    })
    .toEqual([xu.id]);
  await page.keyboard.press('Escape');
  await page.getByRole('heading', { name: a.teams.title, level: 1 }).click();
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expectAccessible();
  await shot('settings-teams');

  // Reports: each agent's assignments in the range, in a table beside the resolutions.
  await page.goto('/reports');
  await expect(page.getByRole('heading', { name: m.reports.title, level: 1 })).toBeVisible();
  const row = page.getByTestId('report-table').getByRole('row').filter({ hasText: xu.name });
  await expect(row.getByRole('cell').nth(2)).toHaveText('2');
  // Bars when someone resolved a conversation in the range (other specs may have), else a sentence saying
  // nothing was resolved: never a chart of zeros.
  await expect(
    page
      .getByRole('img', { name: m.reports.chartLabel })
      .or(page.getByRole('heading', { name: m.reports.noneResolvedTitle })),
  ).toBeVisible();
  await expectAccessible();
  await shot('reports');
});
