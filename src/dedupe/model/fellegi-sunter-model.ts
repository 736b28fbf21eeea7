/**
 * Probabilistic scoring after Fellegi and Sunter. For each compared field, m(level) = P(level | same
 * person) and u(level) = P(level | different people); a pair's match weight is the prior's log-odds
 * plus Σ log2(m/u) over its fields, and its probability is the logistic of that weight.
 *
 * - u comes from the data itself: exact agreement from value frequencies (Σ share²), the other levels
 *   from random pairs of records that both have the field.
 * - m and the prior are estimated by expectation–maximisation over the candidate pairs. A field's m is
 *   learnt from pairs found by blocking rules that do not use that field, so blocking on a field does
 *   not make agreement on it look certain.
 * - Term frequency: exact agreement on a value held by few records counts for more than agreement on
 *   a common one (u of that agreement = the value's share instead of the field's average).
 */
import { type CandidatePairs, termFields } from './blocking-plan.js';
import type { BandThresholds } from './pair-band.js';
import type { FieldRule } from './matching-rules.js';
import { deterministicProblems, fieldProblems, isDegenerate, type ModelCheck } from './model-check.js';
import type { PreparedRecords } from './prepared-records.js';
import { IntPairCodes } from './int-pair-codes.js';
import { type RandomPairLevels, sampleRandomPairLevels } from './random-pair-levels.js';

export interface FieldParameters {
  field: string;
  comparator: FieldRule['comparator'];
  levels: readonly string[];
  m: number[];
  u: number[];
  term_frequency: boolean;
}

export interface TrainedModel {
  /** Probability that two records drawn at random are the same person. */
  prior: number;
  fields: FieldParameters[];
  em_iterations: number;
  /** Derived from the probabilities of the scan that trained it (absent when EM did not run). */
  thresholds?: BandThresholds;
  /** The guard's verdict on what EM learnt (absent when EM did not run): problems, and the fallback taken. */
  check?: ModelCheck;
}

export interface FieldContribution {
  field: string;
  comparator: string;
  /** Level label, or `missing` when either record has no value (no evidence either way). */
  level: string;
  /** log2 Bayes factor this field adds to the match weight. */
  weight: number;
}

/** Pseudo-pairs of the generic u below: small data sets lean on it, large ones outweigh it. */
const U_PRIOR_PAIRS = 1_000;
/** With fewer candidate pairs than this, EM has too little to learn from: the initial m stays. */
const MIN_PAIRS_FOR_EM = 200;
/** Share of records assumed to have a duplicate when the data is too small to estimate it. */
const DEFAULT_DUPLICATE_SHARE = 0.05;

/** Generic u per level before any data: exact agreement is rare, partial agreement less so. */
function genericU(levels: number): number[] {
  const u: number[] = Array.from({ length: levels }, (_, l) =>
    l === 0 ? 0.001 : l === levels - 1 ? 0 : 0.01,
  );
  u[levels - 1] = 1 - u.reduce((s, x) => s + x, 0);
  return u;
}
const MAX_EM_ITERATIONS = 60;
export const MIN_PROBABILITY = 1e-9;

/**
 * u per field and level: exact agreement from value frequencies, the other levels from random pairs
 * (`sampled`: each field's, where the compare threads sampled them already).
 */
function estimateU(records: PreparedRecords, sampled?: readonly RandomPairLevels[]): number[][] {
  return records.fields.map((field, k) => {
    const levels = field.levelCount;
    const sample = sampled?.[k] ?? sampleRandomPairLevels(field, k);
    const n = sample.withValue;
    const prior = genericU(levels);
    const smoothed = sample.counts.map(
      (c, l) => (c + U_PRIOR_PAIRS * prior[l]!) / (sample.sampled + U_PRIOR_PAIRS),
    );
    // Exact agreement is known precisely from value frequencies (over all pairs); sampling shapes the rest.
    const allPairs = (n * (n - 1)) / 2;
    const exact = Math.max(
      (field.exactAgreementRate * allPairs + U_PRIOR_PAIRS * prior[0]!) / (allPairs + U_PRIOR_PAIRS),
      MIN_PROBABILITY,
    );
    const rest = smoothed.slice(1).reduce((sum, c) => sum + c, 0);
    return [exact, ...smoothed.slice(1).map((c) => ((1 - exact) * c) / rest)];
  });
}

function initialM(levels: number): number[] {
  const m = Array.from({ length: levels }, (_, l) => (l === levels - 1 ? 0.05 : 0.95 * 0.5 ** l));
  const total = m.reduce((s, x) => s + x, 0);
  return m.map((x) => x / total);
}

