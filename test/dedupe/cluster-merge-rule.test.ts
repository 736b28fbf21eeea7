import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { KithError } from '../../src/domain/errors.js';
import { mergeMatches } from '../../src/dedupe/merge-matches.js';
import { clusterIdOf, pairIdOf, type PairStatus } from '../../src/dedupe/stored-pairs.js';
import { plantedPair } from './planted-pairs.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'api' };

/**
 * Clusters as a scan leaves them (every pair inside stored, with its band), written straight into the
 * queue so that each case is exact: which clusters an automatic merge takes, which it holds back and why.
 */
describe(`clusters' weakest pair and the automatic merge rule on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  const ids: Record<string, string> = {};
  const pairIds: Record<string, string> = {};
  const clusterIds: Record<string, string> = {};
  // cluster: [pair, score, band, status]
  const clusters: Record<string, [string, number, 'match' | 'review', PairStatus][]> = {
    certain: [
      ['a-b', 0.999, 'match', 'open'],
      ['a-c', 0.97, 'match', 'open'],
      ['b-c', 0.95, 'match', 'open'],
    ],
    chained: [
      ['d-e', 0.999, 'match', 'open'],
      ['e-f', 0.99, 'match', 'open'],
      ['d-f', 0.4, 'review', 'open'],
    ],
    rejected: [
      ['g-h', 0.999, 'match', 'open'],
      ['h-i', 0.99, 'match', 'open'],
      ['g-i', 0.98, 'match', 'not_duplicate'],
    ],
    skipped: [
      ['j-k', 0.999, 'match', 'open'],
      ['k-l', 0.99, 'match', 'open'],
      ['j-l', 0.98, 'match', 'skipped'],
    ],
  };
  beforeAll(async () => {
    kith = await createTestKith();
    for (const key of 'abcdefghijkl') {
      ids[key] = (await kith.contacts.create({ name: `Person ${key.toUpperCase()}` }, actor)).id;
    }
    let next = 1;
    for (const [cluster, pairs] of Object.entries(clusters)) {
      const clusterNumber = next;
      clusterIds[cluster] = clusterIdOf(clusterNumber);
      for (const [pair, score, band, status] of pairs) {
        const [a, b] = pair.split('-').map((k) => ids[k]!) as [string, string];
        const id = next++;
        pairIds[pair] = pairIdOf(id);
        await kith.store.db
          .insertInto('duplicate_pairs')
          .values(plantedPair({ id, a, b, score, band, status, cluster: clusterNumber }))
          .execute();
      }
    }
  });
  afterAll(async () => kith?.destroy());

  it.each([
    ['certain', 'b-c', 0.95, null],
    ['chained', 'd-f', 0.4, 'weakest_pair_below_match'],
    ['rejected', 'h-i', 0.99, 'marked_not_duplicate'],
    ['skipped', 'k-l', 0.99, 'pairs_missing'],
  ])('cluster %s: weakest pair %s (%d), held back for %s', async (cluster, pair, score, reason) => {
    const found = (await kith.duplicateScans.clusters()).find((c) => c.cluster_id === clusterIds[cluster])!;
    expect(found.weakest).toMatchObject({ pair_id: pairIds[pair], score });
    expect(found.min_score).toBe(score);
    expect(found.mergeable).toBe(reason === null);
    expect(found.held_back?.reason ?? null).toBe(reason);
  });

  it('shows each pair of the queue its cluster’s weakest pair', async () => {
    const pair = (await kith.duplicateScans.list()).find((p) => p.id === pairIds['d-e'])!;
    expect(pair.cluster_weakest).toEqual({ pair_id: pairIds['d-f'], score: 0.4, band: 'review' });
    expect((await kith.duplicateScans.get(pairIds['a-b']!)).cluster_weakest?.pair_id).toBe(pairIds['b-c']);
  });

  it('merges only the cluster whose every pair is in the match band, and says why the others wait', async () => {
    const dry = await mergeMatches(kith.duplicateScans, kith.merges, actor, { dryRun: true });
    expect(dry.merges.map((m) => [m.survivor_id, ...m.merged_ids].sort())).toEqual([
      [ids.a, ids.b, ids.c].sort(),
    ]);
    expect(dry.held_back).toEqual({ weakest_pair_below_match: 1, marked_not_duplicate: 1, pairs_missing: 1 });
    expect(dry.held_back_clusters.map((c) => c.reason).sort()).toEqual([
      'marked_not_duplicate',
      'pairs_missing',
      'weakest_pair_below_match',
    ]);
    expect(dry.held_back_clusters.find((c) => c.cluster_id === clusterIds.chained)!.detail).toContain(
      pairIds['d-f'],
    );
    const done = await mergeMatches(kith.duplicateScans, kith.merges, actor);
    expect(done.merged_contacts).toBe(2);
    expect(done.failed).toEqual([]);
  });

  it('lists a refused cluster with the refusal’s code and details, and an unexpected error only as internal_error', async () => {
    const planted: string[][] = [];
    for (const [i, names] of [
      ['M', 'N'],
      ['O', 'P'],
    ].entries()) {
      const [a, b] = await Promise.all(
        names.map((n) => kith.contacts.create({ name: `Person ${n}` }, actor)),
      );
      const id = 100 + i;
      await kith.store.db
        .insertInto('duplicate_pairs')
        .values(
          plantedPair({ id, a: a!.id, b: b!.id, score: 0.999, band: 'match', status: 'open', cluster: id }),
        )
        .execute();
      planted.push([a!.id, b!.id].sort());
    }
    // The merge service refuses the first (a value another customer owns) and breaks on the second.
    const merges = Object.create(kith.merges) as typeof kith.merges;
    merges.merge = async ({ contactIds }) => {
      if ([...contactIds].sort().join() === planted[0]!.join())
        throw new KithError('conflict', 'email x@example.com belongs to contact ct_other', 409, {
          field: 'email',
          value: 'x@example.com',
        });
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    };
    const done = await mergeMatches(kith.duplicateScans, merges, actor);
    const failed = [...done.failed].sort((x, y) => x.code.localeCompare(y.code));
    expect(failed).toEqual([
      {
        contact_ids: expect.arrayContaining(planted[0]!),
        code: 'conflict',
        error: 'email x@example.com belongs to contact ct_other',
        details: { field: 'email', value: 'x@example.com' },
      },
      {
        contact_ids: expect.arrayContaining(planted[1]!),
        code: 'internal_error',
        error: 'an unexpected error stopped this merge',
      },
    ]);
    expect(JSON.stringify(done)).not.toContain('Cannot read properties');
  });
});
