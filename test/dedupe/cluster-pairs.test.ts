import { describe, expect, it } from 'vitest';
import { CAP_BITS, clusterMatchPairs, VETO_BITS } from '../../src/dedupe/model/cluster-pairs.js';

const MATCH = 2; // log2 odds: probability 0.8
const REVIEW = -2; // probability 0.2

/** Weights of the pairs a case knows; any other pair scores `otherwise`. */
function weights(known: Record<string, number>, otherwise: number) {
  return (a: number, b: number) => known[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? otherwise;
}

function links(known: Record<string, number>) {
  return Object.entries(known)
    .filter(([, w]) => w >= MATCH)
    .map(([key, weight]) => {
      const [a, b] = key.split('-').map(Number) as [number, number];
      return { a, b, weight };
    });
}

describe('coherent clusters', () => {
  const cases: {
    name: string;
    pairs: Record<string, number>;
    otherwise: number;
    clusters: number[][];
    weakest?: number[];
  }[] = [
    {
      name: 'a chain of match pairs whose ends are different people stops at the break',
      pairs: { '0-1': 12, '1-2': 8, '0-2': -20, '3-4': 12 },
      otherwise: -30,
      clusters: [
        [0, 1],
        [3, 4],
      ],
    },
    {
      name: 'a pair blocking never compared is scored and counted',
      // 0–1–2 linked; 0–2 never compared and scored on demand as a match.
      pairs: { '0-1': 10, '1-2': 9, '0-2': 5 },
      otherwise: -30,
      clusters: [[0, 1, 2]],
      weakest: [0, 2, 5],
    },
    {
      name: 'a record short of data joins when the cluster agrees with it on average',
      // 3 is near 0, 1 and 2 are unsure about it (no date): average (12 + 0 + 0) / 3 = 4 ≥ match.
      pairs: { '0-1': 14, '0-2': 14, '1-2': 14, '0-3': 12, '1-3': 0, '2-3': 0 },
      otherwise: -30,
      clusters: [[0, 1, 2, 3]],
      weakest: [1, 3, 0],
    },
    {
      name: 'a record only one member vouches for stays out',
      pairs: { '0-1': 14, '0-2': 14, '1-2': 14, '0-3': 4, '1-3': -1, '2-3': -1 },
      otherwise: -30,
      clusters: [[0, 1, 2]],
    },
    {
      name: 'one pair ruled out vetoes the join however strong the rest',
      pairs: {
        '0-1': 30,
        '0-2': 30,
        '1-2': 30,
        '0-3': 30,
        '1-3': 30,
        '2-3': REVIEW - VETO_BITS - 0.5,
      },
      otherwise: -30,
      clusters: [[0, 1, 2]],
    },
    {
      name: 'certainty about some pairs counts only up to a cap in the average',
      // Uncapped the average would be (40 + 40 − 3 − 3) / 4 = 18.5; capped it is (12 + 12 − 6) / 4 = 4.5.
      pairs: { '0-1': 40, '2-3': 40, '0-2': 40, '1-3': 40, '0-3': -3, '1-2': -3 },
      otherwise: -30,
      clusters: [[0, 1, 2, 3]],
      weakest: [0, 3, -3],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const clusters = clusterMatchPairs(links(c.pairs), {
        pairWeight: weights(c.pairs, c.otherwise),
        matchWeight: MATCH,
        reviewWeight: REVIEW,
      });
      expect(clusters.map((k) => k.members).sort((x, y) => x[0]! - y[0]!)).toEqual(c.clusters);
      if (c.weakest) {
        const [a, b, weight] = c.weakest;
        expect(clusters[0]!.weakest).toEqual({ a, b, weight });
      }
    });
  }

  it.each([
    [-5.9, [[0, 1, 2, 3]]],
    [
      -6.1,
      [
        [0, 1],
        [2, 3],
      ],
    ],
  ])(
    'counts a pair at most CAP_BITS above match in the average (doubtful pairs at %d)',
    (doubt, expected) => {
      // Match at 4 bits: certain pairs count as 4 + CAP_BITS = 14, so the average (14 + 14 + 2 × doubt) / 4
      // reaches 4 only while doubt ≥ −6 (the veto, at −5 − VETO_BITS = −11, plays no part).
      expect(CAP_BITS).toBe(10);
      const pairs = { '0-1': 100, '2-3': 100, '0-2': 100, '1-3': 100, '0-3': doubt, '1-2': doubt };
      const clusters = clusterMatchPairs(links(pairs), {
        pairWeight: weights(pairs, -30),
        matchWeight: 4,
        reviewWeight: -5,
      });
      expect(clusters.map((k) => k.members)).toEqual(expected);
    },
  );

  it('never joins two records a veto names, however strong every pair', () => {
    // 0–1 and 2–3 certain, and all across as well; but 1 and 2 hold different phones.
    const pairs = { '0-1': 30, '2-3': 30, '0-2': 30, '0-3': 30, '1-2': 30, '1-3': 30 };
    const vetoed = new Set(['1-2']);
    // A vetoed pair is never a match link itself (it is banded for review): only the others link.
    const matchLinks = links(pairs).filter((l) => !vetoed.has(`${l.a}-${l.b}`));
    const clusters = clusterMatchPairs(matchLinks, {
      pairWeight: weights(pairs, -30),
      vetoes: (a, b) => vetoed.has(`${Math.min(a, b)}-${Math.max(a, b)}`),
      matchWeight: MATCH,
      reviewWeight: REVIEW,
    });
    const members = clusters.map((k) => k.members);
    expect(members.some((m) => m.includes(1) && m.includes(2))).toBe(false);
    expect(members.flat().sort()).toEqual([0, 1, 2, 3]);
  });

  it('keeps clusters within the size cap and scores each refused pair of groups once', () => {
    let scored = 0;
    const pairWeight = () => {
      scored++;
      return -1;
    };
    // Records 0..9 in pairs (2k, 2k+1) linked strongly, and every pair of pairs linked at the match threshold.
    const all: { a: number; b: number; weight: number }[] = [];
    for (let k = 0; k < 5; k++) all.push({ a: 2 * k, b: 2 * k + 1, weight: 20 });
    for (let a = 0; a < 10; a += 2) for (let b = a + 2; b < 10; b++) all.push({ a, b, weight: MATCH });
    const clusters = clusterMatchPairs(all, {
      pairWeight,
      matchWeight: MATCH,
      reviewWeight: REVIEW,
      maxSize: 3,
    });
    expect(clusters.every((k) => k.members.length <= 3)).toBe(true);
    expect(scored).toBeLessThan(20);
  });
});
