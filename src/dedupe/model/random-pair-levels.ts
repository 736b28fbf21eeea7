/**
 * The comparison levels of random pairs of records: what a field's u (the chance of each level between
 * two different people) is estimated from. Each field samples with its own seeded generator, so a
 * field's sample is the same whichever thread takes it: a large scan samples each field on the thread
 * that compares it, while the other thread does the same for its own.
 */
import { compareField, type ComparableField } from './comparable-field.js';
import { seededRandom } from './seeded-random.js';

/** Random pairs compared per field. */
export const RANDOM_PAIRS_PER_FIELD = 200_000;

export interface RandomPairLevels {
  /** Pairs at each level (no missing level: both records of a pair have a value). */
  counts: number[];
  /** Pairs compared. */
  sampled: number;
  /** Records with a value. */
  withValue: number;
}

/** Levels of up to `pairs` random pairs of the field's records (field `column` of the rules). */
export function sampleRandomPairLevels(
  field: ComparableField,
  column: number,
  pairs = RANDOM_PAIRS_PER_FIELD,
): RandomPairLevels {
  return sampleFrom(field, column, recordsWithValue(field), pairs);
}

/** The records that have a value: counted first, as a million pushes per field grew an array step by step. */
export function recordsWithValue(field: ComparableField): Int32Array {
  const values = field.values;
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) count++;
  const withValue = new Int32Array(count);
  for (let i = 0, w = 0; i < values.length; i++) if (values[i] !== null) withValue[w++] = i;
  return withValue;
}

/** `sampleRandomPairLevels` from the records with a value (`recordsWithValue`). */
export function sampleFrom(
  field: ComparableField,
  column: number,
  withValue: Int32Array,
  pairs: number,
): RandomPairLevels {
  const random = seededRandom(11 + column);
  const counts = new Array<number>(field.comparator.levels.length).fill(0);
  let sampled = 0;
  const n = withValue.length;
  if (n >= 2) {
    const samples = Math.min(pairs, (n * (n - 1)) / 2);
    for (let s = 0; s < samples; s++) {
      const x = withValue[Math.floor(random() * n)]!;
      const y = withValue[Math.floor(random() * n)]!;
      if (x === y) continue;
      counts[compareField(field, x, y)]!++;
      sampled++;
    }
  }
  return { counts, sampled, withValue: n };
}
