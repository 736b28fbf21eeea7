/**
 * One writer for every contact write: each path (API create/update/delete, CLI, import, undo, merge,
 * unmerge, batch delete, restore, a conversation's find-or-create) appends exactly the expected
 * change-log entries in order, each with the hash of the contact read back; the events reach rules and
 * webhooks from every path; a capability registered only here is carried by merge and brought back.
 */
import http from 'node:http';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContactChangeEntry, readContactChanges } from '../../src/contacts/contact-change-log.js';
import { loadContacts } from '../../src/contacts/contact-repository.js';
import { SYSTEM_ACTOR, type Actor } from '../../src/domain/actor.js';
import { canonicalContactForm, contactContentHash } from '../../src/domain/contact/contact-content-hash.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import type { Queryable } from '../../src/store/transaction.js';
import { HOLDER_PASSES, TagService } from '../../src/segments/tag-service.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const api: Actor = { userId: null, channel: 'api' };
/** printf '%s' '[null,null,null,null,[],null,[],null,null,null,null,null,null,null,null,[],null,null,null,[],[]]' | sha256sum */
const EMPTY_FORM_SHA256 = 'b13969dddb95e3ad9bc358da7ee9559f81ef2d8b3d320a2d77cfff04a468c4fb';

describe('the canonical form and its hash (pure)', () => {
  it('is defined by values, not by order of sets or by Kith timestamps', () => {
    const a = {
      ...emptyContactState(),
      name: '张伟',
      email: 'wei@example.com',
      additional_emails: ['b@example.com', 'a@example.com'],
      tags: ['vip', 'Beijing'],
      identities: { wechat_openid: 'o1', external_id: 'CRM-1' },
      attributes: { tier: 'gold', score: 3, active: true },
    };
    const b = {
      ...a,
      tags: ['Beijing', 'vip'],
      identities: { external_id: 'CRM-1', wechat_openid: 'o1' },
      attributes: { active: true, score: 3, tier: 'gold' },
    };
    expect(contactContentHash(a)).toBe(contactContentHash(b));
    expect(contactContentHash({ ...a, id: 'ct_1', created_at: 'x', updated_at: 'y' } as typeof a)).toBe(
      contactContentHash(a),
    );
    // The order of additional e-mails is part of the record; a number is not its text.
    expect(contactContentHash({ ...a, additional_emails: ['a@example.com', 'b@example.com'] })).not.toBe(
      contactContentHash(a),
    );
    expect(contactContentHash({ ...a, attributes: { ...a.attributes, score: '3' } })).not.toBe(
      contactContentHash(a),
    );
    expect(canonicalContactForm(emptyContactState())).toBe(
      '[null,null,null,null,[],null,[],null,null,null,null,null,null,null,null,[],null,null,null,[],[]]',
    );
    expect(canonicalContactForm(a)).toBe(
      '["张伟",null,null,"wei@example.com",["b@example.com","a@example.com"],null,[],null,null,null,null,' +
        'null,null,null,null,["Beijing","vip"],null,null,null,[["external_id","CRM-1"],["wechat_openid","o1"]],' +
        '[["active",true],["score",3],["tier","gold"]]]',
    );
    // Known answer: printf '%s' '<the empty form above>' | sha256sum
    expect(contactContentHash(emptyContactState())).toBe(EMPTY_FORM_SHA256);
  });
});

