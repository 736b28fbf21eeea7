/**
 * A comparator turns raw field values into prepared values once per record, then grades a pair of
 * prepared values into a comparison level: 0 is the strongest agreement, the last level is "else".
 * Levels are what the Fellegi–Sunter model learns weights for.
 */
export const COMPARATOR_KINDS = [
  'exact',
  'text',
  'name',
  'email',
  'phone',
  'date',
  'address',
  'number',
  'identifier',
] as const;
export type ComparatorKind = (typeof COMPARATOR_KINDS)[number];

export interface Comparator<P = unknown> {
  readonly kind: ComparatorKind;
  /** Level labels, strongest first; the last is always "else". */
  readonly levels: readonly string[];
  /** Whether exact agreement is weighted by how common the value is (a shared rare surname counts more). */
  readonly termFrequency: boolean;
  /** Null when the value carries nothing to compare (empty, unparseable). */
  prepare(raw: string): P | null;
  /** The value's identity for exact agreement (level 0) and term frequencies. */
  key(value: P): string;
  /** Groups values likely to be the same thing (nickname, pinyin, canonical e-mail) for blocking. */
  blockingKey(value: P): string;
  /** A coarser key (a name's Soundex) that still meets after a typo, for `field:phonetic` blocking. */
  phoneticKey?(value: P): string;
  /** An address's house number and street, however written, for `field:street` blocking. */
  streetKey?(value: P): string | null;
  compare(a: P, b: P): number;
  /**
   * Learns from the whole column once every value is prepared (how rare each word is), writing what
   * it learns into the prepared values themselves so that `compare` stays a function of two values.
   */
  fitColumn?(values: readonly (P | null)[]): void;
}
