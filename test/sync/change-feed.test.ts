import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { contactContentHash } from '../../src/domain/contact/contact-content-hash.js';
import { newId } from '../../src/domain/ids.js';
import { type ChangeFeedEntry, readChangeFeed, undoChange } from '../../src/sync/change-feed.js';
import { contactWebhooks } from '../../src/sync/webhooks/contact-webhooks.js';
import type { ContactChangeEvent } from '../../src/contacts/contact-events.js';
import { runCli } from '../support/run-cli.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

const ACTOR: Actor = { userId: null, channel: 'api' };

describe('undoing a change (pure)', () => {
  it.each([
    [{ name: 'B' }, [{ field: 'name', old: 'A', new: 'B' }], { name: 'A' }],
    [{ tags: ['x', 'y'] }, [{ field: 'tags', old: ['x'], new: ['x', 'y'] }], { tags: ['x'] }],
    [
      { identities: { crm: '2', qq: '9' } },
      [
        { field: 'identities.crm', old: '1', new: '2' },
        { field: 'identities.qq', old: null, new: '9' },
      ],
      { identities: { crm: '1' } },
    ],
    [
      { attributes: { level: 2 } },
      [{ field: 'attributes.level', old: 1, new: 2 }],
      { attributes: { level: 1 } },
    ],
    [{ name: 'A' }, [{ field: 'deleted_at', old: null, new: '2026-12-01T00:00:00Z' }], { name: 'A' }],
  ])('%j undoing %j is %j', (after, changes, before) => {
    expect(undoChange({ ...emptyContactState(), ...after }, changes)).toEqual({
      ...emptyContactState(),
      ...before,
    });
  });
});

describe('contact webhook payloads (pure)', () => {
  it('carry the feed cursor and hash of each change', () => {
    const event = {
      seq: 42,
      contact_id: 'ct_1',
      kind: 'updated',
      changes: [{ field: 'name', old: 'A', new: 'B' }],
      survivor_id: null,
      origin: 'api',
      content_hash: 'ab'.repeat(32),
      at: '2026-12-01T00:00:00.000Z',
    } as unknown as ContactChangeEvent;
    expect(contactWebhooks([event])).toEqual([
      {
        event: 'contact.updated',
        data: {
          contacts: [
            expect.objectContaining({ id: 'ct_1', cursor: '42', hash: 'ab'.repeat(32), fields: ['name'] }),
          ],
        },
      },
    ]);
  });
});

