/**
 * A refused settings change, as the form shows it: each field the server named gets its message (in
 * the user's language where the server's reason is one we know), anything else one message above the
 * form, and the record an in-use refusal points at (a customer still holding the value).
 */
import type { TFunction } from 'i18next';
import { joinSentences } from '../../i18n/sentences';
import { ApiError } from '../../api/client';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';

export interface FormProblem {
  fields: Record<string, string>;
  message: string | null;
  /** A customer that still uses what was to be deleted or changed (409 in_use / conflict). */
  existingId: string | null;
}

export const NO_PROBLEM: FormProblem = { fields: {}, message: null, existingId: null };

/** Server reasons we say in the user's own words; any other reason is shown as the server wrote it. */
const KNOWN_REASONS: ReasonTable = [
  [/^must be at least (\d+) characters$/, (t, m) => t('settings.reasons.minLength', { count: Number(m[1]) })],
  [
    /^is required$|^is empty$|^must not be (empty|blank)$|^Too small: expected string to have >=1 characters?$/,
    (t) => t('settings.reasons.required'),
  ],
  [
    /^is not a valid email address$|^must be an e-mail address$|^Invalid email address$/,
    (t) => t('settings.reasons.email'),
  ],
  [/^Invalid URL$/, (t) => t('settings.reasons.url')],
  [
    /^Too big: expected string to have <=(\d+) characters?$|^must be at most (\d+) characters$/,
    (t, m) => t('settings.reasons.maxLength', { count: Number(m[1] ?? m[2]) }),
  ],
  // The automation rules' values (src/automation/rules/rule-definition.ts).
  [/^is not a \S+ \(one of (.+)\)$/, (t, m) => t('settings.reasons.oneOf', { options: m[1] })],
  [/^must be a number \(/, (t) => t('settings.reasons.number')],
  [/^must be a date or time \(/, (t) => t('settings.reasons.dateTime')],
  [/^is not your current password$/, (t) => t('settings.reasons.wrongCurrentPassword')],
  [/^is required to change your password$/, (t) => t('settings.reasons.currentPasswordNeeded')],
  [/^the last active admin cannot be demoted or disabled$/, (t) => t('settings.reasons.lastAdmin')],
  [/^you cannot disable your own account$/, (t) => t('settings.reasons.selfDisable')],
  [
    /^must be lower-case letters, digits and _ and start with a letter$/,
    (t) => t('settings.reasons.keyPattern'),
  ],
  [/^a list attribute needs at least one option$/, (t) => t('settings.reasons.optionsNeeded')],
  [/^must be an http:\/\/ or https:\/\/ URL$/, (t) => t('settings.reasons.url')],
  // A name or label holding a control character (src/domain/well-formed-text.ts): a description keeps
  // tabs and line breaks, a name does not.
  [
    /^contains a control character \(.*other than tab and line breaks\)/,
    (t) => t('settings.reasons.controlCharacterInLines'),
  ],
  [/^contains a control character/, (t) => t('settings.reasons.controlCharacter')],
  // The outbound guard (src/sync/outbound/outbound-policy.ts): webhook and sync addresses.
  [
    /^points at (\S+), (this machine|a loopback address): /,
    (t, m) => t('settings.reasons.thisMachine', { host: m[1] }),
  ],
  [
    /^points at (\S+), .*: Kith sends requests to public addresses only/,
    (t, m) => t('settings.reasons.internalAddress', { host: m[1] }),
  ],
  [/^must name at least one event$/, (t) => t('settings.reasons.events')],
  // The matching rules' reasons (PUT /api/duplicates/rules, POST /api/duplicates/rules/try).
  [
    /^must be a standard field \(.*\), attr\.<key> or identity\.<type>$/,
    (t) => t('settings.reasons.matchingField'),
  ],
  [
    /^Invalid option: expected one of (.+)$/,
    (t, m) =>
      t('settings.reasons.oneOf', {
        options: m[1]!.replaceAll('"', '').split('|').join(t('common.valueSeparator')),
      }),
  ],
  [/^(\S+) is listed twice$/, (t, m) => t('settings.reasons.listedTwice', { field: m[1] })],
  [
    /^(\S+) must be a compared field, optionally/,
    (t, m) => t('settings.reasons.blockingTerm', { term: m[1] }),
  ],
  [/^review must not exceed match$/, (t) => t('settings.reasons.reviewAboveMatch')],
  // <= and >= before < and >: the shorter patterns would take them.
  [/^Too big: expected number to be <=(\S+)$/, (t, m) => t('settings.reasons.atMost', { limit: m[1] })],
  [/^Too big: expected number to be <(\S+)$/, (t, m) => t('settings.reasons.below', { limit: m[1] })],
  [/^Too small: expected number to be >=(\S+)$/, (t, m) => t('settings.reasons.atLeast', { limit: m[1] })],
  [/^Too small: expected number to be >(\S+)$/, (t, m) => t('settings.reasons.above', { limit: m[1] })],
  [
    /^Too small: expected array to have >=(\d+) items?$/,
    (t, m) => t('settings.reasons.minItems', { count: Number(m[1]) }),
  ],
];

export function reasonText(reason: string, t: TFunction): string {
  return sayReason(KNOWN_REASONS, reason, t) ?? reason;
}

export function formProblem(error: unknown, t: TFunction): FormProblem {
  if (!(error instanceof ApiError)) return { ...NO_PROBLEM, message: t('common.errors.unexpected') };
  if (error.status === 0) return { ...NO_PROBLEM, message: t('common.errors.network') };
  const details = error.details && !Array.isArray(error.details) ? error.details : null;
  const existingId =
    details && typeof details.existing_id === 'string' && details.existing_id.startsWith('ct_')
      ? details.existing_id
      : null;
  if (error.code === 'in_use') {
    // An option still in use belongs on the options field; a whole record in use, above the form.
    const field = details && typeof details.field === 'string' ? details.field : null;
    return field
      ? {
          fields: { [field]: t('settings.reasons.optionInUse', { value: String(details?.value ?? '') }) },
          message: null,
          existingId,
        }
      : { fields: {}, message: t('settings.reasons.inUse'), existingId };
  }
  const fields: Record<string, string> = {};
  for (const detail of error.fieldErrors) {
    const field = detail.field;
    if (error.code === 'conflict') fields[field] = t('settings.reasons.taken');
    // Left empty, a field is said to be required, whatever rule the empty value broke first.
    else if (typeof detail.value === 'string' && detail.value.trim() === '')
      fields[field] = t('settings.reasons.required');
    else fields[field] = detail.reason ? reasonText(detail.reason, t) : error.message;
  }
  return {
    fields,
    message: Object.keys(fields).length === 0 ? error.message : null,
    existingId,
  };
}

/**
 * A refusal in words for a toast, which has no form to put field messages on: the message, else the
 * reason of each field the server named (a toast of only "Refused" says nothing).
 */
export function refusalText(error: unknown, t: TFunction): string {
  return problemText(formProblem(error, t), t);
}

/** A problem in one text, where there is no form to put its field messages on. */
export function problemText(problem: FormProblem, t: TFunction): string {
  return problem.message ?? joinSentences(Object.values(problem.fields), t);
}
