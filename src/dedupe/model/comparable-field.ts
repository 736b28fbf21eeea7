/**
 * What comparing one field of two records needs: the comparator and each record's prepared values.
 * `PreparedField` is one; a compare thread rebuilds one from `encodeComparableField`'s plain data.
 */
import type { Comparator, ComparatorKind } from '../compare/comparator.js';
import { COMPARATORS } from '../compare/comparator-registry.js';

export interface ComparableField {
  readonly comparator: Comparator;
  /** Prepared value per record, null where it has none. */
  readonly values: readonly unknown[];
  /** Further values of multi-valued fields; undefined where a record has only one. */
  readonly extras: readonly (readonly unknown[] | undefined)[] | null;
  /** The other half of a person's name (first_name ↔ last_name): swapped halves agree as an alias. */
  readonly swapPartner: ComparableField | null;
  /** Where records share prepared values. */
  readonly sharedValues?: SharedValues | null;
}

/**
 * Where records share prepared values: each distinct value once, and each record's value as a number
 * into them (-1: none): `values[i] === distinct[numbers[i]]`, and `numbers[i] < 0` exactly where
 * `values[i] === null` (comparing by pairs of values relies on it). Blocking keys a distinct name or
 * address once instead of once per record, and a compare thread receives them as they are.
 */
export interface SharedValues {
  readonly distinct: readonly unknown[];
  readonly numbers: Int32Array;
}

/** The comparison level of records i and j on `field`, or -1 when either has no value. */
export function compareField(field: ComparableField, i: number, j: number): number {
  const a = field.values[i];
  const b = field.values[j];
  if (a === null || b === null) return -1;
  const comparator = field.comparator;
  let best = comparator.compare(a, b);
  if (best > 1 && field.swapPartner) best = Math.min(best, swappedLevel(field, i, j));
  if (best === 0 || field.extras === null) return best;
  const moreA = field.extras[i];
  const moreB = field.extras[j];
  if (!moreA && !moreB) return best;
  const listA = moreA ? [a, ...moreA] : [a];
  const listB = moreB ? [b, ...moreB] : [b];
  for (const x of listA) {
    for (const y of listB) {
      const level = comparator.compare(x, y);
      if (level < best) best = level;
      if (best === 0) return 0;
    }
  }
  return best;
}

/** Level of the pair with name halves swapped: both crossings must agree (alias) or nearly (typo). */
function swappedLevel(field: ComparableField, i: number, j: number): number {
  const partner = field.swapPartner!;
  const ownI = field.values[i];
  const otherJ = partner.values[j];
  const otherI = partner.values[i];
  const ownJ = field.values[j];
  if (otherJ === null || otherI === null || ownI === null || ownJ === null) return Infinity;
  const worst = Math.max(field.comparator.compare(ownI, otherJ), field.comparator.compare(otherI, ownJ));
  return worst <= 1 ? 1 : worst === 2 ? 2 : Infinity;
}

/**
 * A field as plain, cloneable data for another thread: each distinct prepared value once (records
 * with the same name share one prepared object) and a code per record.
 */
export interface EncodedField {
  kind: ComparatorKind;
  dictionary: unknown[];
  /** Index into `dictionary` per record; -1 for none. */
  codes: Int32Array;
  /** [record, codes of its further values] for multi-valued records. */
  extras: [number, number[]][] | null;
}

export function encodeComparableField(field: ComparableField): EncodedField {
  // Records sharing prepared values are numbered already: their distinct values are the dictionary.
  if (field.sharedValues && field.extras === null) {
    const { distinct, numbers } = field.sharedValues;
    return { kind: field.comparator.kind, dictionary: distinct as unknown[], codes: numbers, extras: null };
  }
  const dictionary: unknown[] = [];
  const codeOf = new Map<unknown, number>();
  const code = (value: unknown) => {
    let c = codeOf.get(value);
    if (c === undefined) {
      c = dictionary.length;
      dictionary.push(value);
      codeOf.set(value, c);
    }
    return c;
  };
  const codes = new Int32Array(field.values.length);
  field.values.forEach((value, i) => (codes[i] = value === null ? -1 : code(value)));
  let extras: [number, number[]][] | null = null;
  if (field.extras) {
    extras = [];
    field.extras.forEach((more, i) => {
      if (more) extras!.push([i, more.map(code)]);
    });
  }
  return { kind: field.comparator.kind, dictionary, codes, extras };
}

export function decodeComparableField(encoded: EncodedField): {
  comparator: Comparator;
  values: unknown[];
  extras: (unknown[] | undefined)[] | null;
  swapPartner: ComparableField | null;
  sharedValues: SharedValues | null;
} {
  const { dictionary, codes } = encoded;
  const values = new Array<unknown>(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i]! < 0 ? null : dictionary[codes[i]!];
  let extras: (unknown[] | undefined)[] | null = null;
  if (encoded.extras) {
    extras = new Array<unknown[] | undefined>(codes.length);
    for (const [i, more] of encoded.extras) extras[i] = more.map((c) => dictionary[c]);
  }
  // The dictionary and codes are distinct values and a number per record, as the thread was sent them.
  const sharedValues = extras === null ? { distinct: dictionary, numbers: codes } : null;
  return { comparator: COMPARATORS[encoded.kind], values, extras, swapPartner: null, sharedValues };
}
