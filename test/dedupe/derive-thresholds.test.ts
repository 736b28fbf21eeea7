import { describe, expect, it } from 'vitest';
import { deriveThresholds } from '../../src/dedupe/model/derive-thresholds.js';
import { DEFAULT_THRESHOLDS } from '../../src/dedupe/model/matching-rules.js';

/** Match weight (log2 odds) of a probability. */
const weight = (p: number) => Math.log2(p / (1 - p));
const repeat = (p: number, n: number) => Array.from({ length: n }, () => weight(p));

describe('deriveThresholds', () => {
  it('keeps the defaults when the model expects no true pair at all', () => {
    expect(deriveThresholds(repeat(1e-6, 10_000))).toEqual(DEFAULT_THRESHOLDS);
    expect(deriveThresholds([])).toEqual(DEFAULT_THRESHOLDS);
  });

  it('takes the strictest cut when sure pairs and sure non-pairs are far apart', () => {
    const t = deriveThresholds([...repeat(0.999_999, 1_000), ...repeat(1e-6, 100_000)]);
    expect(t.match).toBe(DEFAULT_THRESHOLDS.match);
    expect(t.review).toBe(t.match);
  });

  it('lets probable pairs into match when the model is sure of most pairs (expected precision stays high)', () => {
    // 10,000 near-certain pairs, 100 at 0.85, 100 at 0.4, 100 at 0.1, many unlikely ones.
    const t = deriveThresholds([
      ...repeat(0.9999, 10_000),
      ...repeat(0.85, 100),
      ...repeat(0.4, 100),
      ...repeat(0.1, 100),
      ...repeat(0.001, 50_000),
    ]);
    expect(t.match).toBeGreaterThan(0.4);
    expect(t.match).toBeLessThanOrEqual(0.85);
    // Recall weighs more for review: the 0.4 pairs are worth a look, the 0.1 ones are not.
    expect(t.review).toBeGreaterThan(0.1);
    expect(t.review).toBeLessThanOrEqual(0.4);
  });

  it('never merges automatically below even odds, and review never exceeds match', () => {
    const t = deriveThresholds([...repeat(0.45, 1_000), ...repeat(0.3, 1_000)]);
    expect(t.match).toBe(0.5);
    expect(t.review).toBeLessThanOrEqual(t.match);
  });

  it('agrees with sorting every pair (the histogram loses only its bin width)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const probabilities = Array.from({ length: 20_000 }, () => random() ** 3);
    const expectedCut = (beta: number) => {
      const sorted = [...probabilities].sort((a, b) => b - a);
      const total = sorted.reduce((s, p) => s + p, 0);
      let tp = 0;
      let best = -1;
      let cut = 1;
      sorted.forEach((p, k) => {
        tp += p;
        const f = ((1 + beta ** 2) * tp) / ((1 + beta ** 2) * tp + beta ** 2 * (total - tp) + (k + 1 - tp));
        if (f > best) [best, cut] = [f, p];
      });
      return cut;
    };
    const t = deriveThresholds(probabilities.map(weight));
    expect(t.match).toBeCloseTo(Math.min(Math.max(expectedCut(0.5), 0.5), 0.99), 3);
    expect(t.review).toBeCloseTo(Math.min(expectedCut(2), t.match), 3);
  });
});
