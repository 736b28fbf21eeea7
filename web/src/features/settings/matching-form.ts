/**
 * The matching rules as the settings form edits them, and back (pure: no React, no i18n). Thresholds
 * are percentages (0.99 ↔ 99) and the prior "1 in N" (0.0001 ↔ 10,000); a value left as it was is sent
 * back exactly as stored, so showing it rounded never changes it. Blocking rules are lists of terms; a
 * rule left empty is not sent. Everything else the rules hold (m, u, term_frequency, max_block_size) is
 * kept as it was.
 */
import { TEXT_FIELDS } from '../customers/contact-form';

/** The comparisons the server knows (COMPARATOR_KINDS in src/dedupe/compare/comparator.ts). */
export const COMPARATORS = [
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

/**
 * The customer's own fields the rules can compare, in the order the form offers them: the customer
 * form's single-value fields, which are the server's COMPARABLE_STANDARD_FIELDS
 * (src/dedupe/model/matching-rules.ts; a test fails when they drift).
 */
export const STANDARD_FIELDS = TEXT_FIELDS;

/** The most fields the server takes (matchingRulesSchema). */
export const MAX_FIELDS = 15;
/** The most blocking rules the server takes. */
export const MAX_BLOCKING_RULES = 16;

/** A field rule as stored; what the form does not edit (m, u, term_frequency) rides along. */
export interface FieldRule {
  field: string;
  comparator: string;
  [other: string]: unknown;
}

export interface MatchingRules {
  fields: FieldRule[];
  blocking?: string[][];
  thresholds?: { match: number; review: number };
  prior?: number;
  [other: string]: unknown;
}

export interface RulesForm {
  fields: FieldRule[];
  /** One list of terms per blocking rule; an empty one is not sent. */
  blocking: string[][];
  /** Percentages (99 for 0.99); empty: each scan derives them. */
  match: number | '';
  review: number | '';
  /** N of "1 in N" (10000 for 0.0001); empty: estimated from the data. */
  prior: number | '';
  /** As stored, sent back unchanged while the form shows the same (rounded) value. */
  stored: { match?: number; review?: number; prior?: number };
  /** Everything else the rules hold (max_block_size …), kept as it was. */
  rest: Record<string, unknown>;
}

/** Twelve significant digits: enough for any value typed, and free of float noise (0.99 × 100). */
const clean = (value: number) => Number(value.toPrecision(12));

/** 0.99 → 99. */
export function toPercent(probability: number): number {
  return clean(probability * 100);
}

/** 99 → 0.99. */
export function fromPercent(percent: number): number {
  return clean(percent / 100);
}

/** The prior as "1 in N": 0.0001 → 10000. */
export function toOneIn(probability: number): number {
  return clean(1 / probability);
}

/** N of "1 in N" as a probability: 10000 → 0.0001. */
export function fromOneIn(n: number): number {
  return clean(1 / n);
}

/**
 * A threshold as the form shows it, to the precision it may be typed (0.9995 → 99.95%): unlike a
 * pair's score (formatScore), a threshold is a number someone set, so it is shown as set.
 */
export function formatThreshold(probability: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 4 }).format(probability);
}

export function formOf(rules: MatchingRules): RulesForm {
  const { fields, blocking, thresholds, prior, ...rest } = rules;
  return {
    fields: fields.map((f) => ({ ...f })),
    blocking: (blocking ?? []).map((rule) => [...rule]),
    match: thresholds ? toPercent(thresholds.match) : '',
    review: thresholds ? toPercent(thresholds.review) : '',
    prior: prior === undefined ? '' : toOneIn(prior),
    stored: { match: thresholds?.match, review: thresholds?.review, prior },
    rest,
  };
}

/** The value to send: the stored one while the form shows it, else the form's converted. */
function valueOf(
  shown: number,
  stored: number | undefined,
  show: (v: number) => number,
  back: (v: number) => number,
) {
  return stored !== undefined && show(stored) === shown ? stored : back(shown);
}

/** Which threshold is missing when only one is given (both or neither: null). */
export function missingThreshold(form: RulesForm): 'match' | 'review' | null {
  if (form.match === '' && form.review !== '') return 'match';
  if (form.review === '' && form.match !== '') return 'review';
  return null;
}

export function rulesOf(form: RulesForm): MatchingRules {
  const rules: MatchingRules = { ...form.rest, fields: form.fields.map((f) => ({ ...f })) };
  const blocking = form.blocking.filter((rule) => rule.length > 0).map((rule) => [...rule]);
  if (blocking.length > 0) rules.blocking = blocking;
  if (form.match !== '' && form.review !== '')
    rules.thresholds = {
      match: valueOf(form.match, form.stored.match, toPercent, fromPercent),
      review: valueOf(form.review, form.stored.review, toPercent, fromPercent),
    };
  if (form.prior !== '') rules.prior = valueOf(form.prior, form.stored.prior, toOneIn, fromOneIn);
  return rules;
}

