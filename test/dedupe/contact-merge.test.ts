import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import type { Contact } from '../../src/domain/contact/contact-fields.js';
import { KithError } from '../../src/domain/errors.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { plantedPair } from './planted-pairs.js';

const actor: Actor = { userId: null, channel: 'api' };

/** Rows linked to each contact, counted straight from the tables. */
async function related(kith: TestKith, ids: string[]) {
  const db = kith.store.db;
  const count = async (
    table: 'contact_events' | 'import_rows' | 'contact_group_members' | 'contact_tags',
  ) => {
    const rows = await db.selectFrom(table).select('contact_id').where('contact_id', 'in', ids).execute();
    return Object.fromEntries(ids.map((id) => [id, rows.filter((r) => r.contact_id === id).length]));
  };
  return {
    events: await count('contact_events'),
    importRows: await count('import_rows'),
    groups: await count('contact_group_members'),
  };
}

describe(`merge, unmerge, batch delete and restore on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let a: Contact;
  let b: Contact;
  let c: Contact;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'wechat_openid' }, actor);
    await kith.attributes.create({ key: 'tier', type: 'text' }, actor);
    a = await kith.contacts.create(
      {
        name: 'Zhang Wei',
        email: 'wei@example.com',
        phone: '13800138001',
        external_id: 'CRM-1',
        tags: ['VIP'],
        attributes: { tier: 'gold' },
      },
      actor,
    );
    b = await kith.contacts.create(
      {
        name: '张伟',
        email: 'zhang.wei@example.com',
        city: 'Shanghai',
        external_id: 'SHOP-9',
        identities: { wechat_openid: 'o6_b' },
        tags: ['shop'],
        attributes: { tier: 'silver' },
      },
      actor,
    );
    c = await kith.contacts.create({ name: 'Wei Z.', phone: '13900139002', birthday: '1990-05-06' }, actor);
    await kith.contacts.update(b.id, { company: 'Acme' }, actor);
    const group = await kith.groups.create({ name: 'Newsletter' }, actor);
    await kith.groups.addMembers(group.id, [b.id, c.id], actor);
  });
  afterAll(async () => kith.destroy());

  it('shows the result first on a dry run and changes nothing', async () => {
    const before = await kith.contacts.get(b.id);
    const preview = await kith.merges.merge({ survivorId: a.id, contactIds: [b.id], dryRun: true }, actor);
    expect(preview).toMatchObject({ merge_id: null, survivor_id: a.id, merged_ids: [b.id], dry_run: true });
    expect(preview.contact).toMatchObject({ name: 'Zhang Wei', city: 'Shanghai', email: 'wei@example.com' });
    expect(await kith.contacts.get(b.id)).toEqual(before);
  });

  it('merges into the survivor, keeping every value and moving every related record', async () => {
    const ids = [a.id, b.id, c.id];
    const before = await related(kith, ids);
    const result = await kith.merges.merge(
      { survivorId: a.id, contactIds: [b.id, c.id], prefer: { 'attr.tier': b.id } },
      actor,
    );
    expect(result.merge_id).toMatch(/^mrg_/);
    const merged = result.contact;
    expect(merged).toMatchObject({
      id: a.id,
      name: 'Zhang Wei',
      email: 'wei@example.com',
      phone: '+8613800138001',
      city: 'Shanghai',
      company: 'Acme',
      birthday: '1990-05-06',
      attributes: { tier: 'silver' },
    });
    expect(merged.additional_emails).toEqual(['zhang.wei@example.com']);
    expect(merged.additional_phones).toEqual(['+8613900139002']);
    expect(merged.tags.sort()).toEqual(['VIP', 'shop']);
    expect(merged.identities).toEqual({ external_id: 'CRM-1', wechat_openid: 'o6_b' });
    expect(result.dropped_identities).toEqual([{ contact_id: b.id, type: 'external_id', value: 'SHOP-9' }]);
    const tier = result.choices.find((ch) => ch.field === 'attr.tier')!;
    expect(tier).toMatchObject({
      chosen_from: b.id,
      value: 'silver',
      replaced: [{ contact_id: a.id, value: 'gold' }],
    });

    const after = await related(kith, ids);
    const total = (m: Record<string, number>) => Object.values(m).reduce((s, x) => s + x, 0);
    // Every event moved to the survivor, plus the merge's own event.
    expect(after.events[b.id]).toBe(0);
    expect(after.events[c.id]).toBe(0);
    expect(after.events[a.id]).toBe(total(before.events) + 1);
    expect(after.groups[a.id]).toBe(1);
    const timeline = await kith.contacts.timeline(a.id);
    expect(timeline.map((e) => e.type)).toContain('merged');
  });

  it('resolves a merged id to its survivor and says so', async () => {
    const resolved = await kith.contacts.resolve(b.id);
    expect(resolved.id).toBe(a.id);
    expect(resolved.merged_from).toBe(b.id);
    await expect(kith.merges.merge({ survivorId: a.id, contactIds: [b.id] }, actor)).rejects.toMatchObject({
      code: 'already_merged',
    });
  });

  it('unmerges exactly: each contact back with its own values and records', async () => {
    const [merge] = await kith.merges.list({ contactIds: [a.id] });
    const undone = await kith.merges.unmerge(merge!.id, actor);
    expect(undone.survivor).toMatchObject({
      id: a.id,
      email: 'wei@example.com',
      additional_emails: [],
      additional_phones: [],
      city: null,
      company: null,
      attributes: { tier: 'gold' },
      identities: { external_id: 'CRM-1' },
      tags: ['VIP'],
    });
    expect(await kith.contacts.get(b.id)).toMatchObject({
      email: 'zhang.wei@example.com',
      identities: { external_id: 'SHOP-9', wechat_openid: 'o6_b' },
      company: 'Acme',
    });
    expect(await kith.contacts.get(c.id)).toMatchObject({ phone: '+8613900139002' });
    const counts = await related(kith, [a.id, b.id, c.id]);
    expect(counts.events[b.id]).toBeGreaterThanOrEqual(3);
    expect(counts.groups).toEqual({ [a.id]: 0, [b.id]: 1, [c.id]: 1 });
    await expect(kith.merges.unmerge(merge!.id, actor)).rejects.toMatchObject({ code: 'already_undone' });
  });

  it('refuses an unmerge that would collide, naming what blocks it', async () => {
    const m = await kith.merges.merge({ survivorId: a.id, contactIds: [c.id] }, actor);
    // c's phone now sits on a; move it to a new contact so it cannot go back to c.
    await kith.contacts.update(a.id, { additional_phones: [] }, actor);
    const taker = await kith.contacts.create({ name: 'Someone else', phone: '13900139002' }, actor);
    const error = await kith.merges.unmerge(m.merge_id!, actor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KithError);
    expect((error as KithError).code).toBe('unmerge_blocked');
    expect((error as KithError).message).toContain(taker.id);
    expect((await kith.contacts.resolve(c.id)).id).toBe(a.id);
  });

  it('a merge refused before it writes anything leaves nothing changed', async () => {
    const x = await kith.contacts.create({ name: 'X', email: 'x@example.com' }, actor);
    const y = await kith.contacts.create({ name: 'Y', email: 'y@example.com' }, actor);
    const before = [await kith.contacts.get(x.id), await kith.contacts.get(y.id)];
    await expect(
      kith.merges.merge({ survivorId: x.id, contactIds: [y.id, 'ct_00000000000000000000000000'] }, actor),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      kith.merges.merge({ survivorId: x.id, contactIds: [y.id], prefer: { email: 'ct_nope' } }, actor),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    // A preference the merge would not read is refused, naming it, not dropped.
    for (const field of ['bogus', 'attr.nope', 'identity.nope', 'tags'])
      await expect(
        kith.merges.merge({ survivorId: x.id, contactIds: [y.id], prefer: { [field]: y.id } }, actor),
      ).rejects.toMatchObject({ code: 'validation_failed', details: { field: `prefer.${field}` } });
    expect([await kith.contacts.get(x.id), await kith.contacts.get(y.id)]).toEqual(before);
  });

  it('batch delete writes its backup first, needs the exact count, and restore brings contacts back', async () => {
    const d1 = await kith.contacts.create(
      { name: 'Del One', email: 'd1@example.com', external_id: 'DEL-1', tags: ['purge'] },
      actor,
    );
    const d2 = await kith.contacts.create({ name: 'Del Two', phone: '13700137003', tags: ['purge'] }, actor);
    const selection = { filter: { tag: 'purge' } };
    await expect(kith.batchDeletes.delete(selection, 3, actor)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'confirm_count', value: 3 },
    });
    expect((await kith.contacts.get(d1.id)).id).toBe(d1.id);
    const deletion = await kith.batchDeletes.delete(selection, 2, actor);
    expect(deletion.count).toBe(2);
    const backup = fs
      .readFileSync(await kith.batchDeletes.backupPath(deletion.id), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Contact);
    expect(backup.map((x) => x.id).sort()).toEqual([d1.id, d2.id].sort());
    expect(backup.find((x) => x.id === d1.id)!.identities).toEqual({ external_id: 'DEL-1' });
    await expect(kith.contacts.get(d1.id)).rejects.toMatchObject({ code: 'not_found' });
    const restored = await kith.batchDeletes.restore(deletion.id, actor);
    expect(restored.restored.map((x) => x.id).sort()).toEqual([d1.id, d2.id].sort());
    expect(await kith.contacts.get(d1.id)).toMatchObject({
      email: 'd1@example.com',
      identities: { external_id: 'DEL-1' },
    });
    await expect(kith.batchDeletes.restore(deletion.id, actor)).rejects.toMatchObject({
      code: 'already_restored',
    });
  });
});

describe(`unmerge of a merge recorded before the registry of contact references on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('puts back timeline, conversations and groups from the old record shape', async () => {
    const p = await kith.contacts.create({ name: 'Old Merge', email: 'old1@example.com' }, actor);
    const q = await kith.contacts.create({ name: 'Old Merge Q', email: 'old2@example.com' }, actor);
    const group = await kith.groups.create({ name: 'Legacy' }, actor);
    await kith.groups.addMembers(group.id, [q.id], actor);
    const inbox = await kith.inboxes.create({ name: 'Legacy' }, actor);
    const conversation = await kith.conversations.create(
      { inbox_id: inbox.id, contact_id: q.id, message: 'hi' },
      actor,
    );
    const before = await related(kith, [p.id, q.id]);
    const m = await kith.merges.merge({ survivorId: p.id, contactIds: [q.id] }, actor);
    // Rewrite the record as merges were recorded before the registry existed.
    const db = kith.store.db;
    const row = await db
      .selectFrom('contact_merges')
      .select('record')
      .where('id', '=', m.merge_id!)
      .executeTakeFirstOrThrow();
    const record = JSON.parse(row.record);
    const moved = record.moved;
    type Row = { key: unknown[]; from: string };
    record.moved = {
      events: moved.timeline.map((e: Row) => ({ id: e.key[0], from: e.from })),
      import_rows: moved.import_rows.map((r: Row) => ({
        import_id: r.key[0],
        row_number: r.key[1],
        from: r.from,
      })),
      conversations: moved.conversations.map((c: Row) => ({ id: c.key[0], from: c.from })),
      groups_added: moved.group_memberships,
    };
    await db
      .updateTable('contact_merges')
      .set({ record: JSON.stringify(record) })
      .where('id', '=', m.merge_id!)
      .execute();

    await kith.merges.unmerge(m.merge_id!, actor);
    const after = await related(kith, [p.id, q.id]);
    // Unmerge adds its own timeline events; the rest is exactly as before the merge.
    expect(after.groups).toEqual(before.groups);
    expect(after.importRows).toEqual(before.importRows);
    expect(after.events[q.id]).toBeGreaterThanOrEqual(before.events[q.id]!);
    expect((await kith.conversations.get(conversation.id)).contact_id).toBe(q.id);
  });
});

