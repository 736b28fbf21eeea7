/**
 * Every main screen in a 1024 px window (a laptop beside another window), in English and in Chinese: the
 * page itself never scrolls sideways, and a table wider than the room it has scrolls inside its own box
 * (ui/TableScroll.tsx) instead of pushing the screen past the window's edge. The data is seeded through
 * the API with what makes tables wide in real use: long names, long e-mail addresses, long file names.
 * On the Exports page a file's name keeps to one line and each row's Delete stays in sight at the right
 * edge of the table's box, scrolled or not; the duplicate scan's figures keep to one line; no e-mail or
 * phone in a table breaks inside a piece (the duplicates' pairs, the customers list). Each screen
 * is also shot at 1440 px for review (test-results/screens/<en|zh>/narrow-*.png, wide-*.png).
 */
import type { Locator, Page } from '@playwright/test';
import { csrfHeaders, expect, importFile, test } from './fixtures';
import { msg } from './messages';

test.describe.configure({ timeout: 240_000 });

const NARROW = { width: 1024, height: 768 };
const WIDE = { width: 1440, height: 900 };

async function api(page: Page, path: string, data: unknown) {
  const response = await page.request.post(path, { data, headers: await csrfHeaders(page) });
  expect(response.status(), `${path}: ${await response.text()}`).toBeLessThan(300);
  return response.json();
}

/** How many lines an element's text takes. */
function lineCount(element: Locator) {
  return element.evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
}

/**
 * The page is no wider than the window, and each table's scrolling box ends inside it. On failure, the
 * outermost elements that reach past the window's right edge are named.
 */
