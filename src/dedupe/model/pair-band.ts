/**
 * Which band a scored pair goes in. A probability decides, with one rule of Kith's own: two customers
 * whose e-mails, phones or identities of one type are wholly different are never put together without
 * a person, however alike the rest. On a small or odd store (seven 张伟 with numbered e-mails and their
 * own phones) a model can learn "same common name" as its match class; a customer with two phones is
 * real too, and a reviewer tells the two apart in a moment. A typo in one (a comparator level above
 * "else") is no such conflict.
 *
 * Only the customer's own identifiers count: those an import matches customers by, and which no two
 * customers share. An attribute holding a phone (a site's switchboard, a shop's landline) is a fact
 * like any other, weighed by the model alone.
 */
export type PairBand = 'match' | 'review' | 'none';

/** The lowest probabilities of the match and the review band. */
export interface BandThresholds {
  match: number;
  review: number;
}

/** What `identifiersDiffer` reads of a compared field. */
export interface BandedField {
  rule: { field: string };
  comparator: { levels: readonly string[] };
}

/** Whether a field is one of the customer's identifiers: their e-mails, phones, identities. */
export function identifiesACustomer(field: string): boolean {
  return field === 'email' || field === 'phone' || field.startsWith('identity.');
}

/** Whether some identifying field of the pair is held by both and wholly different (its "else" level). */
export function identifiersDiffer(fields: readonly BandedField[], levels: ArrayLike<number>): boolean {
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k]!;
    if (levels[k] === field.comparator.levels.length - 1 && identifiesACustomer(field.rule.field))
      return true;
  }
  return false;
}

/** A pair at or above the review threshold: `match` only when it may be merged without a person. */
export function bandAboveReview(
  probability: number,
  thresholds: BandThresholds,
  differ: boolean,
): Exclude<PairBand, 'none'> {
  return probability >= thresholds.match && !differ ? 'match' : 'review';
}

export function pairBand(probability: number, thresholds: BandThresholds, differ: boolean): PairBand {
  return probability >= thresholds.review ? bandAboveReview(probability, thresholds, differ) : 'none';
}
