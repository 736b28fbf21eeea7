/**
 * The bands' thresholds, derived from the scan's own model when the rules do not set them (as dedupe
 * does): treating each candidate pair's probability as the chance it is a true pair, the expected
 * precision and recall of every possible cut are known without labels. `match` is the cut with the
 * best expected F-score weighing precision twice as much as recall (its pairs may be merged
 * automatically); `review` the one weighing recall twice as much (a person should see what might be).
 */
import { type TrainedModel, weightToProbability } from './fellegi-sunter-model.js';
import { DEFAULT_THRESHOLDS, type MatchingRules } from './matching-rules.js';
import type { BandThresholds } from './pair-band.js';

const MATCH_BETA = 0.5;
const REVIEW_BETA = 2;
/** Never merge automatically what the model thinks is more likely two people; never stricter than the default. */
const MATCH_RANGE = [0.5, DEFAULT_THRESHOLDS.match] as const;
/** A review queue below this would be mostly noise. */
const MIN_REVIEW = 0.05;
/**
 * A histogram of match weights instead of sorting tens of millions of pairs: bins of 1/500 bit
 * (a probability step below 0.0004) over the weights where a cut can matter; a pair beyond them
 * counts in the end bin (below: its probability is under one in a million).
 */
const BIN_WIDTH = 1 / 500;
const LOWEST_WEIGHT = -20;
const HIGHEST_WEIGHT = 20;
const BINS = (HIGHEST_WEIGHT - LOWEST_WEIGHT) / BIN_WIDTH;

/** The bands that apply: set in the rules, else derived by the model, else the defaults (nothing learnt). */
export function bandThresholds(rules: MatchingRules, model: TrainedModel): BandThresholds {
  return rules.thresholds ?? model.thresholds ?? { ...DEFAULT_THRESHOLDS };
}

/** Thresholds from the match weights (log2 odds) of every candidate pair of a scan. */
export function deriveThresholds(weights: ArrayLike<number>, count = weights.length): BandThresholds {
  const pairs = new Float64Array(BINS);
  for (let p = 0; p < count; p++) {
    const bin = Math.floor((weights[p]! - LOWEST_WEIGHT) / BIN_WIDTH);
    pairs[bin < 0 ? 0 : bin >= BINS ? BINS - 1 : bin]!++;
  }
  // Each bin's pairs taken at its middle weight's probability.
  const probability = new Float64Array(BINS);
  let expectedMatches = 0;
  for (let bin = 0; bin < BINS; bin++) {
    probability[bin] = weightToProbability(LOWEST_WEIGHT + (bin + 0.5) * BIN_WIDTH);
    expectedMatches += pairs[bin]! * probability[bin]!;
  }
  if (expectedMatches < 1) return { ...DEFAULT_THRESHOLDS };
  const cut = (beta: number) =>
    weightToProbability(LOWEST_WEIGHT + bestCut(pairs, probability, expectedMatches, beta) * BIN_WIDTH);
  const match = clamp(round(cut(MATCH_BETA)), ...MATCH_RANGE);
  const review = clamp(round(cut(REVIEW_BETA)), MIN_REVIEW, match);
  return { match, review };
}

/** The bin whose lower edge, as the cut, maximises the expected F-beta of the pairs above it. */
function bestCut(pairs: Float64Array, probability: Float64Array, total: number, beta: number): number {
  const b2 = beta * beta;
  let kept = 0;
  let truePositives = 0;
  let best = -1;
  let cut = BINS;
  for (let bin = BINS - 1; bin >= 0; bin--) {
    if (pairs[bin] === 0) continue;
    kept += pairs[bin]!;
    truePositives += pairs[bin]! * probability[bin]!;
    const falsePositives = kept - truePositives;
    const falseNegatives = total - truePositives;
    const f = ((1 + b2) * truePositives) / ((1 + b2) * truePositives + b2 * falseNegatives + falsePositives);
    // Strictly better only: among equal cuts the strictest wins.
    if (f > best) {
      best = f;
      cut = bin;
    }
  }
  return cut;
}

/** Four decimals: what the scan reports and the queue shows. */
function round(x: number): number {
  return Math.floor(x * 10_000) / 10_000;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}
