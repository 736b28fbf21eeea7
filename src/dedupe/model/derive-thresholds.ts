/**
 * The bands' thresholds, derived from the scan's own model when the rules do not set them (as dedupe
 * does): treating each candidate pair's probability as the chance it is a true pair, the expected
 * precision and recall of every possible cut are known without labels. `match` is the cut with the
 * best expected F-score weighing precision twice as much as recall (its pairs may be merged
 * automatically); `review` the one weighing recall twice as much (a person should see what might be).
 */
import { weightToProbability } from './fellegi-sunter-model.js';
import { DEFAULT_THRESHOLDS } from './matching-rules.js';

export interface BandThresholds {
  match: number;
  review: number;
}

const MATCH_BETA = 0.5;
const REVIEW_BETA = 2;
/** Never merge automatically what the model thinks is more likely two people; never stricter than the default. */
const MATCH_RANGE = [0.5, DEFAULT_THRESHOLDS.match] as const;
/** A review queue below this would be mostly noise. */
const MIN_REVIEW = 0.05;
/** Probability resolution of the cut: a histogram instead of sorting tens of millions of pairs. */
const BINS = 10_000;

/** Thresholds from the match weights (log2 odds) of every candidate pair of a scan. */
export function deriveThresholds(weights: ArrayLike<number>, count = weights.length): BandThresholds {
  const pairs = new Float64Array(BINS + 1);
  const expected = new Float64Array(BINS + 1);
  let expectedMatches = 0;
  for (let p = 0; p < count; p++) {
    const probability = weightToProbability(weights[p]!);
    const bin = Math.floor(probability * BINS);
    pairs[bin]!++;
    expected[bin]! += probability;
    expectedMatches += probability;
  }
  if (expectedMatches < 1) return { ...DEFAULT_THRESHOLDS };
  const match = clamp(bestCut(pairs, expected, expectedMatches, MATCH_BETA), ...MATCH_RANGE);
  const review = clamp(bestCut(pairs, expected, expectedMatches, REVIEW_BETA), MIN_REVIEW, match);
  return { match, review };
}

/** The lower edge of the bin from which down all pairs are kept that maximises the expected F-beta. */
function bestCut(pairs: Float64Array, expected: Float64Array, total: number, beta: number): number {
  const b2 = beta * beta;
  let kept = 0;
  let truePositives = 0;
  let best = -1;
  let cut = BINS;
  for (let bin = BINS; bin >= 0; bin--) {
    if (pairs[bin] === 0) continue;
    kept += pairs[bin]!;
    truePositives += expected[bin]!;
    const falsePositives = kept - truePositives;
    const falseNegatives = total - truePositives;
    const f = ((1 + b2) * truePositives) / ((1 + b2) * truePositives + b2 * falseNegatives + falsePositives);
    // Strictly better only: among equal cuts the strictest wins.
    if (f > best) {
      best = f;
      cut = bin;
    }
  }
  return cut / BINS;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}
