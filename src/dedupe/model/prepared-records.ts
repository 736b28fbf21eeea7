/**
 * Records prepared for comparison, column by column: each compared field's values are prepared once
 * (folded, parsed, pinyin) so that comparing a pair is a couple of array reads and one comparator call.
 */
import type { Comparator } from '../compare/comparator.js';
import { COMPARATORS } from '../compare/comparator-registry.js';
import { type ComparableField, compareField } from './comparable-field.js';
import type { FieldRule } from './matching-rules.js';

/** Raw values of one field for every record: one value, several (e-mails, phones) or none. */
export type RawColumn = readonly (string | readonly string[] | null | undefined)[];

export interface DedupeInput {
  ids: readonly string[];
  columns: ReadonlyMap<string, RawColumn>;
}

/** Pseudo-records of the term-frequency shrinkage: negligible on real data, decisive on tiny sets. */
const SHARE_PRIOR_RECORDS = 100;
/** Distinct raw values remembered per field while preparing a column. */
const PREPARE_CACHE_LIMIT = 500_000;

export class PreparedField implements ComparableField {
  readonly comparator: Comparator;
  readonly termFrequency: boolean;
  readonly values: unknown[];
  /** Further values of multi-valued fields; undefined where a record has only one. */
  readonly extras: (unknown[] | undefined)[] | null;
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

  constructor(
    readonly rule: FieldRule,
    raw: RawColumn,
  ) {
    const comparator = COMPARATORS[rule.comparator];
    this.comparator = comparator;
    this.termFrequency = rule.term_frequency ?? comparator.termFrequency;
    const n = raw.length;
    this.values = new Array<unknown>(n).fill(null);
    // Each record's exact-agreement key, only for the shares below: kept on the field, a million
    // records' keys cost tens of MB per field for the whole scan.
    const keys = this.termFrequency ? new Array<string | null>(n).fill(null) : null;
    let extras: (unknown[] | undefined)[] | null = null;
    const counts = new Map<string, number>();
    const cache = new Map<string, unknown>();
    let caching = true;
    let lookups = 0;
    let nonEmpty = 0;
    for (let i = 0; i < n; i++) {
      const cell = raw[i];
      if (cell == null) continue;
      const list = typeof cell === 'string' ? [cell] : cell;
      let primary: unknown = null;
      let more: unknown[] | undefined;
      for (const item of list) {
        // Names, cities and addresses repeat: prepare each distinct text once (pinyin and folding cost).
        // (Given up on columns of mostly distinct values such as e-mails, where it would only cost.)
        let prepared = caching ? cache.get(item) : undefined;
        if (caching && ++lookups === 20_000 && cache.size > 18_000) {
          caching = false;
          cache.clear();
        }
        if (prepared === undefined) {
          prepared = comparator.prepare(item);
          if (caching && cache.size < PREPARE_CACHE_LIMIT) cache.set(item, prepared);
        }
        if (prepared === null) continue;
        if (primary === null) primary = prepared;
        else (more ??= []).push(prepared);
      }
      if (primary === null) continue;
      this.values[i] = primary;
      if (more) {
        extras ??= new Array<unknown[] | undefined>(n);
        extras[i] = more;
      }
      const key = comparator.key(primary);
      if (keys) keys[i] = key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      nonEmpty++;
    }
    this.extras = extras;
    this.nonEmpty = nonEmpty;
    comparator.fitColumn?.(this.values);
    this.keyShare = new Float64Array(keys && nonEmpty > 0 ? n : 0);
    let agreement = 0;
    for (const c of counts.values()) agreement += c * (c - 1);
    this.exactAgreementRate = nonEmpty > 1 ? agreement / (nonEmpty * (nonEmpty - 1)) : 0;
    const baseline = 0.001;
    for (let i = 0; i < this.keyShare.length; i++) {
      const key = keys![i] ?? null;
      // Shrunk towards the field's average so that a handful of records cannot make a value look common.
      if (key !== null) {
        this.keyShare[i] =
          (counts.get(key)! + SHARE_PRIOR_RECORDS * baseline) / (nonEmpty + SHARE_PRIOR_RECORDS);
      }
    }
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

  constructor(
    readonly ids: readonly string[],
    rules: readonly FieldRule[],
    columns: ReadonlyMap<string, RawColumn>,
  ) {
    this.size = ids.length;
    const empty: RawColumn = new Array(ids.length).fill(null);
    this.fields = rules.map((rule) => new PreparedField(rule, columns.get(rule.field) ?? empty));
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
    if (variant === undefined) return (i) => field.blockingKey(i);
    if (variant === 'phonetic' && field.comparator.phoneticKey) return (i) => field.phoneticKey(i);
    const street = field.comparator.streetKey;
    if (variant === 'street' && street) {
      return (i) => {
        const v = field.values[i];
        return v === null ? null : street(v);
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
}
