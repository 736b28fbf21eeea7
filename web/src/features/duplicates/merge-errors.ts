/**
 * A refused merge or unmerge, in the user's language: the server's codes and details
 * (src/dedupe/contact-merge-service.ts) say which fixed case it is; the values and customers they name
 * are shown as they are. Anything else is said as errorMessage says it.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';
import { formatPhone, isPhoneField } from '../../ui/phone-format';
import { errorMessage } from '../../ui/states';

export interface MergeErrorNames {
  /** A matching field's label (`email`, `identity.wechat_openid`), as the duplicate screens name it. */
  field: (field: string) => string;
  /** A customer of the merge by name, when the screen knows it. */
  person?: (id: string) => string;
}

/** A customer field as the server names it (`identities.x`) in the duplicate screens' form (`identity.x`). */
const fieldKey = (field: string) => field.replace(/^identities\./, 'identity.');

/** Why an unmerge is blocked: one entry per blocker's fixed reason (the blocker's `reason`). */
const UNMERGE_BLOCKERS: ReasonTable = [
  [/^survivor \S+ was itself merged into /, (t) => t('duplicates.refusals.survivorMerged')],
  [/^survivor \S+ was deleted/, (t) => t('duplicates.refusals.survivorDeleted')],
];

function blockerText(blocker: Record<string, unknown>, t: TFunction, names: MergeErrorNames): string {
  const id = typeof blocker.contact_id === 'string' ? blocker.contact_id : '';
  const who = names.person?.(id) ?? id;
  if (typeof blocker.field === 'string' && blocker.value !== undefined)
    return t('duplicates.refusals.valueTaken', {
      who,
      field: names.field(fieldKey(blocker.field)),
      value: shownValue(blocker.field, blocker.value),
    });
  const reason = typeof blocker.reason === 'string' ? blocker.reason : '';
  if (/^contact \S+ is no longer merged into /.test(reason))
    return t('duplicates.refusals.notMerged', { who });
  return sayReason(UNMERGE_BLOCKERS, reason, t) ?? reason;
}

export function mergeErrorText(error: unknown, t: TFunction, names: MergeErrorNames): string {
  if (!(error instanceof ApiError)) return errorMessage(error, t);
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  switch (error.code) {
    case 'already_merged':
      return t('duplicates.refusals.alreadyMerged');
    case 'already_undone':
      return t('duplicates.refusals.alreadyUndone');
    case 'conflict':
      if (typeof details.field === 'string' && details.value !== undefined)
        return t('duplicates.refusals.ownedElsewhere', {
          field: names.field(fieldKey(details.field)),
          value: shownValue(details.field, details.value),
        });
      break;
    case 'unmerge_blocked':
      if (Array.isArray(details.blockers) && details.blockers.length > 0)
        return details.blockers
          .map((b) => blockerText(b as Record<string, unknown>, t, names))
          .join(t('duplicates.refusals.separator'));
      break;
    case 'not_found':
      return t('duplicates.refusals.gone');
  }
  return errorMessage(error, t);
}

/** A value the server names, as the screens show it: phones in their international format. */
function shownValue(field: string, value: unknown): string {
  return isPhoneField(field) ? formatPhone(String(value)) : String(value);
}