describe(`scheduled incremental scans on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('queues a scan when one is due, runs it in the worker, and compares only changed contacts next time', async () => {
    const { JobRunner } = await import('../../src/jobs/job-runner.js');
    const { queueScheduledScan } = await import('../../src/dedupe/duplicate-scan-schedule.js');
    expect(await queueScheduledScan(kith.store)).toBe(false);
    await kith.duplicateSettings.setPolicy({ incremental_scan_minutes: 60 });
    await kith.contacts.create({ name: 'Ann Lee', email: 'ann@example.com', birthday: '1980-01-02' }, actor);
    await kith.contacts.create(
      { name: 'Anne Lee', email: 'ann.lee@example.com', birthday: '1980-01-02' },
      actor,
    );
    expect(await queueScheduledScan(kith.store)).toBe(true);
    expect(await queueScheduledScan(kith.store)).toBe(false);
    expect(await new JobRunner(kith.store, kith.jobHandlers).runOnce()).toBe(true);
    const first = await kith.duplicateScans.lastScan();
    expect(first).toMatchObject({ kind: 'full', contacts: 2 });
    expect(await queueScheduledScan(kith.store)).toBe(false);
    expect(await queueScheduledScan(kith.store, new Date(Date.now() + 61 * 60_000))).toBe(true);

    await kith.contacts.create({ name: 'Bo Chen', email: 'bo@example.com' }, actor);
    const incremental = await kith.duplicateScans.scan({ incremental: true, actor });
    expect(incremental).toMatchObject({ kind: 'incremental', contacts: 3, changed: 1 });
    expect(incremental.compared).toBeLessThanOrEqual(2);

    // Rules edited since the last full scan: its model does not fit them, so the scan is a full one.
    await kith.duplicateSettings.setRules({
      fields: [
        { field: 'name', comparator: 'name' },
        { field: 'email', comparator: 'email' },
      ],
    });
    const afterRulesChange = await kith.duplicateScans.scan({ incremental: true, actor });
    expect(afterRulesChange).toMatchObject({ kind: 'full', contacts: 3, changed: 3 });

    // A model stored by an older Kith whose comparator graded into other levels is not reused either.
    const stored = await kith.duplicateScans.lastScan('full');
    const model = JSON.parse(stored!.model) as { fields: { levels: string[] }[] };
    model.fields[0]!.levels = ['exact', 'alias', 'jaro_winkler_0.92', 'jaro_winkler_0.80_or_initial', 'else'];
    await kith.store.db
      .updateTable('duplicate_scans')
      .set({ model: JSON.stringify(model) })
      .where('id', '=', stored!.id)
      .execute();
    const afterUpgrade = await kith.duplicateScans.scan({ incremental: true, actor });
    expect(afterUpgrade).toMatchObject({ kind: 'full', changed: 3 });
  });
});

/**
 * Every row of every table, each table's rows in a stable order: "exactly as before" means this is equal.
 * Nothing else writes to this test file's store while a test runs.
 */
async function storeSnapshot(kith: TestKith): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  // On PostgreSQL other test files' schemas share the database: only this store's own tables count.
  const own =
    TEST_DIALECT === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(kith.store.db)).rows[0]!
          .schema
      : undefined;
  for (const table of await kith.store.db.introspection.getTables()) {
    if (own !== undefined && table.schema !== own) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(
      kith.store.db,
    );
    snapshot[table.name] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return snapshot;
}

describe(`a merge that fails after it has begun writing on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('rolls back every write when its last write fails, and says why', async () => {
    await kith.identityTypes.create({ key: 'wechat_openid' }, actor);
    const x = await kith.contacts.create(
      {
        name: 'Li Na',
        email: 'lina@example.com',
        phone: '13800138011',
        external_id: 'CRM-11',
        tags: ['VIP'],
      },
      actor,
    );
    const y = await kith.contacts.create(
      {
        name: '李娜',
        email: 'li.na@example.com',
        phone: '13800138012',
        identities: { wechat_openid: 'o6_y' },
        tags: ['shop'],
        city: 'Hangzhou',
      },
      actor,
    );
    const z = await kith.contacts.create({ name: 'Lina Z', email: 'linaz@example.com' }, actor);
    await kith.contacts.update(y.id, { company: 'Acme' }, actor);
    const group = await kith.groups.create({ name: 'Fair' }, actor);
    await kith.groups.addMembers(group.id, [y.id], actor);
    const inbox = await kith.inboxes.create({ name: 'Web' }, actor);
    await kith.conversations.create({ inbox_id: inbox.id, contact_id: y.id, message: 'hello' }, actor);
    // Open pairs: x–y is settled by the merge, y–z is deleted by it (both must come back).
    const pair = (id: number, a: string, b: string) =>
      plantedPair({ id, a, b, score: 0.9, band: 'match', status: 'open' });
    await kith.store.db
      .insertInto('duplicate_pairs')
      .values([pair(1, x.id, y.id), pair(2, y.id, z.id)])
      .execute();

    // The trigger fires at the merge's last write, its change-log entries (appended last): by then the
    // merge has soft-deleted y, rewritten x, moved y's timeline, conversation, group and pairs, and
    // recorded the merge.
    const message = 'planted failure: the change log cannot be appended to';
    if (TEST_DIALECT === 'postgres') {
      await sql
        .raw(
          `create function planted_merge_failure() returns trigger language plpgsql as $$
           begin
             if exists (select 1 from contact_merges where survivor_id = '${x.id}') then
               raise exception '${message}';
             end if;
             return new;
           end $$`,
        )
        .execute(kith.store.db);
      await sql
        .raw(
          `create trigger planted_merge_failure before insert on audit_log
           for each row execute function planted_merge_failure()`,
        )
        .execute(kith.store.db);
    } else {
      await sql
        .raw(
          `create trigger planted_merge_failure before insert on audit_log
           when exists (select 1 from contact_merges where survivor_id = '${x.id}')
           begin select raise(abort, '${message}'); end`,
        )
        .execute(kith.store.db);
    }

    const before = await storeSnapshot(kith);
    const request = { survivorId: x.id, contactIds: [y.id], prefer: { city: y.id } };
    const error = await kith.merges.merge(request, actor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(message);
    expect(await storeSnapshot(kith)).toEqual(before);

    // Nothing of the failed attempt stands in the way: without the trigger the same merge goes through.
    await sql
      .raw('drop trigger planted_merge_failure' + (TEST_DIALECT === 'postgres' ? ' on audit_log' : ''))
      .execute(kith.store.db);
    const merged = await kith.merges.merge(request, actor);
    expect(merged.contact).toMatchObject({
      id: x.id,
      city: 'Hangzhou',
      additional_emails: ['li.na@example.com'],
    });
    expect(await storeSnapshot(kith)).not.toEqual(before);
  });
});