async function expectNoSidewaysScroll(page: Page, screen: string) {
  const layout = await page.evaluate(() => {
    const root = document.scrollingElement!;
    const edge = root.clientWidth;
    const past = (element: Element) => element.getBoundingClientRect().right > edge + 0.5;
    const name = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''} (right ${Math.round(element.getBoundingClientRect().right)})`;
    return {
      scrollWidth: root.scrollWidth,
      clientWidth: edge,
      past: [...document.body.querySelectorAll('*')]
        .filter((element) => past(element) && !(element.parentElement && past(element.parentElement)))
        .slice(0, 5)
        .map(name),
      boxes: [...document.querySelectorAll('.mantine-TableScrollContainer-scrollContainer')]
        .filter(past)
        .map(name),
      // A box that scrolls a table sideways never scrolls up and down as well (a second scrollbar),
      // unless it holds a long list with a sticky header: that box is no taller than the window below
      // the app's header, so the page shows it whole with both its scrollbars (ui/app.css).
      upAndDown: [...document.querySelectorAll('.mantine-Table-table')]
        .map((table) => ({
          box:
            table.parentElement!.closest('.mantine-TableScrollContainer-scrollContainer') ??
            table.parentElement!,
          list: table.classList.contains('kith-sticky-head'),
        }))
        .filter(
          ({ box, list }) =>
            getComputedStyle(box).overflowY !== 'visible' &&
            box.scrollHeight > box.clientHeight + 1 &&
            !(list && box.getBoundingClientRect().height <= window.innerHeight - 48),
        )
        .map(({ box }) => name(box)),
    };
  });
  expect.soft(layout.upAndDown, `${screen}: a table's box scrolls up and down`).toEqual([]);
  // Soft: a failure names every screen that scrolls, not only the first.
  expect.soft(layout.boxes, `${screen}: a table's scrolling box reaches past the window`).toEqual([]);
  expect
    .soft(
      layout.scrollWidth,
      `${screen}: the page scrolls sideways (${layout.scrollWidth} > ${layout.clientWidth}); past the edge: ${layout.past.join(', ')}`,
    )
    .toBeLessThanOrEqual(layout.clientWidth);
}

/**
 * Every e-mail and phone in the screen's tables keeps each piece on one line: an address wraps only
 * before its "@", a dot or a "+" (ui/Email.tsx), a phone not at all ("zhang.wei@exam / ple.com" in the
 * duplicates' pairs read as two words).
 */
async function expectWholeEmailsAndPhones(page: Page, screen: string) {
  const cut = await page
    .locator('.mantine-Table-td')
    .locator('.kith-email, .kith-phone')
    .evaluateAll((elements) => {
      const lines = (node: Node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      };
      return elements.flatMap((element) =>
        (element.classList.contains('kith-email')
          ? [...element.childNodes].filter((node) => node.nodeName !== 'WBR')
          : [element]
        )
          .filter((piece) => lines(piece) > 1)
          .map((piece) => piece.textContent ?? ''),
      );
    });
  expect.soft(cut, `${screen}: e-mails or phones cut inside a piece`).toEqual([]);
}

test('at 1024 px the work screens stay inside the window: customers, a customer, imports, duplicates, conversations, orders, exports', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const stamp = `${lang}${Date.now().toString(36)}`;
  const tag = `narrow-window-${stamp}`;
  // Phones are unique across the runs of both languages on one server (a phone belongs to one customer).
  const n = String(Date.now()).slice(-2);
  const [uk, cn] = lang === 'en' ? ['1', '3'] : ['5', '7'];
  // Long names and addresses, as a customer list from a shop or a CRM holds them.
  const people = [
    {
      name: `Maximiliana Wolkenstein-Trostburg von Hohenlohe-Langenburg ${stamp}`,
      email: `maximiliana.wolkenstein-trostburg.${stamp}@customer-relations.example.com`,
      phone: `+44 20 7946 0${uk}${n}`,
      company: 'Wolkenstein-Trostburg International Trading Company Limited',
      city: 'Kingston upon Thames',
      address: 'Flat 12, Brunswick House, 221 Richmond Road',
    },
    {
      name: `欧阳娜娜丽莎 ${stamp}`,
      email: `ouyang.nanalisha.${stamp}@department-of-customer-care.example.cn`,
      phone: `+86 138 ${cn}${n}4 5678`,
      company: '上海浦东新区国际贸易有限责任公司客户服务中心',
      city: '上海市浦东新区',
      address: '上海市浦东新区世纪大道1000号国际金融中心大厦三十八层',
    },
    {
      name: `Bartholomew Featherstonehaugh-Cholmondeley ${stamp}`,
      email: `b.featherstonehaugh-cholmondeley.${stamp}@mail.example.co.uk`,
      phone: `+44 161 496 0${uk}${n}`,
      company: 'Featherstonehaugh & Cholmondeley Antiquarian Booksellers',
      city: 'Newcastle upon Tyne',
      address: '7 Grey Street',
    },
  ];
  const contacts: { id: string }[] = [];
  for (const person of people)
    contacts.push(
      await api(page, '/api/contacts', { ...person, tags: [tag, 'wholesale-customers-north-east'] }),
    );
  // The same person twice, a pair the duplicate scan finds: the queue has a row and the panel its figures.
  for (const email of [
    `rosalind.pemberton-whitley.${stamp}@gmail.com`,
    `rpembertonwhitley${stamp}+shop@gmail.com`,
  ])
    await api(page, '/api/contacts', {
      name: `Rosalind Pemberton-Whitley ${stamp}`,
      email,
      birthday: '1957-04-12',
      city: 'Thirsk',
      address: '21 Millgate',
      postcode: 'YO7 1AA',
      tags: [tag],
    });
  const scan = await page.request.post('/api/duplicates/scans', {
    data: { wait: true },
    headers: await csrfHeaders(page),
  });
  expect(scan.status()).toBe(200);
  // Imports with long file names: one with hyphens to break at, one with none (another tool's export).
  const customersCsv = `email,name\r\nimported-${stamp}@example.com,Imported ${stamp}\r\n`;
  await importFile(page, `winter-campaign-2026-newsletter-sign-ups-${stamp}.csv`, customersCsv);
  await importFile(page, `customers_export_from_the_old_crm_system_${stamp}.csv`, customersCsv);
  // Orders of the long-named customers, with a long receiver address.
  const orderNumber = (k: number) => `NW${stamp.toUpperCase()}-${k}`;
  const ordersCsv = [
    'Order number,Customer email,Status,Paid,Created at,Receiver,Receiver address,Product,Qty',
    ...people.map(
      (person, k) =>
        `${orderNumber(k)},${person.email},paid,1288.50,2026-11-0${k + 1} 10:00,${person.name},"${person.address}, ${person.city}",Hand-thrown stoneware teapot with matching cups,1`,
    ),
  ].join('\r\n');
  await importFile(page, `shop-orders-november-2026-${stamp}.csv`, ordersCsv, {
    kind: 'orders',
    mapping: JSON.stringify({
      'Order number': 'order_number',
      'Customer email': 'customer.email',
      Status: 'status',
      Paid: 'paid_amount',
      'Created at': 'ordered_at',
      Receiver: 'receiver_name',
      'Receiver address': 'receiver_address',
      Product: 'item.title',
      Qty: 'item.quantity',
    }),
  });
  // A conversation with the longest-named customer.
  const inbox = await api(page, '/api/inboxes', { name: `Customer care (web chat) ${stamp}` });
  const conversation = await api(page, '/api/conversations', {
    inbox_id: inbox.id,
    contact_id: contacts[0]!.id,
    message:
      'Could you tell me when the stoneware teapot I ordered last week will be sent to my flat in Kingston?',
  });
  // An export of the tagged customers, with its filters spelt out on its row.
  const exported = await api(page, '/api/exports', {
    format: 'csv',
    filters: { tag, q: 'Wolkenstein-Trostburg', initial_source: 'manual' },
  });
  await expect
    .poll(async () => (await (await page.request.get(`/api/exports/${exported.id}`)).json()).state, {
      timeout: 30_000,
    })
    .toBe('done');

  const screens: { name: string; url: string; ready: () => Promise<void> }[] = [
    {
      name: 'customers',
      url: `/customers?tag=${tag}`,
      ready: () => expect(page.getByText(people[0]!.name)).toBeVisible(),
    },
    {
      name: 'customer',
      url: `/customers/${contacts[0]!.id}`,
      ready: () => expect(page.getByRole('heading', { level: 1 })).toContainText(people[0]!.name),
    },
    {
      name: 'imports',
      url: '/imports',
      ready: () =>
        expect(page.getByText(`customers_export_from_the_old_crm_system_${stamp}.csv`)).toBeVisible(),
    },
    {
      name: 'duplicates',
      url: '/duplicates',
      ready: async () => {
        // The last scan's four figures side by side: "Groups" had wrapped to a line of its own, 24 px
        // below the others.
        const labels = ['contacts', 'compared', 'pairs', 'clusters'].map((key) =>
          page.locator('[aria-labelledby="scan-title"]').getByText(msg(lang, `duplicates.scan.${key}`), {
            exact: true,
          }),
        );
        await expect(labels[3]!).toBeVisible();
        const tops = await Promise.all(
          labels.map(async (label) => Math.round((await label.boundingBox())!.y)),
        );
        expect.soft(new Set(tops).size, `duplicates: the figures' tops ${tops.join(', ')}`).toBe(1);
        // The pairs show their e-mails as addresses (ui/Email.tsx), which the check below reads.
        await expect(
          page
            .getByRole('table', { name: msg(lang, 'duplicates.label') })
            .locator('.kith-email')
            .first(),
        ).toBeVisible();
      },
    },
    {
      name: 'conversations',
      url: `/conversations?assignee=all&inbox=${inbox.id}`,
      ready: () => expect(page.getByText(people[0]!.name)).toBeVisible(),
    },
    {
      name: 'conversation',
      url: `/conversations/${conversation.id}`,
      ready: () => expect(page.getByTestId('customer-panel')).toBeVisible(),
    },
    {
      name: 'orders',
      url: '/orders',
      ready: () => expect(page.getByText(orderNumber(0))).toBeVisible(),
    },
    {
      name: 'exports',
      url: '/exports',
      ready: () => expect(page.getByTestId('export-row').first()).toBeVisible(),
    },
  ];
  for (const screen of screens) {
    await page.setViewportSize(NARROW);
    await page.goto(screen.url);
    await screen.ready();
    await page.waitForLoadState('networkidle');
    await expectNoSidewaysScroll(page, screen.name);
    await expectWholeEmailsAndPhones(page, screen.name);
    await expectAccessible();
    await page.mouse.move(0, 0);
    await shot(`narrow-${screen.name}`);
    await page.setViewportSize(WIDE);
    await expectWholeEmailsAndPhones(page, `${screen.name} at 1440 px`);
    await shot(`wide-${screen.name}`);
  }

  // Exports: the newest export's file name on one line, and its Delete in sight at the right edge of the
  // table's box, the columns that do not fit scrolling under it (it was 80 px behind the box's edge).
  await page.setViewportSize(NARROW);
  const row = page.getByTestId('export-row').first();
  await expect(row).toContainText(exported.file_name);
  // "contacts-2026-" over "12-07.csv" read as two names.
  const file = row.getByRole('link', {
    name: msg(lang, 'exports.page.downloadFile', { file: exported.file_name }),
  });
  expect.soft(await lineCount(file), 'exports: lines of the file name').toBe(1);
  const remove = row.getByRole('button', {
    name: msg(lang, 'exports.page.deleteNamed', { file: exported.file_name }),
  });
  const inBox = () =>
    remove.evaluate((button) => {
      const box = button.closest('.mantine-TableScrollContainer-scrollContainer')!.getBoundingClientRect();
      const rect = button.getBoundingClientRect();
      return rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5;
    });
  expect(await inBox(), 'Delete inside the table’s visible box before it is scrolled').toBe(true);
  await expect(remove).toBeInViewport({ ratio: 1 });
  // Scrolled to its end, the box still shows it, and the page has not moved sideways.
  await page
    .getByRole('region', { name: msg(lang, 'exports.page.title') })
    .evaluate((box) => box.scrollTo({ left: box.scrollWidth }));
  expect(await inBox(), 'Delete inside the table’s visible box once it is scrolled').toBe(true);
  await expect(remove).toBeInViewport({ ratio: 1 });
  await page.mouse.move(0, 0);
  await shot('narrow-exports-scrolled');
  await expectNoSidewaysScroll(page, 'exports, scrolled');
});

