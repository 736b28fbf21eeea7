/**
 * A guard against degenerate EM solutions. EM finds *a* two-class split of the candidate pairs, not
 * necessarily "same person / different people": on some candidate sets it has learnt "same name,
 * similar e-mail" as the match class (F1 0.43). A learnt model is checked against what any sane
 * model of people must hold, and the scan falls back to a model that cannot be wrong that way (and
 * says so in its report) when it does not:
 *
 * - per field: agreeing at the strongest level is not evidence against a match (m ≥ u), complete disagreement
 *   is not (m ≤ u at the last level);
 * - deterministic matches: candidate pairs agreeing exactly on every field both records hold (at least
 *   `MIN_FIELDS_FOR_CERTAIN` of them) are the same person: the model must say so for nearly all;
 * - deterministic non-matches: pairs disagreeing completely on every field both hold (at least as many)
 *   are different people: the model must not call them matches.
 */

export interface ModelCheck {
  /** Problems found in the model EM learnt; empty when it passed. */
  problems: string[];
  /**
   * `generic_m` when the problems make the model degenerate (`isDegenerate`): the learnt m were replaced
   * by the generic starting m and only the prior was learnt. One odd field is reported but kept (real
   * data has fields that barely tell people apart); a learnt class that is not "same person" is not.
   */
  fallback: 'generic_m' | null;
}

export interface CheckedField {
  field: string;
  levels: readonly string[];
  m: readonly number[];
  u: readonly number[];
}

export const MIN_FIELDS_FOR_CERTAIN = 3;
/** Share of deterministic matches the model must call matches (and of non-matches it must not). */
export const REQUIRED_AGREEMENT = 0.9;

/**
 * Degenerate: the deterministic pairs contradict the model, or fields with problems make up at least
 * a third of the learnt fields (and more than one).
 */
export function isDegenerate(
  fieldsWithProblems: number,
  learntFields: number,
  deterministic: readonly string[],
): boolean {
  return deterministic.length > 0 || (fieldsWithProblems >= 2 && fieldsWithProblems * 3 >= learntFields);
}

/** Problems of each field's m and u on their own, by field. */
export function fieldProblems(fields: readonly CheckedField[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const f of fields) {
    const problems: string[] = [];
    const last = f.levels.length - 1;
    // Strictly below: a level no pair ever reaches (exact e-mails, unique by design) sits at the floor in both.
    if (f.m[0]! < f.u[0]!) {
      problems.push(
        `${f.field}: agreeing (${f.levels[0]}) counts against a match (m ${round(f.m[0]!)} < u ${round(f.u[0]!)})`,
      );
    }
    if (f.m[last]! > f.u[last]!) {
      problems.push(
        `${f.field}: disagreeing (${f.levels[last]}) counts for a match (m ${round(f.m[last]!)} > u ${round(f.u[last]!)})`,
      );
    }
    if (problems.length > 0) byField.set(f.field, problems);
  }
  return byField;
}

/**
 * Whether the model agrees with the deterministic matches and non-matches among the candidate
 * patterns: `levels` per pattern (-1 missing), `count` pairs each, `posterior` the model's probability.
 */
export function deterministicProblems(
  levelCounts: readonly number[],
  patterns: readonly (readonly number[])[],
  count: readonly number[],
  posterior: ArrayLike<number>,
): string[] {
  let certain = 0;
  let certainAgreed = 0;
  let apart = 0;
  let apartAgreed = 0;
  for (let p = 0; p < patterns.length; p++) {
    const levels = patterns[p]!;
    let present = 0;
    let exact = 0;
    let different = 0;
    for (let k = 0; k < levels.length; k++) {
      const level = levels[k]!;
      if (level < 0) continue;
      present++;
      if (level === 0) exact++;
      else if (level === levelCounts[k]! - 1) different++;
    }
    if (present < MIN_FIELDS_FOR_CERTAIN) continue;
    if (exact === present) {
      certain += count[p]!;
      if (posterior[p]! >= 0.5) certainAgreed += count[p]!;
    } else if (different === present) {
      apart += count[p]!;
      if (posterior[p]! < 0.5) apartAgreed += count[p]!;
    }
  }
  const problems: string[] = [];
  if (certain > 0 && certainAgreed < REQUIRED_AGREEMENT * certain) {
    problems.push(
      `${certain - certainAgreed} of ${certain} candidate pairs agreeing exactly on every field they hold (at least ${MIN_FIELDS_FOR_CERTAIN}) are scored as different people`,
    );
  }
  if (apart > 0 && apartAgreed < REQUIRED_AGREEMENT * apart) {
    problems.push(
      `${apart - apartAgreed} of ${apart} candidate pairs disagreeing on every field they hold (at least ${MIN_FIELDS_FOR_CERTAIN}) are scored as the same person`,
    );
  }
  return problems;
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}
