/**
 * How many customers one bulk action may cover (src/segments/contact-bulk-service.ts: an admin 10,000
 * a request, an agent 1,000 selected by a filter), said before the action is confirmed, and the
 * server's refusal `selection_too_large` said the same way should it still come.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { localeOf } from '../../i18n/locale';
import { errorMessage } from '../../ui/states';

/** What the selection holds as far as the screen knows: exact, or more than `count`. */
export interface SelectionSize {
  count: number;
  /** True when more than `count` are selected (the count stopped at the limit it can count to). */
  countIsLowerBound: boolean;
  /** The most the user may act on at once with a filter; null when the selection names rows (no filter). */
  limit: number | null;
}

/** The selection is too large for one action (the screen then disables the confirm). */
export function exceedsLimit(size: SelectionSize): boolean {
  return size.limit !== null && (size.countIsLowerBound || size.count > size.limit);
}

/**
 * Why the action cannot cover the selection: `agentRole` when an administrator could (an agent's own
 * limit), else narrow the filter.
 */
export function limitText(
  size: { count: number; countIsLowerBound: boolean; limit: number },
  agentRole: boolean,
  t: TFunction,
  language: string,
): string {
  const number = new Intl.NumberFormat(localeOf(language));
  const values = { limit: number.format(size.limit), formatted: number.format(size.count) };
  if (agentRole && !size.countIsLowerBound) return t('customers.bulk.limit.agent', values);
  if (size.countIsLowerBound) return t('customers.bulk.limit.more', values);
  return t('customers.bulk.limit.exact', values);
}

/** A refused bulk action in the user's words where the refusal is one the screens know. */
export function bulkErrorText(error: unknown, t: TFunction, language: string): string | null {
  if (!(error instanceof ApiError) || error.code !== 'selection_too_large') return null;
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  const limit = Number(details.limit);
  const selected = Number(details.selected);
  if (!Number.isFinite(limit) || !Number.isFinite(selected)) return errorMessage(error, t);
  return limitText(
    { count: selected, countIsLowerBound: details.selected_is_lower_bound === true, limit },
    details.reason === 'needs_admin',
    t,
    language,
  );
}