test('at 1024 px the admin screens stay inside the window: automation, reports and every settings screen', async ({
  page,
  lang,
  signIn,
  shot,
  expectAccessible,
}) => {
  await signIn('admin');
  const stamp = `${lang}${Date.now().toString(36)}`;
  await api(page, '/api/rules', {
    name: `Mark wholesale orders from the north-east as urgent and tell the team lead ${stamp}`,
    event: 'conversation_created',
    conditions: { all: [{ attribute: 'priority', operator: 'equal_to', value: 'high' }] },
    actions: [{ action: 'add_label', labels: ['wholesale-customers-north-east'] }],
  });
  await api(page, '/api/webhooks', {
    url: `https://hooks.integration-platform.example.com/workflows/customer-data-hub/${stamp}/incoming`,
    events: ['import.completed'],
  });
  await api(page, '/api/tokens', { name: `Nightly warehouse synchronisation (reporting) ${stamp}` });
  await api(page, '/api/attributes', {
    key: `loyalty_programme_membership_${stamp}`,
    label: `Loyalty programme membership level ${stamp}`,
    type: 'text',
  });

  const screens = [
    'automation',
    'reports',
    ...[
      'profile',
      'users',
      'tokens',
      'identity-types',
      'attributes',
      'tags',
      'webhooks',
      'matching',
      'inboxes',
      'teams',
      'agents',
      'audit',
      'sync',
    ].map((name) => `settings/${name}`),
  ];
  for (const screen of screens) {
    await page.setViewportSize(NARROW);
    await page.goto(`/${screen}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSidewaysScroll(page, screen);
    await expectAccessible();
    await page.mouse.move(0, 0);
    const name = screen.replace('/', '-');
    await shot(`narrow-${name}`);
    await page.setViewportSize(WIDE);
    await shot(`wide-${name}`);
  }
});
