/**
 * Comparing every candidate pair on every field: the heaviest stage of a scan. Field by field, so each
 * inner loop calls one comparator (V8 keeps that call site monomorphic). On large scans the fields are
 * split in two by measured cost, the worker thread's share at least half: it compares its fields while
 * this thread compares the others and then takes over what the worker has not reached, both writing into
 * one shared levels array. The worker gets its fields as plain data, each distinct prepared value once.
 */
import { alongsideWorkerThread } from '../../store/worker-thread.js';
import type { CandidatePairs } from './blocking-plan.js';
import {
  compareField,
  type ComparableField,
  encodeComparableField,
  type EncodedField,
  type SharedValues,
} from './comparable-field.js';
import type { PreparedRecords } from './prepared-records.js';
import {
  RANDOM_PAIRS_PER_FIELD,
  type RandomPairLevels,
  recordsWithValue,
  sampleFrom,
  sampleRandomPairLevels,
} from './random-pair-levels.js';

/** What the worker thread (`compare-fields-worker.ts`) is given, and what it answers. */
export interface CompareFieldsTask {
  /** `column`: the field's index in the levels rows; `partner`: its name half's index, if any. */
  fields: { column: number; encoded: EncodedField; partner: number | null }[];
  a: Int32Array;
  b: Int32Array;
  /** Shared with the main thread, which fills the other columns at the same time. */
  gamma: Int8Array;
  width: number;
  /** These fields' pairs (and random pairs) in units, shared with the main thread. */
  work: SharedFieldWork;
}

export interface CompareFieldsReply {
  /** The random pairs' levels of the fields whose sample this thread took: [column, levels]. */
  randomPairLevels: [number, RandomPairLevels][];
}

/** Below this many pairs, starting a thread costs more than it saves. */
export const THREAD_MIN_PAIRS = 500_000;

/**
 * Pairs timed per field before splitting: runs of consecutive pairs, as the comparing loop reads them
 * (pairs of one block share records; single pairs picked across the list cost mostly cache misses,
 * which overstated cheap fields several times over). A few milliseconds against seconds of comparing.
 */
const COST_RUNS = 20;
const COST_RUN_LENGTH = 1_000;

/** Random pairs timed per field, when the threads also sample random pairs: a few milliseconds. */
const COST_RANDOM_PAIRS = 2_000;

/**
 * Each field's cost on these very pairs, in milliseconds for all of them: a comparison's cost depends
 * on the data (long addresses, e-mails alike enough to need a second look), so a fixed table leaves one
 * thread idle for seconds. Runs are spread across the whole list (it comes grouped by blocking rule).
 * Each field is timed twice, the first round only warming the comparator up. With `randomPairs`, plus
 * the cost of sampling that many random pairs of the field, which is not in proportion: two random
 * phones differ all along, while a candidate pair's mostly agree at once.
 */
export function measureFieldCosts(
  fields: readonly ComparableField[],
  pairs: Pick<CandidatePairs, 'a' | 'b' | 'count'>,
  randomPairs = 0,
): number[] {
  const run = Math.min(COST_RUN_LENGTH, pairs.count);
  const runs = run === 0 ? 0 : Math.min(COST_RUNS, Math.floor(pairs.count / run));
  const step = runs === 0 ? 0 : Math.floor(pairs.count / runs);
  const scratch = new Int8Array(run);
  const costs = new Array<number>(fields.length).fill(0);
  const timed = runs * run;
  const sampled = Math.min(COST_RANDOM_PAIRS, randomPairs);
  for (let round = 0; round < 2; round++) {
    fields.forEach((field, k) => {
      let started = performance.now();
      for (let r = 0; r < runs; r++) compareFieldInto(field, pairs, r * step, r * step + run, scratch, 1, 0);
      costs[k] = timed === 0 ? 0 : ((performance.now() - started) * pairs.count) / timed;
      if (sampled === 0) return;
      // Only the comparing scales with the pairs: listing the records with a value is once a field.
      const withValue = recordsWithValue(field);
      started = performance.now();
      sampleFrom(field, k, withValue, sampled);
      costs[k] += ((performance.now() - started) * randomPairs) / sampled;
    });
  }
  return costs;
}