/**
 * A pair's comparison pattern (its levels in `gamma` from `row`, and the blocking rules it matched) as
 * two integers in `out`: 3 bits per level (-1..5, at most 7 levels) of at most 15 fields and the 16-bit
 * rule mask, split 8 and 7 fields with 8 mask bits each (32 and 29 bits). Distinct patterns give
 * distinct pairs of integers.
 */
export function packPattern(
  gamma: Int8Array,
  row: number,
  width: number,
  rules: number,
  out: Int32Array,
): void {
  let x = 0;
  let y = 0;
  for (let k = 0; k < width; k++) {
    if (k < 8) x = (x << 3) | (gamma[row + k]! + 1);
    else y = (y << 3) | (gamma[row + k]! + 1);
  }
  out[0] = x | ((rules & 0xff) << 24);
  out[1] = y | ((rules >>> 8) << 21);
}

/** Estimates u from random pairs, then m and the prior by EM over the candidate pairs' levels. */
export function trainModel(
  records: PreparedRecords,
  pairs: CandidatePairs,
  gamma: Int8Array,
  fixedPrior?: number,
  /** Each field's random pairs' levels, when the compare threads sampled them. */
  randomPairLevels?: readonly RandomPairLevels[],
): TrainedModel {
  const fields = records.fields;
  const width = fields.length;
  const u = estimateU(records, randomPairLevels).map((estimated, k) => fields[k]!.rule.u ?? estimated);
  const m = fields.map((f) => f.rule.m ?? initialM(f.levelCount));
  const totalPairs = (records.size * (records.size - 1)) / 2;

  // Candidate pairs collapse into few distinct (levels, rules matched) patterns; EM runs over those.
  if (width > 15 || fields.some((f) => f.levelCount > 7) || pairs.rules.length > 16) {
    throw new Error('a pattern holds at most 15 fields of at most 7 levels and 16 blocking rules');
  }
  const patternIndex = new IntPairCodes();
  const packed = new Int32Array(2);
  const patternLevels: number[][] = [];
  const patternRules: number[] = [];
  const patternCount: number[] = [];
  for (let p = 0; p < pairs.count; p++) {
    const row = p * width;
    const rules = pairs.rulesMatched[p]!;
    packPattern(gamma, row, width, rules, packed);
    const x = packed[0]!;
    const y = packed[1]!;
    const index = patternIndex.codeOf(x, y);
    if (index === patternLevels.length) {
      patternLevels.push(Array.from(gamma.subarray(row, row + width)));
      patternRules.push(rules);
      patternCount.push(0);
    }
    patternCount[index]!++;
  }
  // For each field, the rules that do not use it: pairs they found say something unbiased about it.
  const rulesWithoutField = fields.map((f) =>
    pairs.rules.reduce(
      (mask, rule, r) =>
        rule.fields.some((t) => termFields(t).includes(f.rule.field)) ? mask : mask | (1 << r),
      0,
    ),
  );

  const learn = pairs.count >= MIN_PAIRS_FOR_EM;
  let prior =
    fixedPrior ??
    (learn
      ? Math.max(pairs.count * 0.1, 1) / Math.max(totalPairs, 1)
      : Math.min(0.5, (DEFAULT_DUPLICATE_SHARE * 2) / Math.max(records.size - 1, 1)));
  const posterior = new Float64Array(patternLevels.length);
  /** Each pattern's probability of being a match under m and the prior; returns the expected matches. */
  const expectMatches = () => {
    const priorOdds = prior / (1 - prior);
    let expected = 0;
    for (let p = 0; p < patternLevels.length; p++) {
      let ratio = priorOdds;
      const levels = patternLevels[p]!;
      for (let k = 0; k < width; k++) {
        const level = levels[k]!;
        if (level >= 0) ratio *= m[k]![level]! / u[k]![level]!;
      }
      posterior[p] = ratio / (1 + ratio);
      expected += posterior[p]! * patternCount[p]!;
    }
    return expected;
  };
  const updatePrior = (expectedMatches: number) => {
    const next = Math.min(Math.max(expectedMatches / totalPairs, MIN_PROBABILITY), 0.5);
    const change = Math.abs(Math.log(next / prior)) / 100;
    prior = next;
    return change;
  };
  let iterations = 0;
  for (; iterations < MAX_EM_ITERATIONS && learn; iterations++) {
    const expectedMatches = expectMatches();
    let change = 0;
    for (let k = 0; k < width; k++) {
      if (fields[k]!.rule.m) continue;
      const levelCount = fields[k]!.levelCount;
      const learnt = new Array<number>(levelCount).fill(0);
      const fallback = new Array<number>(levelCount).fill(0);
      for (let p = 0; p < patternLevels.length; p++) {
        const level = patternLevels[p]![k]!;
        if (level < 0) continue;
        const weight = posterior[p]! * patternCount[p]!;
        fallback[level]! += weight;
        if ((patternRules[p]! & rulesWithoutField[k]!) !== 0) learnt[level]! += weight;
      }
      const source = learnt.reduce((s, x) => s + x, 0) >= 1 ? learnt : fallback;
      const total = source.reduce((s, x) => s + x, 0);
      if (total <= 0) continue;
      for (let l = 0; l < levelCount; l++) {
        const next = Math.max(source[l]! / total, MIN_PROBABILITY);
        change = Math.max(change, Math.abs(next - m[k]![l]!));
        m[k]![l] = next;
      }
    }
    if (fixedPrior === undefined) change = Math.max(change, updatePrior(expectedMatches));
    if (change < 1e-6) break;
  }
  let check: ModelCheck | undefined;
  if (learn) {
    // The guard: what EM learnt must look like "same person", else the generic m (agreement is
    // evidence, disagreement is not) are kept and only the prior is learnt with them.
    expectMatches();
    const learnt = fields.flatMap((f, k) =>
      f.rule.m ? [] : [{ field: f.rule.field, levels: f.comparator.levels, m: m[k]!, u: u[k]! }],
    );
    const byField = fieldProblems(learnt);
    const deterministic = deterministicProblems(
      fields.map((f) => f.levelCount),
      patternLevels,
      patternCount,
      posterior,
    );
    check = { problems: [...[...byField.values()].flat(), ...deterministic], fallback: null };
    if (isDegenerate(byField.size, learnt.length, deterministic)) {
      check.fallback = 'generic_m';
      fields.forEach((f, k) => {
        if (!f.rule.m) m[k] = initialM(f.levelCount);
      });
      for (let i = 0; i < MAX_EM_ITERATIONS && fixedPrior === undefined; i++) {
        if (updatePrior(expectMatches()) < 1e-6) break;
      }
    }
  }
  return {
    prior,
    em_iterations: iterations,
    ...(check ? { check } : {}),
    fields: fields.map((f, k) => ({
      field: f.rule.field,
      comparator: f.rule.comparator,
      levels: f.comparator.levels,
      m: m[k]!,
      u: u[k]!,
      term_frequency: f.termFrequency,
    })),
  };
}

