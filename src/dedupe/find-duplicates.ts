/**
 * Duplicate detection over prepared records, without I/O: block → compare → train (or reuse) the
 * model → score → band → cluster. The scan service feeds it records from the store and keeps its
 * results; the benchmark feeds it the same way and measures against labelled truth.
 */
import { type BlockingRule, deriveBlockingRules, generateCandidatePairs } from './model/blocking-plan.js';
import { clusterMatchPairs } from './model/cluster-pairs.js';
import { compareCandidatePairs } from './model/compare-candidate-pairs.js';
import { type BandThresholds, bandThresholds, deriveThresholds } from './model/derive-thresholds.js';
import {
  levelWeights,
  matchWeight,
  type TrainedModel,
  trainModel,
  weightToProbability,
} from './model/fellegi-sunter-model.js';
import { DEFAULT_MAX_BLOCK_SIZE, type MatchingRules } from './model/matching-rules.js';
import type { PreparedRecords } from './model/prepared-records.js';

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
  /** Pairs at or above the review threshold, strongest first. */
  pairs: DetectedPair[];
  /** Groups of record indexes joined by `match` pairs. */
  clusters: number[][];
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
  /** Compare half of the fields on a worker thread when there are many pairs. */
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
  const candidates = generateCandidatePairs(records, blocking, maxBlockSize, options.changed);
  options.onStage?.('compare');
  const gamma = await compareCandidatePairs(records, candidates, { thread: options.thread });
  options.onStage?.('train');
  const model = options.model ?? trainModel(records, candidates, gamma, rules.prior);
  options.onStage?.('score');
  const weights = levelWeights(model);
  const width = records.fields.length;
  const scores = new Float32Array(candidates.count);
  for (let p = 0; p < candidates.count; p++) {
    // Levels read in place: a view per pair would allocate for every one of millions of pairs.
    scores[p] = matchWeight(model, weights, records, gamma, candidates.a[p]!, candidates.b[p]!, p * width);
  }
  if (!options.model && model.em_iterations > 0) model.thresholds = deriveThresholds(scores);
  const thresholds = bandThresholds(rules, model);
  const reviewWeight = Math.log2(thresholds.review / (1 - thresholds.review));
  const pairs: DetectedPair[] = [];
  for (let p = 0; p < candidates.count; p++) {
    const weight = scores[p]!;
    if (weight < reviewWeight) continue;
    const probability = weightToProbability(weight);
    pairs.push({
      a: candidates.a[p]!,
      b: candidates.b[p]!,
      weight,
      probability,
      band: probability >= thresholds.match ? 'match' : 'review',
      levels: gamma.slice(p * width, p * width + width),
    });
  }
  pairs.sort((x, y) => y.weight - x.weight);

  options.onStage?.('cluster');
  const matched = pairs.filter((p) => p.band === 'match');
  // A link is weak when the pair was compared and scored below review: scored again on demand, as
  // the clustering asks about few pairs while holding every compared pair could take gigabytes.
  const weakLink = (x: number, y: number) => {
    if (!candidates.compared(x, y)) return false;
    const levels = records.fields.map((field) => field.compare(x, y));
    return matchWeight(model, weights, records, levels, x, y) < reviewWeight;
  };
  const clusters = clusterMatchPairs(matched, weakLink);
  return { pairs, clusters, compared: candidates.count, blocking, model, thresholds };
}
