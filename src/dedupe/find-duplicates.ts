/**
 * Duplicate detection over prepared records, without I/O: block → compare → train (or reuse) the
 * model → score → band → cluster. The scan service feeds it records from the store and keeps its
 * results; the benchmark feeds it the same way and measures against labelled truth.
 */
import {
  type BlockingRule,
  deriveBlockingRules,
  generateCandidatePairs,
  generateCandidatePairsOnThreads,
} from './model/blocking-plan.js';
import { type CoherentCluster, clusterMatchPairs } from './model/cluster-pairs.js';
import { compareCandidatePairs } from './model/compare-candidate-pairs.js';
import { bandThresholds, deriveThresholds } from './model/derive-thresholds.js';
import {
  levelWeights,
  matchWeight,
  type TrainedModel,
  trainModel,
  weightToProbability,
} from './model/fellegi-sunter-model.js';
import { DEFAULT_MAX_BLOCK_SIZE, type MatchingRules } from './model/matching-rules.js';
import { type BandThresholds, bandAboveReview, identifiersDiffer } from './model/pair-band.js';
import type { PreparedRecords } from './model/prepared-records.js';
import { scorePairs } from './model/score-pairs.js';

export type DuplicateBand = 'match' | 'review';

export interface DetectedPair {
  /** Record indexes, a < b. */
  a: number;
  b: number;
  weight: number;
  probability: number;
  band: DuplicateBand;
  /** Comparison level per field (-1: a value is missing), as scored. */
  levels: Int8Array;
}

export interface DetectionResult {
  /** Pairs at or above the review threshold, and every pair inside a cluster whatever its score; strongest first. */
  pairs: DetectedPair[];
  /** Coherent groups of records joined along `match` pairs, each with its weakest internal pair. */
  clusters: CoherentCluster[];
  /** Candidate pairs compared (after blocking). */
  compared: number;
  blocking: BlockingRule[];
  model: TrainedModel;
  /** As set in the rules, else as derived by the model (this scan's or the reused one's). */
  thresholds: BandThresholds;
}

export type DetectionStage = 'block' | 'compare' | 'train' | 'score' | 'cluster';

export interface DetectionOptions {
  /** Only pairs with at least one changed record are compared (incremental scan). */
  changed?: Uint8Array;
  /** Reuse a model trained by an earlier full scan instead of estimating one. */
  model?: TrainedModel;
  onStage?: (stage: DetectionStage) => void;
  /** List, compare and score the pairs on two threads when there are many. */
  thread?: boolean;
}

export async function findDuplicates(
  records: PreparedRecords,
  rules: MatchingRules,
  options: DetectionOptions = {},
): Promise<DetectionResult> {
  const maxBlockSize = rules.max_block_size ?? DEFAULT_MAX_BLOCK_SIZE;
  options.onStage?.('block');
  const blocking =
    rules.blocking?.map((fields) => ({ fields })) ?? deriveBlockingRules(records, maxBlockSize);
  // `let`: released before clustering (hundreds of MB at a million contacts) rather than at return.
  let candidates = options.thread
    ? await generateCandidatePairsOnThreads(records, blocking, maxBlockSize, { changed: options.changed })
    : generateCandidatePairs(records, blocking, maxBlockSize, options.changed);
  const compared = candidates.count;
  options.onStage?.('compare');
  const comparison = await compareCandidatePairs(records, candidates, {
    thread: options.thread,
    // Training's random pairs, sampled on the compare threads (an incremental scan reuses its model).
    sampleRandomPairs: !options.model,
  });
  let gamma = comparison.gamma;
  options.onStage?.('train');
  const model =
    options.model ??
    trainModel(records, candidates, gamma, rules.prior, comparison.randomPairLevels ?? undefined);
  // Only training reads which rules each pair matched (29 MB at a million contacts).
  candidates.rulesMatched = new Uint16Array(0);
  options.onStage?.('score');
  const weights = levelWeights(model);
  const width = records.fields.length;
  let scores = await scorePairs(
    model,
    records,
    { a: candidates.a, b: candidates.b, gamma, count: candidates.count },
    { thread: options.thread },
  );
  if (!options.model && model.em_iterations > 0) model.thresholds = deriveThresholds(scores);
  const thresholds = bandThresholds(rules, model);
  const reviewWeight = Math.log2(thresholds.review / (1 - thresholds.review));
  const pairs: DetectedPair[] = [];
  for (let p = 0; p < candidates.count; p++) {
    const weight = scores[p]!;
    if (weight < reviewWeight) continue;
    const probability = weightToProbability(weight);
    const rowLevels = gamma.slice(p * width, p * width + width);
    pairs.push({
      a: candidates.a[p]!,
      b: candidates.b[p]!,
      weight,
      probability,
      band: bandAboveReview(probability, thresholds, identifiersDiffer(records.fields, rowLevels)),
      levels: rowLevels,
    });
  }
  pairs.sort((x, y) => y.weight - x.weight);
  candidates = undefined!;
  gamma = undefined!;
  scores = undefined!;

  options.onStage?.('cluster');
  const matched = pairs.filter((p) => p.band === 'match');
  // Pairs inside a growing cluster are scored again on demand, compared by blocking or not: holding
  // every compared pair's score for lookup could take gigabytes, and clusters ask about few pairs.
  const levels = new Int8Array(width);
  const pairLevels = (x: number, y: number) => {
    for (let k = 0; k < width; k++) levels[k] = records.fields[k]!.compare(x, y);
    return levels;
  };
  const pairWeight = (x: number, y: number) => matchWeight(model, weights, records, pairLevels(x, y), x, y);
  const clusters = clusterMatchPairs(matched, {
    pairWeight,
    // Customers whose phones (e-mails, identities) differ are put together by a person only.
    vetoes: (x, y) => identifiersDiffer(records.fields, pairLevels(x, y)),
    matchWeight: Math.log2(thresholds.match / (1 - thresholds.match)),
    reviewWeight,
  });
  // Every pair inside a cluster is kept with the pairs, whatever its score and whether blocking
  // compared it: the queue then shows why a cluster holds together (its weakest pair first), and an
  // automatic merge can check that every pair inside is in the match band from the store alone.
  const found = new Set(pairs.map((p) => p.a * records.size + p.b));
  const before = pairs.length;
  for (const { members } of clusters) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i]!;
        const b = members[j]!;
        if (found.has(a * records.size + b)) continue;
        const weight = pairWeight(a, b);
        const probability = weightToProbability(weight);
        pairs.push({
          a,
          b,
          weight,
          probability,
          // Never a conflict: a pair whose identifiers differ vetoes the cluster.
          band: probability >= thresholds.match ? 'match' : 'review',
          levels: levels.slice(),
        });
      }
    }
  }
  if (pairs.length > before) pairs.sort((x, y) => y.weight - x.weight);
  return { pairs, clusters, compared, blocking, model, thresholds };
}
