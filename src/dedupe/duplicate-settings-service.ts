/**
 * Stored duplicate settings: the matching rules (validated against the rules schema, errors name the
 * path) and the policies around them: what creating a likely duplicate does, and how often the worker
 * runs an incremental scan.
 */
import { z } from 'zod';
import { toValidationErrors } from '../domain/zod-validation.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { DEFAULT_MATCHING_RULES, type MatchingRules, matchingRulesSchema } from './model/matching-rules.js';

const RULES_KEY = 'duplicates.rules';
const POLICY_KEY = 'duplicates.policy';

export const duplicatePolicySchema = z
  .object({
    /** What creating a contact that is a `match` for an existing one does. */
    on_create: z.enum(['warn', 'block']),
    /** Minutes between incremental scans run by the worker; null turns the schedule off. */
    incremental_scan_minutes: z.number().int().min(1).max(10_080).nullable(),
  })
  .strict();
export type DuplicatePolicy = z.infer<typeof duplicatePolicySchema>;

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = {
  on_create: 'warn',
  incremental_scan_minutes: null,
};

export class DuplicateSettingsService {
  constructor(private readonly db: Queryable) {}

  private async read(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? JSON.parse(row.value) : undefined;
  }

  private async write(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: text, updated_at: nowIso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: nowIso() }))
      .execute();
  }

  /** The stored rules, or the defaults with `is_default` when none were set. */
  async rules(): Promise<{ rules: MatchingRules; is_default: boolean }> {
    const stored = await this.read(RULES_KEY);
    return stored === undefined
      ? { rules: DEFAULT_MATCHING_RULES, is_default: true }
      : { rules: stored as MatchingRules, is_default: false };
  }

  async setRules(input: unknown): Promise<MatchingRules> {
    const rules = this.parseRules(input);
    await this.write(RULES_KEY, rules);
    return rules;
  }

  /** Rules as the scan would take them, or a validation error naming each bad path and value. */
  parseRules(input: unknown): MatchingRules {
    const parsed = matchingRulesSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('rules', input, parsed.error, matchingRulesSchema);
    return parsed.data;
  }

  async resetRules(): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', RULES_KEY).execute();
  }

  async policy(): Promise<DuplicatePolicy> {
    return { ...DEFAULT_DUPLICATE_POLICY, ...((await this.read(POLICY_KEY)) as Partial<DuplicatePolicy>) };
  }

  async setPolicy(input: unknown): Promise<DuplicatePolicy> {
    const parsed = duplicatePolicySchema.partial().safeParse(input);
    if (!parsed.success) throw toValidationErrors('policy', input, parsed.error, duplicatePolicySchema);
    const next = { ...(await this.policy()), ...parsed.data };
    await this.write(POLICY_KEY, next);
    return next;
  }
}
