/**
 * The matching rules: which fields are compared and how, stored as a setting and edited through the
 * API and `kith duplicates rules set FILE`. Only `fields` is required; blocking, thresholds, the prior
 * and per-level probabilities are derived from the data unless given here.
 */
import { z } from 'zod';
import { SCALAR_FIELDS } from '../../domain/contact/contact-fields.js';
import { COMPARATOR_KINDS } from '../compare/comparator.js';

export const COMPARABLE_STANDARD_FIELDS = [...SCALAR_FIELDS, 'email', 'phone'] as const;

/** A field the matching rules can compare: a standard field, `attr.<key>` or `identity.<type>`. */
export function isComparableField(field: string): boolean {
  return (
    (COMPARABLE_STANDARD_FIELDS as readonly string[]).includes(field) ||
    /^(attr|identity)\.[a-z][a-z0-9_]*$/.test(field)
  );
}

export const COMPARABLE_FIELD_REASON = `must be a standard field (${COMPARABLE_STANDARD_FIELDS.join(', ')}), attr.<key> or identity.<type>`;

const fieldName = z.string().refine(isComparableField, { message: COMPARABLE_FIELD_REASON });

const probabilities = z.array(z.number().gt(0).lte(1)).min(2);

export const fieldRuleSchema = z.object({
  field: fieldName,
  comparator: z.enum(COMPARATOR_KINDS),
  /** Weight exact agreement by the value's frequency; the comparator's default otherwise. */
  term_frequency: z.boolean().optional(),
  /** P(level | same person) per comparison level, strongest first; estimated by EM when absent. */
  m: probabilities.optional(),
  /** P(level | different people) per level; estimated from random pairs when absent. */
  u: probabilities.optional(),
});

export const matchingRulesSchema = z
  .object({
    fields: z.array(fieldRuleSchema).min(1).max(15),
    /** Blocking rules: lists of terms (`field`, `field:phonetic`, `address:street`) whose keys must all agree. Derived when absent. */
    blocking: z.array(z.array(z.string()).min(1)).min(1).max(16).optional(),
    /** Derived by each full scan from its model's probabilities when absent (derive-thresholds.ts). */
    thresholds: z
      .object({
        /** Probability from which a pair is safe to merge automatically. */
        match: z.number().gt(0).lt(1),
        /** Probability from which a person should look at a pair. */
        review: z.number().gt(0).lt(1),
      })
      .refine((t) => t.review <= t.match, { message: 'review must not exceed match' })
      .optional(),
    /** Probability that two records drawn at random are the same person; estimated when absent. */
    prior: z.number().gt(0).lt(1).optional(),
    /** Blocks with more records than this are skipped (other rules still pair their members). */
    max_block_size: z.number().int().min(2).optional(),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.fields.forEach((f, i) => {
      if (seen.has(f.field)) {
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'field'], message: `${f.field} is listed twice` });
      }
      seen.add(f.field);
    });
    rules.blocking?.forEach((rule, i) =>
      rule.forEach((term, j) => {
        const [field, variant] = term.split(':');
        if (
          !seen.has(field!) ||
          (variant !== undefined && !['phonetic', 'halves', 'street'].includes(variant))
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['blocking', i, j],
            message: `${term} must be a compared field, optionally with :phonetic (or first_name:halves, an address field with :street)`,
          });
        }
      }),
    );
  });

export type FieldRule = z.infer<typeof fieldRuleSchema>;
export type MatchingRules = z.infer<typeof matchingRulesSchema>;

export const DEFAULT_THRESHOLDS = { match: 0.99, review: 0.8 } as const;
export const DEFAULT_MAX_BLOCK_SIZE = 400;

/** Used until an administrator sets rules: every standard field a person is recognised by. */
export const DEFAULT_MATCHING_RULES: MatchingRules = {
  fields: [
    { field: 'name', comparator: 'name' },
    { field: 'email', comparator: 'email' },
    { field: 'phone', comparator: 'phone' },
    { field: 'birthday', comparator: 'date' },
    { field: 'gender', comparator: 'exact' },
    { field: 'city', comparator: 'text' },
    { field: 'address', comparator: 'address' },
    { field: 'postcode', comparator: 'exact' },
    { field: 'company', comparator: 'text' },
  ],
};
