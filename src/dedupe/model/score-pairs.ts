/**
 * Scoring every candidate pair: its match weight from its comparison levels, with the term-frequency
 * adjustment, as `matchWeight` gives it pair by pair — the same arithmetic in the same order — with the
 * model's weights and shares looked up once. On large scans a worker thread scores the second half of
 * the pairs while this thread scores the first, both writing into one shared array.
 */
import { alongsideWorkerThread } from '../../store/worker-thread.js';
import { levelWeights, MIN_PROBABILITY, type TrainedModel } from './fellegi-sunter-model.js';
import type { PreparedRecords } from './prepared-records.js';

/** Below this many pairs, starting a thread costs more than it saves. */
const THREAD_MIN_PAIRS = 1_000_000;

/** What scoring needs of the model and the records, as plain data another thread can receive. */
export interface ScoringTable {
  width: number;
  /** Levels per field in `weights` (the most any field has). */
  stride: number;
  /** Weight of field k at level l at `k * stride + l`. */
  weights: Float64Array;
  /** Term-frequency shares per record of the fields that adjust exact agreement by them; else null. */
  shares: (Float64Array | null)[];
  /** m of exact agreement per field. */
  exactM: number[];
  priorWeight: number;
}

export interface PairsToScore {
  a: Int32Array;
  b: Int32Array;
  /** Levels per pair and field, row-major. */
  gamma: Int8Array;
  count: number;
}

export function scoringTable(model: TrainedModel, records: PreparedRecords): ScoringTable {
  const width = records.fields.length;
  const levels = levelWeights(model);
  const stride = Math.max(1, ...levels.map((w) => w.length));
  const weights = new Float64Array(width * stride);
  levels.forEach((w, k) => weights.set(w, k * stride));
  return {
    width,
    stride,
    weights,
    shares: records.fields.map((f, k) =>
      model.fields[k]!.term_frequency && f.keyShare.length > 0 ? f.keyShare : null,
    ),
    exactM: model.fields.map((f) => f.m[0]!),
    priorWeight: Math.log2(model.prior / (1 - model.prior)),
  };
}

/** Scores pairs `from` to `to` (exclusive) into `scores`. */
export function scoreRange(
  table: ScoringTable,
  pairs: PairsToScore,
  from: number,
  to: number,
  scores: Float32Array,
): void {
  const { width, stride, weights, shares, exactM, priorWeight } = table;
  const { a, b, gamma } = pairs;
  for (let p = from; p < to; p++) {
    const row = p * width;
    const i = a[p]!;
    const j = b[p]!;
    let weight = priorWeight;
    for (let k = 0; k < width; k++) {
      const level = gamma[row + k]!;
      if (level < 0) continue;
      const share = shares[k]!;
      if (level === 0 && share !== null) {
        weight += Math.log2(exactM[k]! / Math.max(share[i]!, share[j]!, MIN_PROBABILITY));
      } else weight += weights[k * stride + level]!;
    }
    scores[p] = weight;
  }
}

/** Every pair's match weight; with `thread` (and pairs on shared memory), half of them on a thread. */
export async function scorePairs(
  model: TrainedModel,
  records: PreparedRecords,
  pairs: PairsToScore,
  options: { thread?: boolean; threadMinPairs?: number } = {},
): Promise<Float32Array> {
  const table = scoringTable(model, records);
  const onShared = [pairs.a, pairs.b, pairs.gamma].every((x) => x.buffer instanceof SharedArrayBuffer);
  const threaded =
    options.thread === true && onShared && pairs.count >= (options.threadMinPairs ?? THREAD_MIN_PAIRS);
  if (!threaded) {
    const scores = new Float32Array(pairs.count);
    scoreRange(table, pairs, 0, pairs.count, scores);
    return scores;
  }
  const scores = new Float32Array(new SharedArrayBuffer(pairs.count * 4));
  const half = Math.floor(pairs.count / 2);
  const task: ScorePairsTask = { table, pairs, from: half, to: pairs.count, scores };
  await alongsideWorkerThread(import.meta.url, 'score-pairs-worker', task, 'scoring', () =>
    scoreRange(table, pairs, 0, half, scores),
  );
  return scores;
}

export interface ScorePairsTask {
  table: ScoringTable;
  pairs: PairsToScore;
  from: number;
  to: number;
  /** Shared with the scoring thread, which fills the first half meanwhile. */
  scores: Float32Array;
}
