/**
 * Records prepared for comparison, column by column: each compared field's values are prepared once
 * (folded, parsed, pinyin) so that comparing a pair is a couple of array reads and one comparator call.
 */
import type { Comparator } from '../compare/comparator.js';
import { COMPARATORS } from '../compare/comparator-registry.js';
import { type ComparableField, compareField, type SharedValues } from './comparable-field.js';
import type { FieldRule } from './matching-rules.js';
import { StringCodes } from './string-codes.js';

/** Raw values of one field for every record: one value, several (e-mails, phones) or none. */
export type RawColumn = readonly (string | readonly string[] | null | undefined)[];

/** Pseudo-records of the term-frequency shrinkage: negligible on real data, decisive on tiny sets. */
const SHARE_PRIOR_RECORDS = 100;
/** Distinct raw values remembered per field while preparing a column. */
const PREPARE_CACHE_LIMIT = 500_000;

/**
 * Prepares one field's raw values as they are read, record by record: a scan streams rows into one
 * builder per field instead of holding a million raw strings per field until all are read.
 */
export class PreparedFieldBuilder {
  private readonly comparator: Comparator;
  private values: unknown[] = [];
  private extras: (unknown[] | undefined)[] | null = null;
  /** Raw text → its number in `distinct`, while values repeat enough to be worth remembering. */
  private readonly cache = new Map<string, number>();
  private caching = true;
  private lookups = 0;
  /** Prepared values by number: records with the same raw text share one. */
  private distinct: unknown[] = [];
  /** Each record's value number (-1: none), while caching. */
  private valueNumbers: number[] = [];

  constructor(readonly rule: FieldRule) {
    this.comparator = COMPARATORS[rule.comparator];
  }

  /**
   * One raw value of `record`: the record's first value that prepares is its value, later ones (a
   * second e-mail) its further values. Records are added in ascending order, each record's values together.
   */
  add(record: number, raw: string): void {
    // Names, cities and addresses repeat: prepare each distinct text once (pinyin and folding cost).
    // (Given up on columns of mostly distinct values such as e-mails, where it would only cost.)
    let prepared: unknown;
    let number = -1;
    if (this.caching) {
      const known = this.cache.get(raw);
      prepared = known !== undefined ? this.distinct[known] : this.comparator.prepare(raw);
      if (++this.lookups === 20_000 && this.cache.size > 18_000) {
        this.caching = false;
        this.cache.clear();
        this.distinct = [];
        this.valueNumbers = [];
      }
      if (this.caching) {
        number = known ?? this.distinct.length;
        if (known === undefined) {
          this.distinct.push(prepared);
          if (this.cache.size < PREPARE_CACHE_LIMIT) this.cache.set(raw, number);
        }
      }
    } else prepared = this.comparator.prepare(raw);
    if (prepared === null) return;
    const values = this.values;
    while (values.length < record) values.push(null);
    if (values.length === record || values[record] === null) {
      values[record] = prepared;
      if (this.caching) {
        const numbers = this.valueNumbers;
        while (numbers.length < record) numbers.push(-1);
        numbers[record] = number;
      }
    } else {
      this.extras ??= [];
      const more = this.extras[record];
      if (more) more.push(prepared);
      else this.extras[record] = [prepared];
    }
  }

  /** The prepared field of `size` records (those never added have no value). */
  finish(size: number): PreparedField {
    return PreparedField.fromParts(this.rule, this.finishParts(size));
  }

  /** What `finish` builds its field from: plain data that may travel between threads. */
  finishParts(size: number): PreparedFieldParts {
    this.cache.clear();
    const values = this.values;
    while (values.length < size) values.push(null);
    const extras = this.extras;
    if (extras && extras.length < size) extras.length = size;
    let shared: SharedValues | null = null;
    if (this.caching) {
      const numbers = new Int32Array(size).fill(-1);
      numbers.set(this.valueNumbers);
      shared = { distinct: this.distinct, numbers };
    }
    // The field holds them from now on: a builder kept in scope must not keep them alive after it.
    this.values = [];
    this.extras = null;
    this.distinct = [];
    this.valueNumbers = [];
    return { values, extras, shared };
  }
}

/** A prepared field's values, and its stats when counted already (`PreparedField.fromParts`). */
export interface PreparedFieldParts {
  values: unknown[];
  extras: (unknown[] | undefined)[] | null;
  shared: SharedValues | null;
  stats?: FieldStats;
}

/** A field prepared from a whole column of raw values. */
export function prepareColumn(rule: FieldRule, raw: RawColumn): PreparedField {
  const builder = new PreparedFieldBuilder(rule);
  for (let i = 0; i < raw.length; i++) {
    const cell = raw[i];
    if (cell == null) continue;
    if (typeof cell === 'string') builder.add(i, cell);
    else for (const item of cell) builder.add(i, item);
  }
  return builder.finish(raw.length);
}

