import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { pairIdOf, pairNumberOf } from '../../src/dedupe/stored-pairs.js';
import * as compactPairs from '../../src/store/migrations/0024-compact-duplicate-pairs.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { plantedPair } from './planted-pairs.js';

const actor: Actor = { userId: null, channel: 'api' };

describe(`compact duplicate pairs on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  const ids: string[] = [];
  beforeAll(async () => {
    kith = await createTestKith();
    for (let k = 0; k < 8; k++) ids.push((await kith.contacts.create({ name: `Person ${k}` }, actor)).id);
  });
  afterAll(async () => kith?.destroy());

  it('reads the queue in (score desc, id) order across both bands, page by page', async () => {
    // id, a, b, score, band: equal scores in both bands, ids out of score order
    const planted: [number, number, number, number, 'match' | 'review'][] = [
      [10, 0, 1, 0.99, 'match'],
      [11, 0, 2, 0.5, 'review'],
      [12, 1, 2, 0.8, 'match'],
      [13, 3, 4, 0.8, 'review'],
      [14, 3, 5, 0.8, 'match'],
      [15, 4, 5, 0.2, 'review'],
      [16, 6, 7, 0.95, 'match'],
    ];
    await kith.store.db
      .insertInto('duplicate_pairs')
      .values(
        planted.map(([id, a, b, score, band]) =>
          plantedPair({ id, a: ids[a]!, b: ids[b]!, score, band, status: 'open' }),
        ),
      )
      .execute();
    const order = ['dup_10', 'dup_16', 'dup_12', 'dup_13', 'dup_14', 'dup_11', 'dup_15'];
    expect((await kith.duplicateScans.list()).map((p) => p.id)).toEqual(order);
    // Pages of two, each continuing after the last id of the one before.
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await kith.duplicateScans.list({ limit: 2, after });
      paged.push(...page.map((p) => p.id));
      if (page.length < 2) break;
      after = page[page.length - 1]!.id;
    }
    expect(paged).toEqual(order);
    expect((await kith.duplicateScans.list({ band: 'review' })).map((p) => p.id)).toEqual([
      'dup_13',
      'dup_11',
      'dup_15',
    ]);
    expect((await kith.duplicateScans.list({ band: 'match', after: 'dup_16' })).map((p) => p.id)).toEqual([
      'dup_12',
      'dup_14',
    ]);
    expect((await kith.duplicateScans.list({ min_score: 0.8 })).map((p) => p.score)).toEqual([
      0.99, 0.95, 0.8, 0.8, 0.8,
    ]);
    expect(await kith.duplicateScans.counts()).toEqual({
      status: { open: 7, not_duplicate: 0, skipped: 0, merged: 0 },
      open: { match: 4, review: 3 },
    });
    await expect(kith.duplicateScans.get('dup_01JABCDEFGHJKMNPQRSTVWXYZ0')).rejects.toThrow(/does not exist/);
    await expect(kith.duplicateScans.list({ after: 'dup_99' })).rejects.toThrow(/after/);
    await kith.store.db.deleteFrom('duplicate_pairs').execute();
  });

  it('a scan numbers its pairs past every number given before, and keeps decided pairs', async () => {
    await kith.contacts.create({ name: 'Mary Smith', email: 'mary.smith@example.com', city: 'Leeds' }, actor);
    await kith.contacts.create({ name: 'Mary Smyth', email: 'marysmith@example.org', city: 'Leeds' }, actor);
    await kith.contacts.create({ name: 'Mary Smith', phone: '13800138000', city: 'Leeds' }, actor);
    const first = await kith.duplicateScans.scan({ actor });
    const pairs = await kith.duplicateScans.list();
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.scan_id === first.scan_id && p.created_at !== '')).toBe(true);
    const rejected = pairs[0]!;
    await kith.duplicateScans.decide(rejected.id, 'not_duplicate', actor);
    const highest = Math.max(...pairs.map((p) => pairNumberOf(p.id)!));
    await kith.duplicateScans.scan({ actor });
    const again = await kith.duplicateScans.list();
    // The decided pair is not proposed again; the others come back under new numbers.
    expect(again.some((p) => p.contact_a === rejected.contact_a && p.contact_b === rejected.contact_b)).toBe(
      false,
    );
    expect(again.every((p) => pairNumberOf(p.id)! > highest)).toBe(true);
    expect((await kith.duplicateScans.get(rejected.id)).status).toBe('not_duplicate');
    await kith.store.db.deleteFrom('duplicate_pairs').execute();
  });

  it('migration 0024 carries every stored pair over, decisions and clusters included', async () => {
    const db = kith.store.db as never;
    await kith.duplicateScans.scan({ actor });
    await kith.duplicateScans.scan({ actor });
    await kith.store.db.deleteFrom('duplicate_pairs').execute();
    await compactPairs.down(db);
    // The shape before 0024: text ids, names for status and band, a scan id and time per pair.
    const scans = await kith.store.db
      .selectFrom('duplicate_scans')
      .select(['id', 'finished_at'])
      .orderBy('started_at')
      .execute();
    const [older, newer] = [scans[0]!, scans[scans.length - 1]!];
    const old = (
      id: string,
      a: number,
      b: number,
      score: number,
      band: string,
      status: string,
      cluster: string | null,
      scan: string,
    ) => ({
      id,
      contact_a: ids[a]! < ids[b]! ? ids[a]! : ids[b]!,
      contact_b: ids[a]! < ids[b]! ? ids[b]! : ids[a]!,
      score,
      band,
      explanation: '[]',
      cluster_id: cluster,
      status,
      scan_id: scan,
      created_at: '2026-01-01T00:00:00.000Z',
      decided_at: status === 'open' ? null : '2026-01-02T00:00:00.000Z',
      decided_by: null,
    });
    await (db as any)
      .insertInto('duplicate_pairs')
      .values([
        old('dup_01A', 0, 1, 0.123456, 'review', 'not_duplicate', null, older.id),
        old('dup_01B', 2, 3, 0.999, 'match', 'open', 'dcl_x', newer.id),
        old('dup_01C', 2, 4, 0.98, 'match', 'open', 'dcl_x', newer.id),
        old('dup_01D', 3, 4, 0.5, 'review', 'skipped', 'dcl_x', newer.id),
      ])
      .execute();
    await compactPairs.up(db);
    const decided = (await kith.duplicateScans.list({ status: 'not_duplicate' }))[0]!;
    expect(decided).toMatchObject({
      score: 0.123456,
      band: 'review',
      scan_id: older.id,
      created_at: older.finished_at,
    });
    const open = await kith.duplicateScans.list();
    expect(open.map((p) => [p.score, p.band, p.scan_id])).toEqual([
      [0.999, 'match', newer.id],
      [0.98, 'match', newer.id],
    ]);
    expect(open[0]!.cluster_id).toBe(open[1]!.cluster_id);
    expect(open[0]!.cluster_weakest).toEqual({ pair_id: open[1]!.id, score: 0.98, band: 'match' });
    expect((await kith.duplicateScans.list({ status: 'skipped' })).map((p) => p.cluster_id)).toEqual([
      open[0]!.cluster_id,
    ]);
    // The next scan numbers past the carried pairs.
    await kith.duplicateScans.scan({ actor });
    const numbers = (await kith.duplicateScans.list()).map((p) => pairNumberOf(p.id)!);
    expect(Math.min(...numbers)).toBeGreaterThan(4);
    expect(pairIdOf(4)).toBe('dup_4');
  });
});