export function compareFieldsInto(
  fields: readonly ComparableField[],
  columns: readonly number[],
  pairs: Pick<CandidatePairs, 'a' | 'b' | 'count'>,
  gamma: Int8Array,
  width: number,
): void {
  for (let f = 0; f < fields.length; f++) {
    compareFieldInto(fields[f]!, pairs, 0, pairs.count, gamma, width, columns[f]!);
  }
}

/** Levels of pairs `from` to `to` on one field, into `gamma` from index `row` on, one every `width`. */
function compareFieldInto(
  field: ComparableField,
  pairs: Pick<CandidatePairs, 'a' | 'b'>,
  from: number,
  to: number,
  gamma: Int8Array,
  width: number,
  row: number,
): void {
  const { a, b } = pairs;
  if (!comparesByValuePair(field)) {
    for (let p = from; p < to; p++, row += width) gamma[row] = compareField(field, a[p]!, b[p]!);
    return;
  }
  const { distinct, numbers } = field.sharedValues;
  const size = distinct.length;
  const levels = levelTable(field);
  for (let p = from; p < to; p++, row += width) {
    const x = numbers[a[p]!]!;
    const y = numbers[b[p]!]!;
    if (x < 0 || y < 0) {
      gamma[row] = -1;
      continue;
    }
    const at = x * size + y;
    let level = levels[at]!;
    if (level === UNKNOWN_LEVEL) level = levels[at] = field.comparator.compare(distinct[x], distinct[y]);
    gamma[row] = level;
  }
}

/** Up to this many distinct values, a field's levels are kept per pair of values (4 MB at most). */
export const LEVEL_TABLE_MAX_VALUES = 2048;

const UNKNOWN_LEVEL = -2;

/**
 * The levels of a field of few values (a city, a gender) per pair of its values, each compared the
 * first time it is met and looked up after: 27 cities meet in a few hundred ways across millions of
 * pairs. Kept while the field lives, so the timing before the split fills it for the comparing.
 */
const levelTables = new WeakMap<SharedValues, Int8Array>();

function levelTable(field: ComparableField & { sharedValues: SharedValues }): Int8Array {
  // Keyed by the values themselves: a field given other values never meets an old table.
  let table = levelTables.get(field.sharedValues);
  if (!table) {
    const size = field.sharedValues.distinct.length;
    table = new Int8Array(size * size).fill(UNKNOWN_LEVEL);
    levelTables.set(field.sharedValues, table);
  }
  return table;
}

function comparesByValuePair(
  field: ComparableField,
): field is ComparableField & { sharedValues: SharedValues } {
  return (
    field.sharedValues != null &&
    field.sharedValues.distinct.length <= LEVEL_TABLE_MAX_VALUES &&
    field.extras === null &&
    field.swapPartner === null
  );
}

/** What comparing the candidate pairs gives. */
export interface ComparedPairs {
  /** Levels per pair and field, row-major (`pairs.count` × fields), -1 where a value is missing. */
  gamma: Int8Array;
  /** Each field's random pairs' levels (`sampleRandomPairLevels`), when asked for: training's u. */
  randomPairLevels: RandomPairLevels[] | null;
}

/**
 * Compares every candidate pair on every field. With `sampleRandomPairs`, each thread then also
 * samples random pairs of its own fields for training: a second of one core at a million contacts that
 * training would otherwise spend alone, after this stage.
 */