export class PreparedField implements ComparableField {
  readonly comparator: Comparator;
  readonly termFrequency: boolean;
  /**
   * Share of non-empty records holding each record's key: the term-frequency u of exact agreement.
   * Empty for a field without term frequencies or values (8 MB a field at a million records).
   */
  readonly keyShare: Float64Array;
  readonly nonEmpty: number;
  /** P(two random non-empty records agree exactly) = Σ share². */
  readonly exactAgreementRate: number;
  /**
   * The other half of a person's name (first_name ↔ last_name, both compared as names): a pair whose
   * halves are swapped ("Isla Hall" / "Hall Isla") agrees through it, as an alias.
   */
  swapPartner: PreparedField | null = null;

  /** Use `PreparedFieldBuilder` or `prepareColumn`: `values` are prepared values, null where none. */
  constructor(
    readonly rule: FieldRule,
    public values: unknown[],
    /** Further values of multi-valued fields; undefined where a record has only one. */
    public extras: (unknown[] | undefined)[] | null,
    /** Set where records with the same raw text share one prepared value (names, cities; not e-mails). */
    public sharedValues: SharedValues | null = null,
    /** Counted already (by the thread that prepared the values): else counted here. */
    stats?: FieldStats,
  ) {
    const comparator = COMPARATORS[rule.comparator];
    this.comparator = comparator;
    this.termFrequency = rule.term_frequency ?? comparator.termFrequency;
    const counted = stats ?? countFieldStats(rule, values, sharedValues);
    this.nonEmpty = counted.nonEmpty;
    this.exactAgreementRate = counted.exactAgreementRate;
    this.keyShare = counted.keyShare;
    comparator.fitColumn?.(values);
  }

  static fromParts(rule: FieldRule, parts: PreparedFieldParts): PreparedField {
    return new PreparedField(rule, parts.values, parts.extras, parts.shared, parts.stats);
  }

  /**
   * Drops the values once nothing compares them any more (hundreds of MB at a million contacts): the
   * counts and term-frequency shares stay, which is all a stored pair's explanation reads.
   */
  releaseValues(): void {
    this.values = [];
    this.extras = null;
    this.sharedValues = null;
  }

  get levelCount(): number {
    return this.comparator.levels.length;
  }

  /** The comparison level of records i and j, or -1 when either has no value. */
  compare(i: number, j: number): number {
    return compareField(this, i, j);
  }

  blockingKey(i: number): string | null {
    const v = this.values[i];
    return v === null ? null : this.comparator.blockingKey(v);
  }

  phoneticKey(i: number): string | null {
    const v = this.values[i];
    return v === null || !this.comparator.phoneticKey ? null : this.comparator.phoneticKey(v) || null;
  }
}

export class PreparedRecords {
  readonly fields: PreparedField[];
  readonly size: number;

  /** `source`: each rule's raw column by field name, or its field already prepared (in rule order). */
  /** `ids`: the records' ids, for their number only (callers keep the ids themselves). */
  constructor(
    ids: readonly string[],
    rules: readonly FieldRule[],
    source: ReadonlyMap<string, RawColumn> | readonly PreparedField[],
  ) {
    this.size = ids.length;
    const empty: RawColumn = new Array(ids.length).fill(null);
    this.fields = Array.isArray(source)
      ? [...(source as readonly PreparedField[])]
      : rules.map((rule) =>
          prepareColumn(rule, (source as ReadonlyMap<string, RawColumn>).get(rule.field) ?? empty),
        );
    const first = this.fields.find((f) => f.rule.field === 'first_name' && f.rule.comparator === 'name');
    const last = this.fields.find((f) => f.rule.field === 'last_name' && f.rule.comparator === 'name');
    if (first && last) {
      first.swapPartner = last;
      last.swapPartner = first;
    }
  }

  fieldIndex(name: string): number {
    return this.fields.findIndex((f) => f.rule.field === name);
  }

  /**
   * The key function of a blocking-rule term: `first_name` (the comparator's blocking key) or
   * `first_name:phonetic` (its Soundex key), `address:street` (house number and street) or
   * `first_name:halves` (the Soundex of first and last name
   * in either order). Null when the term names no compared field or variant.
   */
  blockingTerm(term: string): ((i: number) => string | null) | null {
    const [name, variant] = term.split(':');
    const field = this.fields[this.fieldIndex(name!)];
    if (!field) return null;
    const ofValue = this.blockingTermOfValue(term);
    if (ofValue) {
      const { values } = field;
      const keyOf = ofValue.keyOf;
      return (i) => {
        const v = values[i];
        return v === null ? null : keyOf(v);
      };
    }
    const partner = field.swapPartner;
    if (variant === 'halves' && partner) {
      // Both halves of the name in either order: "Isla Hall" and "Hall Isla" share this key.
      // Soundex of each half, so a typo in either half still meets ("Caleb Rwoe" / "Rowe Caleb").
      return (i) => {
        const own = field.phoneticKey(i);
        const other = partner.phoneticKey(i);
        return own === null || other === null ? null : own < other ? `${own}|${other}` : `${other}|${own}`;
      };
    }
    return null;
  }