describe(`change feed on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  async function readAll(after?: string, limit = 3): Promise<ChangeFeedEntry[]> {
    const all: ChangeFeedEntry[] = [];
    for (let cursor = after; ;) {
      const page = await readChangeFeed(kith.store, cursor, limit);
      all.push(...page.data);
      cursor = page.next_cursor;
      if (!page.has_more) return all;
    }
  }

  it('gives each change the contact as it was right after it, and tombstones', async () => {
    const start = (await readChangeFeed(kith.store, undefined, 10_000)).next_cursor;
    const a = await kith.contacts.create({ name: '王伟', email: 'ww@feed.example', tags: ['VIP'] }, ACTOR);
    await kith.contacts.update(a.id, { name: '王伟 (杭州)', city: '杭州' }, ACTOR);
    await kith.contacts.update(a.id, { attributes: {}, tags: ['VIP', '回访'] }, ACTOR);
    const b = await kith.contacts.create({ name: 'Li', phone: '13800138000' }, ACTOR);
    const c = await kith.contacts.create({ name: 'Li too', email: 'li2@feed.example' }, ACTOR);
    await kith.merges.merge({ survivorId: b.id, contactIds: [c.id] }, ACTOR);
    await kith.contacts.delete(a.id, ACTOR);

    const entries = await readAll(start);
    expect(entries.map((e) => [e.contact_id, e.kind])).toEqual([
      [a.id, 'created'],
      [a.id, 'updated'],
      [a.id, 'updated'],
      [b.id, 'created'],
      [c.id, 'created'],
      [c.id, 'merged_into'],
      [b.id, 'updated'],
      [a.id, 'deleted'],
    ]);
    for (const e of entries.filter((x) => x.contact)) {
      expect(e.contact_state).toBe('after_change');
      expect(contactContentHash(e.contact!)).toBe(e.hash);
    }
    expect(entries[0]!.contact).toMatchObject({ name: '王伟', city: null, tags: ['VIP'] });
    expect(entries[1]!.contact).toMatchObject({ name: '王伟 (杭州)', city: '杭州', tags: ['VIP'] });
    expect(entries[1]!.changed_fields).toEqual(['name', 'city']);
    expect(entries[2]!.contact!.tags).toEqual(['VIP', '回访']);
    expect(entries[5]).toMatchObject({ contact: null, survivor_id: b.id, contact_state: null });
    expect(entries[6]!.contact).toMatchObject({ id: b.id, email: 'li2@feed.example' });
    expect(entries[7]).toMatchObject({ kind: 'deleted', contact: null });
    // Nothing new: the cursor stays where it was.
    const end = entries.at(-1)!.cursor;
    expect(await readChangeFeed(kith.store, end)).toEqual({ data: [], next_cursor: end, has_more: false });
    await expect(readChangeFeed(kith.store, 'abc')).rejects.toThrow(/after: is not a cursor/);
  });

  /**
   * Writers whose transactions append and then wait a random while before committing, so they commit
   * in another order than they began; a reader follows cursors all along. It must end with every
   * entry exactly once.
   */
  it('never skips or repeats a change under concurrent writers committing out of order', async () => {
    const start = (await readChangeFeed(kith.store, undefined, 10_000)).next_cursor;
    const seen: string[] = [];
    let writing = true;
    const reader = (async () => {
      let cursor = start;
      for (;;) {
        const done = !writing;
        const page = await readChangeFeed(kith.store, cursor, 5);
        seen.push(...page.data.map((e) => e.cursor));
        cursor = page.next_cursor;
        if (done && !page.has_more) return;
        if (!page.has_more) await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const writer = async (w: number) => {
      for (let i = 0; i < 8; i++)
        await kith.store.db.transaction().execute(async (trx) => {
          const session = kith.contacts.writer.session(trx, ACTOR);
          await session.create([
            { id: newId('contact'), state: { ...emptyContactState(), name: `w${w}-${i}` } },
          ]);
          await session.finish();
          await new Promise((r) => setTimeout(r, Math.random() * 15));
        });
    };
    await Promise.all([0, 1, 2, 3, 4].map(writer));
    writing = false;
    await reader;
    const all = (await readAll(start, 1000)).map((e) => e.cursor);
    expect(all).toHaveLength(40);
    expect(seen).toEqual(all);
  });

  it.runIf(TEST_DIALECT === 'postgres')(
    'does not let a cursor pass a change whose transaction has not committed',
    async () => {
      const start = (await readChangeFeed(kith.store, undefined, 10_000)).next_cursor;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let firstAppended!: () => void;
      const appended = new Promise<void>((r) => (firstAppended = r));
      const create = (name: string, afterAppend: () => Promise<void>) =>
        kith.store.db.transaction().execute(async (trx) => {
          const session = kith.contacts.writer.session(trx, ACTOR);
          await session.create([{ id: newId('contact'), state: { ...emptyContactState(), name } }]);
          await session.finish();
          await afterAppend();
        });
      const first = create('first', async () => {
        firstAppended();
        await held;
      });
      await appended;
      let secondCommitted = false;
      const second = create('second', async () => {}).then(() => (secondCommitted = true));
      await new Promise((r) => setTimeout(r, 300));
      // The second writer waits for the first to commit before it can take a place in the log.
      expect(secondCommitted).toBe(false);
      expect((await readChangeFeed(kith.store, start)).data).toEqual([]);
      release();
      await Promise.all([first, second]);
      const names = (await readChangeFeed(kith.store, start)).data.map((e) => e.contact!.name);
      expect(names).toEqual(['first', 'second']);
    },
  );
});

describe(`GET /api/changes on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ admin, agent } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('pages the feed by cursor and refuses a bad one', async () => {
    const created = await api(server.baseUrl, 'POST', '/api/contacts', {
      token: admin,
      body: { name: '张三', email: 'zs@feed.example' },
    });
    await api(server.baseUrl, 'PATCH', `/api/contacts/${created.body.id}`, {
      token: admin,
      body: { city: '北京' },
    });
    const first = await api(server.baseUrl, 'GET', '/api/changes?limit=1', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      has_more: true,
      data: [{ contact_id: created.body.id, kind: 'created' }],
    });
    const rest = await api(server.baseUrl, 'GET', `/api/changes?after=${first.body.next_cursor}`, {
      token: admin,
    });
    expect(rest.body.data).toEqual([
      expect.objectContaining({
        kind: 'updated',
        changed_fields: ['city'],
        contact: expect.objectContaining({ city: '北京' }),
        origin: 'api',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect((await api(server.baseUrl, 'GET', '/api/changes?after=x', { token: admin })).status).toBe(400);
    // A cursor past the latest change would skip everything up to it without a word: refused.
    const latest = Number(rest.body.next_cursor);
    const ahead = await api(server.baseUrl, 'GET', `/api/changes?after=${latest + 1000}`, { token: admin });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.details).toMatchObject({ field: 'after', value: String(latest + 1000) });
    expect(ahead.body.error.message).toContain('past the latest change');
    // The latest itself is a cursor a follower holds: nothing new, not an error.
    const caughtUp = await api(server.baseUrl, 'GET', `/api/changes?after=${latest}`, { token: admin });
    expect(caughtUp.status).toBe(200);
    expect(caughtUp.body).toMatchObject({ data: [], next_cursor: String(latest) });
    // kith changes: every entry after the cursor, one JSON line each, the next cursor on stderr.
    const cli = await runCli(
      ['changes', '--after', first.body.next_cursor, '--limit', '1', '--json'],
      server.kith.database.env,
    );
    expect(cli.code).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; cursor: string });
    expect(lines.map((l) => l.kind)).toEqual(['updated']);
    expect(cli.stderr).toBe(`next cursor: ${lines[0]!.cursor}\n`);
    expect((await api(server.baseUrl, 'GET', '/api/changes', { token: agent })).status).toBe(403);
  });

  it('leaves the contact out with include=none and names the next page in a Link header', async () => {
    const start = (await api(server.baseUrl, 'GET', '/api/changes?limit=10000', { token: admin })).body
      .next_cursor as string;
    const made = [];
    for (const name of ['李四', '王五', '赵六'])
      made.push(
        (await api(server.baseUrl, 'POST', '/api/contacts', { token: admin, body: { name } })).body.id,
      );
    const first = await api(server.baseUrl, 'GET', `/api/changes?after=${start}&limit=2&include=none`, {
      token: admin,
    });
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: { contact_id: string }) => e.contact_id)).toEqual(made.slice(0, 2));
    for (const entry of first.body.data) {
      expect(entry).not.toHaveProperty('contact');
      expect(entry).not.toHaveProperty('contact_state');
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // The next page's address, with the same limit and include, before the body is read.
    const link = first.headers.get('link');
    expect(link).toBe(`</api/changes?after=${first.body.next_cursor}&limit=2&include=none>; rel="next"`);
    const next = await api(server.baseUrl, 'GET', /<([^>]+)>/.exec(link!)![1]!, { token: admin });
    expect(next.body.data.map((e: { contact_id: string }) => e.contact_id)).toEqual([made[2]]);
    expect(next.body.has_more).toBe(false);
    expect(next.headers.get('link')).toBeNull();
    // The same entries with their contacts carry the same hashes.
    const full = await api(server.baseUrl, 'GET', `/api/changes?after=${start}&limit=2`, { token: admin });
    expect(full.body.data.map((e: { hash: string }) => e.hash)).toEqual(
      first.body.data.map((e: { hash: string }) => e.hash),
    );
    expect(full.body.data[0].contact).toMatchObject({ name: '李四' });
    const bad = await api(server.baseUrl, 'GET', '/api/changes?include=all', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('include');
    // kith changes --json --no-contact: the same entries, no contact.
    const cli = await runCli(
      ['changes', '--after', start, '--json', '--no-contact'],
      server.kith.database.env,
    );
    expect(cli.code).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.contact_id)).toEqual(made);
    expect(lines.every((l) => !('contact' in l))).toBe(true);
  });
});
