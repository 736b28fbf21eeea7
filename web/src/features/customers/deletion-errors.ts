/**
 * A refused batch deletion or restore, in the user's language: the server's codes, fields and details
 * (src/contacts/contact-batch-delete-service.ts) say which fixed case it is; the values they name are
 * shown as they are. Anything else is said as errorMessage says it.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { formatPhone, isPhoneField } from '../../ui/phone-format';
import { errorMessage } from '../../ui/states';

/** A customer field as the server names it (`phone`, `identities.wechat_openid`), as the forms label it. */
function fieldLabel(field: string, t: TFunction): string {
  if (field.startsWith('identities.')) return identityTypeLabel({ key: field.slice(11) }, t);
  return t(`fields.${field}`, { defaultValue: field });
}

export function deletionErrorText(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return errorMessage(error, t);
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  switch (error.code) {
    case 'validation_failed': {
      const detail = error.fieldErrors[0];
      const count = /selected \((\d+)\)/.exec(detail?.reason ?? '')?.[1];
      if (detail?.field === 'confirm_count' && count !== undefined)
        return t('customers.deleteRefusals.countChanged', { count: Number(count), formatted: count });
      if (detail?.field === 'ids' && /do not exist or are already deleted/.test(detail.reason ?? ''))
        return t('customers.deleteRefusals.gone');
      if (
        detail?.field === 'filter' &&
        /an empty filter would select every contact/.test(detail.reason ?? '')
      )
        return t('customers.bulk.deleteNeedsFilter');
      break;
    }
    case 'conflict':
      return t('customers.deleteRefusals.gone');
    case 'already_restored':
      return t('customers.deleteRefusals.alreadyRestored');
    case 'retention_expired':
      return t('customers.deleteRefusals.expired');
    case 'restore_blocked':
      if (Array.isArray(details.blockers) && details.blockers.length > 0)
        return t('customers.deleteRefusals.blocked', {
          reasons: details.blockers
            .map((b) => blockerText(b as Record<string, unknown>, t))
            .join(t('customers.deleteRefusals.separator')),
        });
      break;
  }
  return errorMessage(error, t);
}

function blockerText(blocker: Record<string, unknown>, t: TFunction): string {
  if (typeof blocker.field === 'string' && blocker.value !== undefined)
    return t('customers.deleteRefusals.valueTaken', {
      field: fieldLabel(blocker.field, t),
      value: shownValue(blocker.field, blocker.value),
    });
  const reason = typeof blocker.reason === 'string' ? blocker.reason : '';
  if (/ is live again$/.test(reason)) return t('customers.deleteRefusals.liveAgain');
  if (/ was merged into /.test(reason)) return t('customers.deleteRefusals.mergedSince');
  return reason;
}

/** A value the server names, as the screens show it: phones in their international format. */
function shownValue(field: string, value: unknown): string {
  return isPhoneField(field) ? formatPhone(String(value)) : String(value);
}