export async function compareCandidatePairs(
  records: PreparedRecords,
  pairs: CandidatePairs,
  options: {
    thread?: boolean;
    threadMinPairs?: number;
    sampleRandomPairs?: boolean;
    /** Pairs per unit of the thread's share (tests take small ones). */
    chunk?: number;
  } = {},
): Promise<ComparedPairs> {
  const fields = records.fields;
  const width = fields.length;
  const threaded =
    options.thread === true && pairs.count >= (options.threadMinPairs ?? THREAD_MIN_PAIRS) && width >= 2;
  const gamma = new Int8Array(
    threaded ? new SharedArrayBuffer(pairs.count * width) : new ArrayBuffer(pairs.count * width),
  );
  const sample = options.sampleRandomPairs === true;
  const sampleFields = (columns: readonly number[]) =>
    sample ? columns.map((k) => sampleRandomPairLevels(fields[k]!, k)) : [];
  if (!threaded) {
    const all = fields.map((_, k) => k);
    compareFieldsInto(fields, all, pairs, gamma, width);
    return { gamma, randomPairLevels: sample ? sampleFields(all) : null };
  }
  const [own, theirs] = splitByCost(
    records,
    measureFieldCosts(fields, pairs, sample ? RANDOM_PAIRS_PER_FIELD : 0),
  );
  const work: SharedFieldWork = {
    columns: theirs,
    chunk: options.chunk ?? SHARED_WORK_CHUNK,
    count: pairs.count,
    sample,
    next: new Int32Array(new SharedArrayBuffer(4)),
  };
  const task: CompareFieldsTask = {
    fields: theirs.map((k) => ({
      column: k,
      encoded: encodeComparableField(fields[k]!),
      partner: fields[k]!.swapPartner ? fields.indexOf(fields[k]!.swapPartner!) : null,
    })),
    a: shared(pairs.a),
    b: shared(pairs.b),
    gamma,
    width,
    work,
  };
  const randomPairLevels = new Array<RandomPairLevels>(width);
  const [, reply] = await alongsideWorkerThread<void, CompareFieldsReply>(
    import.meta.url,
    'compare-fields-worker',
    task,
    'comparing',
    () => {
      compareFieldsInto(
        own.map((k) => fields[k]!),
        own,
        pairs,
        gamma,
        width,
      );
      for (const k of own) if (sample) randomPairLevels[k] = sampleRandomPairLevels(fields[k]!, k);
      // Then whatever the thread has not taken yet of its own share.
      takeSharedWork(
        work,
        (k) => fields[k]!,
        pairs,
        gamma,
        width,
        (k, levels) => (randomPairLevels[k] = levels),
      );
    },
  );
  if (!sample) return { gamma, randomPairLevels: null };
  for (const [k, levels] of reply.randomPairLevels) randomPairLevels[k] = levels;
  return { gamma, randomPairLevels };
}

/** Pairs per unit of the thread's share that either thread may take (tens of milliseconds of work). */
const SHARED_WORK_CHUNK = 1 << 18;

/**
 * The compare thread's fields as units that either thread may take, in order: each field's pairs in
 * chunks, then (when sampling) each field's random pairs. The thread works through them; this thread,
 * done with its own fields, takes what is left. The split by measured cost alone left this thread idle
 * for seconds at a million contacts: the thread starts comparing later (its copy of the fields arrives
 * first) and runs its share more slowly than it was measured here.
 */
export interface SharedFieldWork {
  /** The fields' columns, in the order they are worked through. */
  columns: readonly number[];
  chunk: number;
  count: number;
  sample: boolean;
  /** On shared memory: the next unit to take. */
  next: Int32Array;
}

/**
 * Takes units of `work` until none is left: levels into `gamma`, random pairs' levels to `sampled`.
 * `fieldOf`: the field of a column, as this thread holds it.
 */
export function takeSharedWork(
  work: SharedFieldWork,
  fieldOf: (column: number) => ComparableField,
  pairs: Pick<CandidatePairs, 'a' | 'b'>,
  gamma: Int8Array,
  width: number,
  sampled: (column: number, levels: RandomPairLevels) => void,
): void {
  const chunks = Math.ceil(work.count / work.chunk);
  const compareUnits = work.columns.length * chunks;
  const units = compareUnits + (work.sample ? work.columns.length : 0);
  for (;;) {
    const unit = Atomics.add(work.next, 0, 1);
    if (unit >= units) return;
    if (unit < compareUnits) {
      const column = work.columns[Math.floor(unit / chunks)]!;
      const from = (unit % chunks) * work.chunk;
      const to = Math.min(work.count, from + work.chunk);
      compareFieldInto(fieldOf(column), pairs, from, to, gamma, width, from * width + column);
    } else {
      const column = work.columns[unit - compareUnits]!;
      sampled(column, sampleRandomPairLevels(fieldOf(column), column));
    }
  }
}

