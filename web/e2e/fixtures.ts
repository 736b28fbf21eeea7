/**
 * What every browser test shares: the servers' addresses, signing in as admin or agent, a screenshot of
 * each main screen per language (test-results/screens/<en|zh>/), an axe-core check that fails on
 * serious or critical violations, and a page that fails the test on any console error, which includes
 * an untranslated key (the app reports those on the console).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test as base } from '@playwright/test';
import { ADMIN, AGENT } from './global-setup';

export { expect };
export type Role = 'admin' | 'agent';

export const mainUrl = () => process.env.KITH_E2E_URL!;

/** The header a cookie-authenticated write needs: the page's `kith_csrf` cookie as X-CSRF-Token. */
export async function csrfHeaders(page: Page): Promise<Record<string, string>> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'kith_csrf');
  return cookie ? { 'X-CSRF-Token': decodeURIComponent(cookie.value) } : {};
}
/** A file imported through the API (a customer list, or a shop's orders with `mapping`), waited for. */
export async function importFile(page: Page, name: string, csv: string, fields: Record<string, string> = {}) {
  const started = await page.request.post('/api/imports', {
    headers: await csrfHeaders(page),
    multipart: { file: { name, mimeType: 'text/csv', buffer: Buffer.from(csv) }, ...fields },
  });
  expect(started.status(), await started.text()).toBe(202);
  const { id } = (await started.json()) as { id: string };
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/imports/${id}`)).json()) as { status: string }).status,
      {
        timeout: 60_000,
      },
    )
    .toBe('completed');
  return id;
}

export const freshUrl = () => process.env.KITH_E2E_FRESH_URL!;

interface Fixtures {
  lang: 'en' | 'zh';
  consoleErrors: string[];
  signIn: (role: Role) => Promise<void>;
  /**
   * A screenshot for review once the network is idle; `{ idle: false }` takes it at once (a test that
   * holds a request open, which keeps the network busy).
   */
  shot: (name: string, options?: { idle?: boolean }) => Promise<void>;
  expectAccessible: (options?: { exclude?: string[] }) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => use(mainUrl()),
  lang: async ({}, use, info) => use(info.project.name === 'zh' ? 'zh' : 'en'),
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      // Refused requests the test provokes on purpose show as "Failed to load resource": those are fine.
      const real = errors.filter((text) => !text.startsWith('Failed to load resource'));
      expect(real, 'console errors (untranslated keys, exceptions, CSP refusals)').toEqual([]);
    },
    { auto: true },
  ],
  signIn: async ({ page }, use) => {
    await use(async (role) => {
      const who = role === 'admin' ? ADMIN : AGENT;
      const response = await page.request.post('/api/auth/login', { data: who });
      expect(response.status()).toBe(200);
    });
  },
  shot: async ({ page, lang }, use) => {
    await use(async (name, { idle = true } = {}) => {
      if (idle) await page.waitForLoadState('networkidle');
      await page.screenshot({
        path: `test-results/screens/${lang}/${name}.png`,
        fullPage: false,
        animations: 'disabled',
      });
    });
  },
  expectAccessible: async ({ page }, use) => {
    await use((options = {}) => expectAccessiblePage(page, options));
  },
});

/** axe-core on any page (a second browser's too): no serious or critical WCAG 2.1 AA violation. */
export async function expectAccessiblePage(page: Page, options: { exclude?: string[] } = {}) {
  // Legacy mode runs axe.run in the page itself. The default runs it per frame and then again in a
  // blank page it opens for each check, which cost about 0.7 s more a check (84 checks a language);
  // the app has no frames (its CSP allows none), so nothing goes untested.
  let builder = new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .setLegacyMode();
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  let serious: Awaited<ReturnType<AxeBuilder['analyze']>>['violations'] = [];
  // A toast that closes on its timer while axe reads the page fades out under it (CI saw a notification's
  // contrast measured mid-fade): when something started moving during the analysis, it is measured again
  // once the page is still.
  for (let attempt = 0; attempt < 3; attempt++) {
    await animationsSettled(page);
    await page.evaluate(() => {
      const w = window as unknown as { __kithMoved?: boolean };
      w.__kithMoved = false;
      const moved = () => (w.__kithMoved = true);
      for (const kind of ['transitionstart', 'animationstart'])
        document.addEventListener(kind, moved, { capture: true, once: true });
    });
    const result = await builder.analyze();
    serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const moved = await page.evaluate(() => (window as unknown as { __kithMoved?: boolean }).__kithMoved);
    if (serious.length === 0 || !moved) break;
  }
  expect(
    serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/**
 * A toast or dialog still fading in is measured at part opacity, and axe reports its text's contrast
 * wrongly (CI saw it once). Wait two frames, so a transition about to start has started, then for every
 * finite animation to end; spinners repeat forever and are left alone.
 */
async function animationsSettled(page: Page) {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  await page.waitForFunction(
    () =>
      document
        .getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
    undefined,
    { timeout: 5_000 },
  );
}

/**
 * How an e-mail address (ui/Email.tsx) lies on screen: whether it wraps, and the pieces (split before
 * "@" and dots) that a line break cuts in two — a reader must never see "wang.xiaom / ing@…".
 */
export async function emailLayout(address: Locator): Promise<{ wrapped: boolean; cut: string[] }> {
  return address.evaluate((element) => {
    const lines = (node: Node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    };
    const pieces = [...element.childNodes].filter((node) => node.nodeName !== 'WBR');
    return {
      wrapped: lines(element) > 1,
      cut: pieces.filter((node) => lines(node) > 1).map((node) => node.textContent ?? ''),
    };
  });
}