/** The form's row of the rule the server numbers `index` (empty rules are not sent, so not counted). */
export function blockingRowOf(blocking: readonly string[][], index: number): number | null {
  let sent = -1;
  for (let row = 0; row < blocking.length; row++) {
    if (blocking[row]!.length > 0) sent++;
    if (sent === index) return row;
  }
  return null;
}

export type FieldGroup = 'standard' | 'attribute' | 'identity';

/** Where a field is listed: a customer field, an attribute (`attr.<key>`) or an identity (`identity.<type>`). */
export function fieldGroup(field: string): FieldGroup {
  if (field.startsWith('attr.')) return 'attribute';
  if (field.startsWith('identity.')) return 'identity';
  return 'standard';
}

/** The comparison that suits a field, set when it is chosen (the administrator may change it). */
export function suggestedComparator(field: string): string {
  if (['name', 'first_name', 'last_name'].includes(field)) return 'name';
  if (field === 'email') return 'email';
  if (field === 'phone') return 'phone';
  if (field === 'birthday') return 'date';
  if (field === 'address') return 'address';
  if (['gender', 'postcode', 'country'].includes(field)) return 'exact';
  if (field.startsWith('identity.')) return 'identifier';
  return 'text';
}

/** Comparisons whose values have a "sounds alike" key (Soundex), for `field:phonetic`. */
const PHONETIC = ['name', 'text', 'address'];

/**
 * The terms a blocking rule may use with these fields, in their order: each field, its "sounds alike"
 * key where its comparison has one, an address's house number and street, and first and last name in
 * either order (when both are compared as names) — the variants the scan can key (prepared-records.ts).
 */
export function blockingTerms(fields: readonly FieldRule[]): string[] {
  const isName = (name: string) => fields.some((f) => f.field === name && f.comparator === 'name');
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const { field, comparator } of fields) {
    if (!field || seen.has(field)) continue;
    seen.add(field);
    terms.push(field);
    if (PHONETIC.includes(comparator)) terms.push(`${field}:phonetic`);
    if (comparator === 'address') terms.push(`${field}:street`);
    if (field === 'first_name' && isName('first_name') && isName('last_name'))
      terms.push('first_name:halves');
  }
  return terms;
}

/** A term's field and variant: `name:phonetic` → name, phonetic. */
export function termParts(term: string): { field: string; variant: string | null } {
  const [field, variant] = term.split(':');
  return { field: field!, variant: variant ?? null };
}

/**
 * The blocking rules after the fields changed from `before` to `after`: a term the form offered and
 * offers no more (its field removed, or its comparison no longer has that variant) is dropped; a term
 * the form never offered (stored so) stays, for the server to judge.
 */
export function keepBlockingTerms(
  blocking: readonly string[][],
  before: readonly FieldRule[],
  after: readonly FieldRule[],
): string[][] {
  const was = new Set(blockingTerms(before));
  const is = new Set(blockingTerms(after));
  return blocking.map((rule) => rule.filter((term) => !was.has(term) || is.has(term)));
}

/** Where the form shows a refusal of this path (`rules.…`), or null when it has no widget of its own. */
export type ProblemSpot =
  | { on: 'field' | 'comparator'; row: number }
  | { on: 'match' | 'review' | 'prior' }
  | { on: 'blocking'; rule: number };

export function problemSpot(path: string): ProblemSpot | null {
  let m = /^rules\.fields\[(\d+)\]\.(field|comparator)$/.exec(path);
  if (m) return { on: m[2] as 'field' | 'comparator', row: Number(m[1]) };
  // The refusal of review above match names the pair: it shows on review.
  if (path === 'rules.thresholds' || path === 'rules.thresholds.review') return { on: 'review' };
  if (path === 'rules.thresholds.match') return { on: 'match' };
  if (path === 'rules.prior') return { on: 'prior' };
  m = /^rules\.blocking\[(\d+)\](\[\d+\])?$/.exec(path);
  if (m) return { on: 'blocking', rule: Number(m[1]) };
  return null;
}

/**
 * What a refusal with no widget of its own is about, as a key under settings.matching.places (and the
 * row number for one field's rule), or null for the rules as a whole.
 */
export function problemPlace(path: string): { place: string; n?: number } | null {
  const m = /^rules\.fields\[(\d+)\]\./.exec(path);
  if (m) return { place: 'fieldN', n: Number(m[1]) + 1 };
  const top = /^rules\.([a-z_]+)/.exec(path)?.[1];
  if (top === 'fields') return { place: 'fields' };
  if (top === 'blocking') return { place: 'blocking' };
  if (top === 'thresholds') return { place: 'thresholds' };
  if (top === 'prior') return { place: 'prior' };
  if (top === 'max_block_size') return { place: 'maxBlockSize' };
  return null;
}