/** Pair arrays on shared memory reach the thread without a copy; others are copied there once. */
function shared(values: Int32Array): Int32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new Int32Array(new SharedArrayBuffer(values.length * 4));
  copy.set(values);
  return copy;
}

/** A split within this share of the best one's time is as good: then the thread's copy decides. */
const SPLIT_TIME_TOLERANCE = 0.03;
/** Above this many units (fields, name halves together), splits are not all tried. */
const MAX_UNITS_TRIED = 16;

/**
 * Field indexes in two groups, the second for the thread: the split whose slower side costs least
 * (`measureFieldCosts`), where a thread's share of more than half costs half (this thread takes over
 * what the thread has not reached); among splits within a few per cent of that, the one whose fields are
 * cheapest to copy to the thread. A field whose records share values (names, addresses, dates)
 * travels as its distinct values and a number per record; e-mails and phones, all distinct, cost
 * their every value twice (on both threads) for the whole comparison. Name halves stay together (a
 * swapped name reads both).
 */
export function splitByCost(records: PreparedRecords, measured: readonly number[]): [number[], number[]] {
  const fields = records.fields;
  const units: number[][] = [];
  const placed = new Set<number>();
  fields.forEach((field, k) => {
    if (placed.has(k)) return;
    const unit = [k];
    placed.add(k);
    const partner = field.swapPartner ? fields.indexOf(field.swapPartner) : -1;
    if (partner >= 0 && !placed.has(partner)) {
      unit.push(partner);
      placed.add(partner);
    }
    units.push(unit);
  });
  const cost = (unit: number[]) => unit.reduce((sum, k) => sum + measured[k]!, 0);
  // What the thread's copy holds: distinct values where records share them, else every value.
  const copy = (unit: number[]) =>
    unit.reduce((sum, k) => sum + (fields[k]!.sharedValues?.distinct.length ?? fields[k]!.nonEmpty), 0);
  if (units.length > MAX_UNITS_TRIED) return splitGreedily(units, cost);
  const costs = units.map(cost);
  const copies = units.map(copy);
  const total = costs.reduce((sum, c) => sum + c, 0);
  const splits: { mask: number; time: number; copied: number }[] = [];
  // Every split with at least one unit on each side (the thread's side is the mask).
  for (let mask = 1; mask < 2 ** units.length - 1; mask++) {
    let theirs = 0;
    let copied = 0;
    for (let u = 0; u < units.length; u++) {
      if (mask & (1 << u)) {
        theirs += costs[u]!;
        copied += copies[u]!;
      }
    }
    // This thread takes what the thread has not reached of its share (`takeSharedWork`), never the
    // other way: a thread's share of more than half still ends with both at half.
    splits.push({ mask, time: Math.max(total / 2, total - theirs), copied });
  }
  if (splits.length === 0) return [units.flat(), []];
  const fastest = Math.min(...splits.map((x) => x.time));
  const best = splits
    .filter((x) => x.time <= fastest * (1 + SPLIT_TIME_TOLERANCE))
    .reduce((x, y) => (y.copied < x.copied || (y.copied === x.copied && y.time < x.time) ? y : x));
  const groups: [number[], number[]] = [[], []];
  units.forEach((unit, u) => groups[best.mask & (1 << u) ? 1 : 0].push(...unit));
  return groups;
}

/** Two groups of about equal cost, costliest unit first; the thread's group opens with it. */
function splitGreedily(units: number[][], cost: (unit: number[]) => number): [number[], number[]] {
  units.sort((x, y) => cost(y) - cost(x));
  const groups: [number[], number[]] = [[], []];
  const totals = [0, 0];
  for (const unit of units) {
    const side = groups[1].length === 0 ? 1 : totals[0]! <= totals[1]! ? 0 : 1;
    groups[side].push(...unit);
    totals[side]! += cost(unit);
  }
  return groups;
}