describe(`the contact change log on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let cursor = 0;
  let receiver: http.Server;
  const received: { event: string; body: Record<string, unknown> }[] = [];

  /** The entries written since the last call, in order. */
  async function next(): Promise<ContactChangeEntry[]> {
    const entries = await readContactChanges(kith.store, cursor, 100_000);
    if (entries.length > 0) cursor = entries.at(-1)!.seq;
    return entries;
  }

  /** Each entry's hash equals a recomputation from the contact as stored now (when it is the last). */
  async function expectHashesOfStored(db: Queryable, entries: ContactChangeEntry[]) {
    const last = new Map(entries.map((e) => [e.contact_id, e]));
    const stored = await loadContacts(db, [...last.keys()], { includeDeleted: true });
    for (const [id, entry] of last) expect(entry.content_hash, id).toBe(contactContentHash(stored.get(id)!));
  }

  const summary = (entries: ContactChangeEntry[]) => entries.map((e) => [e.kind, e.contact_id, e.origin]);

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ event: String(req.headers['x-kith-event']), body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/kith`;
    kith = await createTestKith({ KITH_OUTBOUND_ALLOW: '127.0.0.1' });
    await kith.webhooks.create({ url, events: ['contact.merged', 'contact.created', 'contact.deleted'] });
  });
  afterAll(async () => {
    await kith.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('API create, update, delete: one entry each, numbered in order, hashes of what is stored', async () => {
    const c = await kith.contacts.create({ name: 'Ann', email: 'ann@log.example', tags: ['VIP'] }, api);
    await kith.contacts.update(c.id, { city: '上海' }, api);
    await kith.contacts.update(c.id, { city: '上海' }, api); // no change: no entry
    const afterUpdate = await kith.contacts.get(c.id);
    await kith.contacts.delete(c.id, api);
    const entries = await next();
    expect(summary(entries)).toEqual([
      ['created', c.id, 'api'],
      ['updated', c.id, 'api'],
      ['deleted', c.id, 'api'],
    ]);
    expect(entries[0]!.seq + 1).toBe(entries[1]!.seq);
    expect(entries[1]!.changes).toEqual([{ field: 'city', old: null, new: '上海' }]);
    expect(entries[1]!.content_hash).toBe(contactContentHash(afterUpdate));
    expect(entries[0]!.content_hash).toBe(contactContentHash(c));
    await expectHashesOfStored(kith.store.db, entries);
  });

  it('CLI: entries with origin cli', async () => {
    const out = await runCli(
      ['contacts', 'add', '--name', 'Cli Person', '--email', 'cli@log.example'],
      kith.database.env,
    );
    expect(out.code, out.stderr).toBe(0);
    const entries = await next();
    expect(entries.map((e) => [e.kind, e.origin])).toEqual([['created', 'cli']]);
    await expectHashesOfStored(kith.store.db, entries);
  });

  it('import and its undo: one entry per contact per change, origin import:<id>; a contact_created rule fires for each', async () => {
    const existing = await kith.contacts.create({ name: 'Bo', email: 'bo@log.example' }, api);
    await next();
    const rule = await kith.rules.create(
      {
        name: 'welcome',
        event: 'contact_created',
        conditions: { all: [{ attribute: 'contact.email', operator: 'is_present' }] },
        actions: [{ action: 'send_email', to: ['team@example.com'], subject: 'hi', body: 'hi' }],
      },
      SYSTEM_ACTOR,
    );
    const file = fixture(
      'log.csv',
      'name,email,city\nCid,cid@log.example,Paris\nDee,dee@log.example,Lyon\nBo,bo@log.example,Nice\n',
    );
    const done = await runImport(kith, file);
    expect(done).toMatchObject({ status: 'completed', created: 2, updated: 1 });
    const entries = await next();
    expect(entries.map((e) => [e.kind, e.origin])).toEqual([
      ['created', `import:${done.id}`],
      ['created', `import:${done.id}`],
      ['updated', `import:${done.id}`],
    ]);
    expect(entries[2]!.contact_id).toBe(existing.id);
    await expectHashesOfStored(kith.store.db, entries);
    // The rule ran for each contact the import created (there is no mailer here: logged as failed).
    const logs = await kith.rules.logs(rule.id);
    expect(new Set(logs.map((l) => l.contact_id))).toEqual(
      new Set(entries.filter((e) => e.kind === 'created').map((e) => e.contact_id)),
    );
    // A migration asks that rules not run: its contacts are in the log, the rule stays silent.
    const quiet = await runImport(kith, fixture('quiet.csv', 'name,email\nOld,old@log.example\n'), {
      runAutomationRules: false,
    });
    expect(quiet).toMatchObject({
      status: 'completed',
      created: 1,
      settings: { run_automation_rules: false },
    });
    expect(summary(await next())).toEqual([['created', expect.any(String), `import:${quiet.id}`]]);
    expect(await kith.rules.logs(rule.id)).toHaveLength(logs.length);
    await kith.rules.remove(rule.id, SYSTEM_ACTOR);

    await kith.imports.undo(done.id, api);
    const undone = await next();
    expect(undone.map((e) => [e.kind, e.origin]).sort()).toEqual(
      [
        ['deleted', `import:${done.id}`],
        ['deleted', `import:${done.id}`],
        ['updated', `import:${done.id}`],
      ].sort(),
    );
    await expectHashesOfStored(kith.store.db, undone);
  });

  it('merge and unmerge: merged_into with the survivor, the survivor updated, unmerged back; webhooks hear contact.merged', async () => {
    const a = await kith.contacts.create({ name: 'Eve', email: 'eve@log.example' }, api);
    const b = await kith.contacts.create({ name: 'Eve L', phone: '13800138555' }, api);
    await next();
    received.length = 0;
    const merged = await kith.merges.merge({ survivorId: a.id, contactIds: [b.id] }, api);
    const entries = await next();
    expect(summary(entries)).toEqual([
      ['merged_into', b.id, `merge:${merged.merge_id}`],
      ['updated', a.id, `merge:${merged.merge_id}`],
    ]);
    expect(entries[0]!.survivor_id).toBe(a.id);
    await expectHashesOfStored(kith.store.db, entries);
    await expect.poll(() => received.filter((r) => r.event === 'contact.merged').length).toBe(1);
    expect(received.find((r) => r.event === 'contact.merged')!.body).toMatchObject({
      event: 'contact.merged',
      data: { survivor_id: a.id, merged_ids: [b.id], merge_id: merged.merge_id },
    });

    await kith.merges.unmerge(merged.merge_id!, api);
    const back = await next();
    expect(summary(back)).toEqual([
      ['updated', a.id, `merge:${merged.merge_id}`],
      ['unmerged', b.id, `merge:${merged.merge_id}`],
    ]);
    await expectHashesOfStored(kith.store.db, back);
  });

  it('batch delete and restore: deleted and restored with origin deletion:<id>', async () => {
    const x = await kith.contacts.create({ name: 'Xu', email: 'xu@log.example' }, api);
    const y = await kith.contacts.create({ name: 'Yi', email: 'yi@log.example' }, api);
    await next();
    const deletion = await kith.batchDeletes.delete({ ids: [x.id, y.id] }, 2, api);
    const gone = await next();
    expect(summary(gone)).toEqual([
      ['deleted', x.id, `deletion:${deletion.id}`],
      ['deleted', y.id, `deletion:${deletion.id}`],
    ]);
    await kith.batchDeletes.restore(deletion.id, api);
    const restored = await next();
    expect(summary(restored)).toEqual([
      ['restored', x.id, `deletion:${deletion.id}`],
      ['restored', y.id, `deletion:${deletion.id}`],
    ]);
    await expectHashesOfStored(kith.store.db, restored);
  });

  it("a conversation's find-or-create writes a created entry", async () => {
    const inbox = await kith.inboxes.create({ name: 'Log' }, SYSTEM_ACTOR);
    const conversation = await kith.conversations.create(
      { inbox_id: inbox.id, contact: { email: 'new@log.example', name: 'New' }, message: 'hello' },
      api,
    );
    const entries = await next();
    expect(summary(entries)).toEqual([['created', conversation.contact_id, 'api']]);
    await expectHashesOfStored(kith.store.db, entries);
  });

  it('a renamed tag changes every contact holding it: one updated entry each, hashes of what is stored', async () => {
    const g = await kith.contacts.create({ name: 'Gu', email: 'gu@log.example', tags: ['silver'] }, api);
    const h = await kith.contacts.create({ name: 'He', email: 'he@log.example', tags: ['silver', 'x'] }, api);
    await next();
    const tag = (await kith.tags.list()).find((t) => t.name === 'silver')!;
    await kith.tags.rename(tag.id, 'Silver plus', api);
    const entries = await next();
    expect(summary(entries).sort()).toEqual(
      [
        ['updated', g.id, 'api'],
        ['updated', h.id, 'api'],
      ].sort(),
    );
    expect(entries.find((e) => e.contact_id === g.id)!.changes).toEqual([
      { field: 'tags', old: ['silver'], new: ['Silver plus'] },
    ]);
    await expectHashesOfStored(kith.store.db, entries);
  });

  it('a tag merged into another by rename while holders keep coming: every holder moves with an entry, the last ones too', async () => {
    const i = await kith.contacts.create({ name: 'Ito', email: 'ito@log.example', tags: ['bronze'] }, api);
    const j = await kith.contacts.create({ name: 'Jun', email: 'jun@log.example', tags: ['Copper'] }, api);
    await next();
    // Another agent tags the other one with "bronze" each time a batch of holders has moved, as long as
    // the tag exists: every pass ends with a holder left, so the last is moved by the final locked step.
    const bronze = (await kith.tags.list()).find((t) => t.name === 'bronze')!;
    const racing = Object.create(kith.contacts) as typeof kith.contacts;
    const writer = Object.create(kith.contacts.writer) as typeof kith.contacts.writer;
    let batches = 0;
    writer.transaction = async (actor, work) => {
      const result = await kith.contacts.writer.transaction(actor, work);
      batches++;
      if ((await kith.tags.list()).some((t) => t.id === bronze.id))
        await kith.contacts.updateFrom(
          batches % 2 ? j.id : i.id,
          (c) => ({ tags: [...c.tags, 'bronze'] }),
          api,
        );
      return result;
    };
    Object.defineProperty(racing, 'writer', { value: writer });
    const merged = await new TagService(kith.store.db, racing).rename(bronze.id, 'copper', api);
    expect(merged.merged_from).toBe(bronze.id);
    expect(batches).toBeGreaterThan(5); // five passes at least, then the locked step
    expect((await kith.contacts.get(i.id)).tags).toEqual(['Copper']);
    expect((await kith.contacts.get(j.id)).tags).toEqual(['Copper']);
    const entries = await next();
    await expectHashesOfStored(kith.store.db, entries);
    for (const id of [i.id, j.id])
      expect(entries.filter((e) => e.contact_id === id).at(-1)!.changes).toEqual([
        { field: 'tags', old: ['bronze', 'Copper'], new: ['Copper'] },
      ]);
  });

  it.skipIf(TEST_DIALECT !== 'postgres')(
    'deletes a tag while another writer holds one of its holders and then links the tag (as a merge does): no deadlock',
    async () => {
      const y = await kith.contacts.create(
        { name: 'Yan', email: 'yan@log.example', tags: ['lockstep'] },
        api,
      );
      const q = await kith.contacts.create({ name: 'Qiu', email: 'qiu@log.example' }, api);
      const tag = (await kith.tags.list()).find((t) => t.name === 'lockstep')!;
      const other = new pg.Client({ connectionString: kith.database.env.DATABASE_URL });
      await other.connect();
      let linked: Promise<unknown> = Promise.resolve();
      // Y is tagged again after each pass, so the last, locked step has it to change. Before that step
      // another writer locks Y, then (while the step waits for Y) links Q to the tag, which needs the
      // tag's key share: had the step locked the tag before its holders, each would wait for the other.
      const racing = Object.create(kith.contacts) as typeof kith.contacts;
      const writer = Object.create(kith.contacts.writer) as typeof kith.contacts.writer;
      let calls = 0;
      writer.transaction = async (actor, work) => {
        if (++calls === HOLDER_PASSES + 1) {
          await other.query('begin');
          await other.query('select id from contacts where id = $1 for update', [y.id]);
          const step = kith.contacts.writer.transaction(actor, work);
          await new Promise((resolve) => setTimeout(resolve, 300));
          linked = other
            .query(`insert into contact_tags (contact_id, tag_id, created_at) values ($1, $2, $3)`, [
              q.id,
              tag.id,
              new Date().toISOString(),
            ])
            .then(() => other.query('commit'));
          await linked;
          return step;
        }
        const result = await kith.contacts.writer.transaction(actor, work);
        if ((await kith.tags.list()).some((t) => t.id === tag.id))
          await kith.contacts.updateFrom(y.id, (c) => ({ tags: [...c.tags, 'lockstep'] }), api);
        return result;
      };
      Object.defineProperty(racing, 'writer', { value: writer });
      try {
        await new TagService(kith.store.db, racing).delete(tag.id, api);
        await linked;
      } finally {
        await other.end();
      }
      expect(calls).toBe(HOLDER_PASSES + 1);
      expect((await kith.contacts.get(y.id)).tags).toEqual([]);
      // Q's link committed while the step waited: found once the tag was held, and taken off in words.
      expect((await kith.contacts.get(q.id)).tags).toEqual([]);
      expect((await kith.tags.list()).some((t) => t.name === 'lockstep')).toBe(false);
    },
  );

  it('carries a capability registered only here: merge moves its rows, unmerge, delete and restore bring them back', async () => {
    const db = kith.store.db;
    await sql`create table test_loyalty_cards (id text primary key, contact_id text not null, hidden integer not null default 0)`.execute(
      db,
    );
    const calls: string[] = [];
    kith.contacts.references.register<{ id: string; from: string }[]>({
      name: 'test_loyalty_cards',
      async moveToSurvivor(trx, fromIds, survivorId) {
        const rows = await sql<{
          id: string;
          contact_id: string;
        }>`select id, contact_id from test_loyalty_cards where contact_id in (${sql.join([...fromIds])})`.execute(
          trx,
        );
        await sql`update test_loyalty_cards set contact_id = ${survivorId} where contact_id in (${sql.join([...fromIds])})`.execute(
          trx,
        );
        return rows.rows.map((r) => ({ id: r.id, from: r.contact_id }));
      },
      async moveBack(trx, moved) {
        for (const m of moved)
          await sql`update test_loyalty_cards set contact_id = ${m.from} where id = ${m.id}`.execute(trx);
      },
      async contactsDeleted(trx, ids) {
        calls.push('deleted');
        await sql`update test_loyalty_cards set hidden = 1 where contact_id in (${sql.join([...ids])})`.execute(
          trx,
        );
      },
      async contactsRestored(trx, ids) {
        calls.push('restored');
        await sql`update test_loyalty_cards set hidden = 0 where contact_id in (${sql.join([...ids])})`.execute(
          trx,
        );
      },
    });
    const cards = async () =>
      (
        await sql<{
          id: string;
          contact_id: string;
          hidden: number;
        }>`select id, contact_id, hidden from test_loyalty_cards order by id`.execute(db)
      ).rows.map((r) => [r.id, r.contact_id, Number(r.hidden)]);
    const p = await kith.contacts.create({ name: 'Pat', email: 'pat@log.example' }, api);
    const q = await kith.contacts.create({ name: 'Pat Q', email: 'patq@log.example' }, api);
    await sql`insert into test_loyalty_cards (id, contact_id) values ('card-p', ${p.id}), ('card-q', ${q.id})`.execute(
      db,
    );

    const m = await kith.merges.merge({ survivorId: p.id, contactIds: [q.id] }, api);
    expect(await cards()).toEqual([
      ['card-p', p.id, 0],
      ['card-q', p.id, 0],
    ]);
    await kith.merges.unmerge(m.merge_id!, api);
    expect(await cards()).toEqual([
      ['card-p', p.id, 0],
      ['card-q', q.id, 0],
    ]);
    const deletion = await kith.batchDeletes.delete({ ids: [q.id] }, 1, api);
    expect(await cards()).toEqual([
      ['card-p', p.id, 0],
      ['card-q', q.id, 1],
    ]);
    await kith.batchDeletes.restore(deletion.id, api);
    expect(await cards()).toEqual([
      ['card-p', p.id, 0],
      ['card-q', q.id, 0],
    ]);
    expect(calls).toEqual(['deleted', 'restored']);
    await next();
  });

  it('reads the log from a cursor in pages, in order, with nothing repeated or skipped', async () => {
    const all: ContactChangeEntry[] = [];
    for (let after = 0; ;) {
      const page = await readContactChanges(kith.store, after, 7);
      if (page.length === 0) break;
      all.push(...page);
      after = page.at(-1)!.seq;
    }
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(seqs.length);
  });
});