describe(`the review queue through a merge and its undo on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith?.close());

  const queue = async () =>
    (
      await kith.store.db
        .selectFrom('duplicate_pairs')
        .select(['id', 'contact_a', 'contact_b', 'status', 'decided_by'])
        .orderBy('id')
        .execute()
    ).map((p) => ({ ...p, id: Number(p.id), status: Number(p.status) }));

  it('unmerge puts the pairs back as the merge found them: the merged pair open under its id, the dropped ones again', async () => {
    const [x, y, z, w] = await Promise.all(
      ['Queue X', 'Queue Y', 'Queue Z', 'Queue W'].map((name) => kith.contacts.create({ name }, actor)),
    );
    await kith.store.db
      .insertInto('duplicate_pairs')
      .values([
        plantedPair({ id: 41, a: x!.id, b: y!.id, score: 0.97, band: 'match', status: 'open' }),
        plantedPair({ id: 42, a: y!.id, b: z!.id, score: 0.8, band: 'review', status: 'open' }),
        plantedPair({ id: 43, a: y!.id, b: w!.id, score: 0.7, band: 'review', status: 'skipped' }),
        plantedPair({ id: 44, a: z!.id, b: w!.id, score: 0.6, band: 'review', status: 'open' }),
      ])
      .execute();
    const before = await queue();

    const merged = await kith.merges.merge({ survivorId: x!.id, contactIds: [x!.id, y!.id] }, actor);
    // Settled and dropped: the pair merged, y's other open or skipped pairs gone; z–w untouched.
    expect((await queue()).map((p) => [p.id, p.status])).toEqual([
      [41, 3],
      [44, 0],
    ]);

    await kith.merges.unmerge(merged.merge_id!, actor);
    expect(await queue()).toEqual(before);
    expect((await kith.duplicateScans.get('dup_41')).status).toBe('open');
  });

  it('after a scan saved since the merge, unmerge leaves the queue to the next scan', async () => {
    const [x, y] = await Promise.all(
      ['Scan X', 'Scan Y'].map((name) => kith.contacts.create({ name }, actor)),
    );
    await kith.store.db
      .insertInto('duplicate_pairs')
      .values([plantedPair({ id: 51, a: x!.id, b: y!.id, score: 0.97, band: 'match', status: 'open' })])
      .execute();
    const merged = await kith.merges.merge({ survivorId: x!.id, contactIds: [x!.id, y!.id] }, actor);
    await kith.duplicateScans.scan({ actor });
    await kith.merges.unmerge(merged.merge_id!, actor);
    expect((await queue()).some((p) => p.id === 51)).toBe(false);
  });
});