/** Per-field log2(m/u), precomputed for scoring. */
export function levelWeights(model: TrainedModel): number[][] {
  return model.fields.map((f) => f.m.map((m, l) => Math.log2(m / f.u[l]!)));
}

/** The match weight of a pair of records from its levels (row of gamma) with term-frequency adjustment. */
export function matchWeight(
  model: TrainedModel,
  weights: number[][],
  records: PreparedRecords,
  levels: ArrayLike<number>,
  i: number,
  j: number,
  /** Where the pair's levels start in `levels` (a scan passes all pairs' levels in one array). */
  offset = 0,
): number {
  let weight = Math.log2(model.prior / (1 - model.prior));
  for (let k = 0; k < weights.length; k++) {
    const level = levels[offset + k]!;
    if (level >= 0) weight += fieldWeight(model, weights, records, k, level, i, j);
  }
  return weight;
}

/** What field k at this level adds to the weight of records i and j (log2 Bayes factor). */
export function fieldWeight(
  model: TrainedModel,
  weights: number[][],
  records: PreparedRecords,
  k: number,
  level: number,
  i: number,
  j: number,
): number {
  // A field prepared without term frequencies has no shares (a reused model's rules are the scan's).
  if (level === 0 && model.fields[k]!.term_frequency && records.fields[k]!.keyShare.length > 0) {
    const field = records.fields[k]!;
    const share = Math.max(field.keyShare[i]!, field.keyShare[j]!, MIN_PROBABILITY);
    return Math.log2(model.fields[k]!.m[0]! / share);
  }
  return weights[k]![level]!;
}

export function weightToProbability(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** Each field's contribution to a pair's weight: what a reviewer sees next to the score. */
export function explainPair(
  model: TrainedModel,
  records: PreparedRecords,
  i: number,
  j: number,
  weights: number[][] = levelWeights(model),
  /** The pair's comparison levels when the scan already has them. */
  levels?: ArrayLike<number>,
): FieldContribution[] {
  return records.fields.map((field, k) => {
    const level = levels ? levels[k]! : field.compare(i, j);
    const parameters = model.fields[k]!;
    if (level < 0)
      return { field: parameters.field, comparator: parameters.comparator, level: 'missing', weight: 0 };
    return {
      field: parameters.field,
      comparator: parameters.comparator,
      level: parameters.levels[level]!,
      weight: Math.round(fieldWeight(model, weights, records, k, level, i, j) * 100) / 100,
    };
  });
}
