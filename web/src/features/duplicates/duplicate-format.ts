/** How the duplicate screens name fields, show scores and link a pair to its compare screen. */
import { useTranslation } from 'react-i18next';
import i18n, { localeOf } from '../../i18n';
import type { DuplicatePair, QueueFilters } from './duplicate-api';
import { paramsOf } from './duplicate-api';
import { identityTypeLabel, isBuiltInIdentityType } from '../../ui/identity-type-label';
import { formatProbability } from '../../ui/probability-format';

/**
 * Weights nearer zero than this (log2 of the odds: under 1.4 times either way) are no evidence either
 * way and are shown plainly: an exact agreement on a value most customers share (one company for the
 * whole file) weighs about 0, and in red it would read as evidence against.
 */
export const NEUTRAL_WEIGHT = 0.5;

/** A pair's score as a percentage with one decimal, never "100%" short of certain (formatProbability). */
export function formatScore(score: number, language = i18n.language): string {
  return formatProbability(score, localeOf(language));
}

/** `/duplicates/compare?ids=a,b&pair=…` keeping the queue's filters, so "next" walks the same queue. */
export function compareUrl(
  pair: Pick<DuplicatePair, 'id' | 'contact_a' | 'contact_b'>,
  filters: QueueFilters,
) {
  const params = paramsOf({ ...filters, after: undefined });
  params.set('ids', `${pair.contact_a},${pair.contact_b}`);
  params.set('pair', pair.id);
  return `/duplicates/compare?${params.toString()}`;
}

/** `/duplicates/compare?ids=a,b,c`: customers side by side without a pair (a group, a merge's records). */
export function compareContactsUrl(ids: string[]) {
  return `/duplicates/compare?${new URLSearchParams({ ids: ids.join(',') }).toString()}`;
}

/** A matching field's label: the customer field's own, else `attr.tier` → tier, else as named. */
export function useFieldLabel() {
  const { t, i18n } = useTranslation();
  return (field: string) => {
    const key = `fields.${field}`;
    if (i18n.exists(key)) return t(key);
    // A built-in identity type in the user's language (WeChat OpenID → 微信 OpenID).
    if (field.startsWith('identity.') && isBuiltInIdentityType(field.slice(9)))
      return identityTypeLabel({ key: field.slice(9) }, t);
    return field.replace(/^(attr|identity)\./, '');
  };
}

/** A comparison level's label (`jaro_winkler_0.92` → its words), else the level as named. */
export function useLevelLabel() {
  const { t, i18n } = useTranslation();
  return (level: string) => {
    const key = `duplicates.compare.levels.${level.replace(/\./g, '_')}`;
    return i18n.exists(key) ? t(key) : level;
  };
}