  /** A term that is a function of one field's prepared value (all but `:halves`), as that function. */
  blockingTermOfValue(
    term: string,
  ): { field: PreparedField; keyOf: (value: unknown) => string | null } | null {
    const [name, variant] = term.split(':');
    const field = this.fields[this.fieldIndex(name!)];
    if (!field) return null;
    const comparator = field.comparator;
    if (variant === undefined) return { field, keyOf: (v) => comparator.blockingKey(v) };
    const phonetic = comparator.phoneticKey;
    if (variant === 'phonetic' && phonetic) return { field, keyOf: (v) => phonetic(v) || null };
    const street = comparator.streetKey;
    if (variant === 'street' && street) return { field, keyOf: street };
    return null;
  }
}

/** What a field's shares and agreement rate are, counted once from its values. */
export interface FieldStats {
  nonEmpty: number;
  exactAgreementRate: number;
  /** On shared memory: another thread reads (or counted) it where it is. Empty without term frequencies. */
  keyShare: Float64Array;
}

/**
 * Counts a field's stats: how many non-empty records hold each record's exact-agreement key, once per
 * distinct value where records share them (a million names are 300,000 distinct ones), else per record.
 */
export function countFieldStats(
  rule: FieldRule,
  values: readonly unknown[],
  sharedValues: SharedValues | null,
): FieldStats {
  const comparator = COMPARATORS[rule.comparator];
  const termFrequency = rule.term_frequency ?? comparator.termFrequency;
  const n = values.length;
  const { keyCount, counts, nonEmpty } = sharedValues
    ? countSharedKeys(comparator, sharedValues)
    : countKeys(comparator, values);
  const shares = termFrequency && nonEmpty > 0 ? n : 0;
  const keyShare = new Float64Array(new SharedArrayBuffer(shares * Float64Array.BYTES_PER_ELEMENT));
  let agreement = 0;
  for (const c of counts) agreement += c * (c - 1);
  const baseline = 0.001;
  for (let i = 0; i < keyShare.length; i++) {
    const count = keyCount(i);
    // Shrunk towards the field's average so that a handful of records cannot make a value look common.
    if (count > 0) keyShare[i] = (count + SHARE_PRIOR_RECORDS * baseline) / (nonEmpty + SHARE_PRIOR_RECORDS);
  }
  return {
    nonEmpty,
    exactAgreementRate: nonEmpty > 1 ? agreement / (nonEmpty * (nonEmpty - 1)) : 0,
    keyShare,
  };
}

interface KeyCounts {
  /** How many non-empty records hold record i's key; 0 when it has no value. */
  keyCount: (i: number) => number;
  /** Records per distinct key. */
  counts: Iterable<number>;
  nonEmpty: number;
}

function countKeys(comparator: Comparator, values: readonly unknown[]): KeyCounts {
  // Each record's key number, not its key: a million records' key strings cost tens of MB per field.
  const keyNumbers = new Int32Array(values.length).fill(-1);
  const numberOf = new StringCodes(Math.min(values.length, 1 << 20));
  const counts: number[] = [];
  let nonEmpty = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) continue;
    const k = numberOf.codeOf(comparator.key(value));
    if (k === counts.length) counts.push(0);
    counts[k]!++;
    keyNumbers[i] = k;
    nonEmpty++;
  }
  return { keyCount: (i) => (keyNumbers[i]! < 0 ? 0 : counts[keyNumbers[i]!]!), counts, nonEmpty };
}

function countSharedKeys(comparator: Comparator, shared: SharedValues): KeyCounts {
  const { distinct, numbers } = shared;
  const perValue = new Int32Array(distinct.length);
  let nonEmpty = 0;
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i]! < 0) continue;
    perValue[numbers[i]!]!++;
    nonEmpty++;
  }
  // Distinct texts may prepare to one key ("Zhang Wei", "zhang wei"): counted together.
  const keyOfValue = new Int32Array(distinct.length).fill(-1);
  const numberOf = new StringCodes(distinct.length);
  const counts: number[] = [];
  for (let d = 0; d < distinct.length; d++) {
    if (perValue[d] === 0) continue;
    const k = numberOf.codeOf(comparator.key(distinct[d]));
    if (k === counts.length) counts.push(0);
    counts[k]! += perValue[d]!;
    keyOfValue[d] = k;
  }
  return {
    keyCount: (i) => (numbers[i]! < 0 ? 0 : counts[keyOfValue[numbers[i]!]!]!),
    counts,
    nonEmpty,
  };
}
