import { createVCard, deleteVCard, fetchVCards, updateVCard } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import type { SyncConnection, SyncRun } from '../../src/sync/carddav/sync-connection-service.js';
import { createAddressBook, startRadicale, type TestRadicale } from '../support/radicale.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

/**
 * The CardDAV connector against a real Radicale, on the store under test (SQLite, or PostgreSQL with
 * KITH_TEST_DATABASE_URL): both directions through creates, updates, deletes and a merge, no echo,
 * unknown properties kept, and a conflict under each policy.
 */
const API: Actor = { userId: null, channel: 'api' };
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

describe('CardDAV sync against Radicale', () => {
  let radicale: TestRadicale;
  let kith: TestKith;
  beforeAll(async () => {
    radicale = await startRadicale();
    // Radicale listens on 127.0.0.1: the outbound guard refuses it unless allowed, as here.
    kith = await createTestKith({ KITH_SECRET_KEY: TEST_SECRET_KEY, KITH_OUTBOUND_ALLOW: '127.0.0.1' });
  });
  afterAll(async () => {
    await kith?.destroy();
    await radicale?.stop();
  });

  const headers = () => ({ authorization: radicale.authorization });

  async function connect(book: string, extra: Record<string, unknown> = {}): Promise<SyncConnection> {
    const url = await createAddressBook(radicale, book);
    return kith.sync.create({ url, username: radicale.user, password: radicale.password, ...extra }, API);
  }

  async function run(connectionId: string): Promise<SyncRun> {
    const { run } = await kith.sync.startRun(connectionId, API);
    const runner = kith.jobs.runner();
    await runner.runOnce({ subjectId: run.id });
    return kith.sync.getRun(run.id);
  }

  async function cards(connection: SyncConnection) {
    return fetchVCards({ addressBook: { url: connection.collection_url }, headers: headers() });
  }

  /** The card holding this e-mail (every connection gets every customer of the one store). */
  async function cardOf(connection: SyncConnection, email: string) {
    const card = (await cards(connection)).find((v) => String(v.data).includes(email));
    if (!card) throw new Error(`no card with ${email}`);
    return card;
  }

  it('keeps both sides in step: creates, updates, deletes, a merge; no echo; unknown properties kept', async () => {
    const c = await connect('both-ways');
    const wang = await kith.contacts.create(
      { name: '王伟', email: 'wang@example.com', phone: '+8613800138000', tags: ['VIP'] },
      API,
    );
    const li = await kith.contacts.create({ name: '李娜', email: 'li@example.com' }, API);
    await createVCard({
      addressBook: { url: c.collection_url },
      filename: 'remote-1.vcf',
      vCardString:
        'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:remote-1\r\nFN:Zhang San\r\nEMAIL:zhang@example.com\r\nX-PHONETIC:zhang\r\nNOTE:met at the fair\r\nEND:VCARD\r\n',
      headers: headers(),
    });

    const first = await run(c.id);
    expect(first.state).toBe('done');
    expect(first.counts).toMatchObject({ pulled_created: 1, pushed_created: 2, conflicts: 0, failed: 0 });
    let remote = await cards(c);
    expect(remote).toHaveLength(3);
    const zhang = (await kith.contacts.list({ q: 'zhang@example.com' })).data[0]!;
    expect(zhang).toMatchObject({ name: 'Zhang San', identities: { carddav_uid: 'remote-1' } });
    // The contact came in through the contacts service as this connection: its history says so.
    const history = await kith.changes.read(undefined, 100);
    expect(history.data.find((e) => e.contact_id === zhang.id)?.origin).toBe(`sync:${c.id}`);

    // Nothing changed: a second run sends and takes nothing (the pulled contact is not echoed back).
    const quiet = await run(c.id);
    expect(quiet.counts).toMatchObject({
      pulled_created: 0,
      pulled_updated: 0,
      pushed_created: 0,
      pushed_updated: 0,
    });
    expect(quiet.counts.echoes_skipped).toBe(0);
    expect(quiet.counts.requests).toBe(1);

    // Kith → server: an update keeps the card's unknown properties; a delete deletes the card.
    await kith.contacts.update(zhang.id, { city: '杭州' }, API);
    await kith.contacts.delete(li.id, API);
    // Server → Kith: an edit of Wang's card.
    const wangCard = (await cards(c)).find((v) => String(v.data).includes('wang@example.com'))!;
    await updateVCard({
      vCard: { ...wangCard, data: String(wangCard.data).replace('FN:王伟', 'FN:王伟伟') },
      headers: headers(),
    });
    const second = await run(c.id);
    expect(second.counts).toMatchObject({
      pulled_updated: 1,
      pushed_updated: 1,
      pushed_deleted: 1,
      conflicts: 0,
    });
    remote = await cards(c);
    expect(remote).toHaveLength(2);
    const zhangCard = String(remote.find((v) => String(v.data).includes('UID:remote-1'))!.data);
    expect(zhangCard).toContain('杭州');
    expect(zhangCard).toContain('X-PHONETIC:zhang');
    expect(zhangCard).toContain('NOTE:met at the fair');
    expect((await kith.contacts.get(wang.id)).name).toBe('王伟伟');
    // Wang's change from the server is not sent back.
    expect(second.counts.echoes_skipped).toBe(1);
    const third = await run(c.id);
    expect(third.counts).toMatchObject({ pushed_updated: 0, pulled_updated: 0 });

    // Server deletes Zhang's card: the contact is deleted in Kith.
    const zc = (await cards(c)).find((v) => String(v.data).includes('UID:remote-1'))!;
    await deleteVCard({ vCard: zc, headers: headers() });
    const fourth = await run(c.id);
    expect(fourth.counts.pulled_deleted).toBe(1);
    await expect(kith.contacts.get(zhang.id)).rejects.toThrow(/does not exist/);

    // A merge in Kith: the merged card is deleted, the survivor's card updated.
    const a = await kith.contacts.create({ name: 'Ada', email: 'ada@example.com' }, API);
    const b = await kith.contacts.create({ name: 'Ada L.', phone: '+8613900139000' }, API);
    await run(c.id);
    expect(await cards(c)).toHaveLength(3);
    await kith.merges.merge({ survivorId: a.id, contactIds: [a.id, b.id] }, API);
    const afterMerge = await run(c.id);
    expect(afterMerge.counts).toMatchObject({ pushed_deleted: 1, pushed_updated: 1 });
    remote = await cards(c);
    expect(remote).toHaveLength(2);
    const adaCard = String(remote.find((v) => String(v.data).includes('ada@example.com'))!.data);
    expect(adaCard).toContain('+8613900139000');
  });

  it('a card matched to a customer Kith already had fills it, and the card learns what only Kith knew', async () => {
    const c = await connect('first-match');
    const known = await kith.contacts.create(
      { name: '赵六', email: 'zhao@example.com', phone: '+8613700137000', city: '成都' },
      API,
    );
    await createVCard({
      addressBook: { url: c.collection_url },
      filename: 'zhao.vcf',
      vCardString:
        'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:zhao\r\nFN:赵六\r\nEMAIL:zhao@example.com\r\nORG:Zhao Tea\r\nX-KEEP:me\r\nEND:VCARD\r\n',
      headers: headers(),
    });
    const first = await run(c.id);
    expect(first.counts.failed).toBe(0);
    expect(await kith.contacts.get(known.id)).toMatchObject({
      company: 'Zhao Tea',
      phone: '+8613700137000',
      city: '成都',
      identities: { carddav_uid: 'zhao' },
    });
    const zhao = (await cards(c)).filter((v) => String(v.data).includes('zhao@example.com'));
    expect(zhao).toHaveLength(1);
    expect(String(zhao[0]!.data)).toContain('+8613700137000');
    expect(String(zhao[0]!.data)).toContain('成都');
    expect(String(zhao[0]!.data)).toContain('X-KEEP:me');
    const next = await run(c.id);
    expect(next.counts).toMatchObject({ pushed_updated: 0, pulled_updated: 0, conflicts: 0 });
  });

  it.each([
    ['kith-wins', 'Kith side', 'kith'],
    ['remote-wins', 'Server side', 'remote'],
    ['newest', 'Server side', 'remote'],
  ] as const)(
    'a change on both sides under %s keeps the %s and records both',
    async (policy, name, winner) => {
      const c = await connect(`conflict-${policy}`, { conflict_policy: policy });
      const contact = await kith.contacts.create({ name: 'Original', email: `${policy}@example.com` }, API);
      await run(c.id);
      await kith.contacts.update(contact.id, { name: 'Kith side' }, API);
      const card = await cardOf(c, `${policy}@example.com`);
      // A REV after Kith's change: under `newest` the server's edit is the later one.
      const later = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      await updateVCard({
        vCard: { ...card, data: String(card.data).replace('FN:Original', `FN:Server side\r\nREV:${later}`) },
        headers: headers(),
      });
      const result = await run(c.id);
      expect(result.counts.conflicts).toBe(1);
      expect((await kith.contacts.get(contact.id)).name).toBe(name);
      const after = await cardOf(c, `${policy}@example.com`);
      expect(String(after.data)).toContain(`FN:${name}`);
      const [conflict] = await kith.sync.conflicts({ connectionId: c.id });
      expect(conflict).toMatchObject({ policy, winner, contact_id: contact.id });
      expect(conflict!.kith_version).toMatchObject({ name: 'Kith side' });
      expect(conflict!.remote_version).toContain('FN:Server side');
      // The card read as the sync reads it, field by field beside Kith's (the web app compares them).
      expect(conflict!.remote_fields).toMatchObject({ name: 'Server side', email: `${policy}@example.com` });
      expect(conflict!.remote_fields).not.toHaveProperty('identities');
      // Settled: the next run finds both sides in step.
      const next = await run(c.id);
      expect(next.counts).toMatchObject({ conflicts: 0, pushed_updated: 0, pulled_updated: 0 });
    },
  );

  it('a write the server refuses with 412 (changed since read) is a conflict under the policy', async () => {
    const c = await connect('stale-etag', { conflict_policy: 'kith-wins', direction: 'to-remote' });
    const contact = await kith.contacts.create({ name: 'Before', email: 'stale@example.com' }, API);
    await run(c.id);
    const card = await cardOf(c, 'stale@example.com');
    await updateVCard({
      vCard: { ...card, data: String(card.data).replace('FN:Before', 'FN:Server edit') },
      headers: headers(),
    });
    await kith.contacts.update(contact.id, { name: 'Kith edit' }, API);
    const result = await run(c.id);
    expect(result.counts).toMatchObject({ conflicts: 1, pushed_updated: 1 });
    expect(String((await cardOf(c, 'stale@example.com')).data)).toContain('FN:Kith edit');
    const [conflict] = await kith.sync.conflicts({ connectionId: c.id });
    expect(conflict!.remote_version).toContain('FN:Server edit');
  });
});
