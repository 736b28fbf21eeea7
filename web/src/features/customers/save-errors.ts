import type { TFunction } from 'i18next';
import { errorMessage } from '../../ui/states';
import { joinSentences } from '../../i18n/sentences';
import { ApiError } from '../../api/client';
import { formatPhone } from '../../ui/phone-format';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';
import type { FieldErrors } from './ContactFieldsForm';

export interface SaveProblem {
  fields: FieldErrors;
  message: string | null;
  /** The customer that already owns an e-mail, phone or identity this one was given. */
  ownerId: string | null;
}

/**
 * The contact validation's reasons (src/domain/normalize, contact-input) said in the user's words; any
 * other reason is shown as the server wrote it.
 */
const KNOWN_REASONS: ReasonTable = [
  [/^is not a valid email address$/, (t) => t('customer.reasons.email')],
  [
    /^is not a valid phone number in region (\S+) or internationally$/,
    (t, m) => t('customer.reasons.phone', { region: m[1] }),
  ],
  [/^is not a real calendar date$/, (t) => t('customer.reasons.notRealDate')],
  [/^is in the future$/, (t) => t('customer.reasons.future')],
  [/^is before (\d{4}-\d{2}-\d{2})$/, (t, m) => t('customer.reasons.tooEarly', { date: m[1] })],
  [/^(is not|must be) a date in the form YYYY-MM-DD$/, (t) => t('customer.reasons.dateForm')],
  [
    /^could be day\/month or month\/day, so write it as YYYY-MM-DD$/,
    (t) => t('customer.reasons.dateAmbiguous'),
  ],
  [
    /^has no year, and a date is stored with its year as YYYY-MM-DD$/,
    (t) => t('customer.reasons.dateNoYear'),
  ],
  // An import's masked phone or e-mail (src/imports/validate/row-validation.ts).
  [
    /^is masked: the platform it was exported from hides its characters$/,
    (t) => t('customer.reasons.masked'),
  ],
  // A phone holding several numbers (phoneNumbersIn, src/domain/normalize/phone.ts).
  [
    /^holds (\d+) phone numbers \(.*\): a phone is one number, so send each of the others as an item of additional_phones$/,
    (t, m) => t('customer.reasons.severalPhones', { count: Number(m[1]) }),
  ],
  // An import's phone or e-mail several rows share (src/imports/validate/row-validation.ts).
  [
    /^is also on rows? ([\d, ]+) of this file: a shared (line|mailbox) .* identifies none of them, so the row is matched by its own values$/,
    (t, m) =>
      t(m[2] === 'line' ? 'customer.reasons.sharedPhone' : 'customer.reasons.sharedEmail', {
        rows: m[1]!.split(', ').join(t('common.valueSeparator')),
        count: m[1]!.split(', ').length,
      }),
  ],
  // The same, as an import's summary counts it: the rows left out (src/imports/report/reason-kind.ts).
  [
    /^is also on other rows of this file: a shared (line|mailbox) .* identifies none of them, so the row is matched by its own values$/,
    (t, m) =>
      t(m[1] === 'line' ? 'customer.reasons.sharedPhoneOtherRows' : 'customer.reasons.sharedEmailOtherRows'),
  ],
  [/^must be one of (.+)$/, (t, m) => t('customer.reasons.oneOf', { options: optionsText(m[1]!, t) })],
  [/^is longer than (\d+) characters$/, (t, m) => t('customer.reasons.tooLong', { count: Number(m[1]) })],
  [/^is empty$/, (t) => t('customer.reasons.required')],
  [/^must be a number$/, (t) => t('customer.reasons.number')],
  [/^must be true or false$/, (t) => t('customer.reasons.yesNo')],
  // A tag added through a tag action (normalizeNewTagName).
  [/^holds a list separator /, (t) => t('customer.reasons.tagSeparator')],
  [/^contains a control character/, (t) => t('customer.reasons.tagControlCharacter')],
];

/** The genders Kith knows (src/domain/normalize/gender.ts): named as the form names them, words an import reads too. */
const GENDERS = 'male, female, other';

/**
 * The choices a value must be one of: the genders in the reader's words (男、女、其他 on a Chinese page,
 * not the stored keys), any other list (a list attribute's options) as its administrator wrote them.
 */
function optionsText(options: string, t: TFunction): string {
  if (options !== GENDERS) return options;
  return options
    .split(', ')
    .map((gender) => t(`gender.${gender}`))
    .join(t('common.valueSeparator'));
}

export function contactReasonText(reason: string, t: TFunction): string {
  return sayReason(KNOWN_REASONS, reason, t) ?? reason;
}

/** `additional_emails[1]`: the list an item belongs to and its line (from 1), or null for a field. */
function listItem(field: string): { list: string; line: number } | null {
  const match = /^(additional_emails|additional_phones)\[(\d+)\]$/.exec(field);
  return match ? { list: match[1]!, line: Number(match[2]) + 1 } : null;
}

/**
 * Turns a refused save into messages on the fields the server named. An item of a list (an additional
 * e-mail or phone) is named on the list's box, by its line or its value: no refusal is left without a
 * place on the form.
 */
export function saveProblem(error: unknown, t: TFunction): SaveProblem {
  if (!(error instanceof ApiError)) return { fields: {}, message: errorMessage(error, t), ownerId: null };
  const fields: FieldErrors = {};
  for (const detail of error.fieldErrors) {
    const item = listItem(detail.field);
    const reason = detail.reason ? contactReasonText(detail.reason, t) : error.message;
    const text =
      error.code === 'conflict'
        ? item && typeof detail.value === 'string'
          ? t('customer.valueOwnedByOther', {
              value: item.list === 'additional_phones' ? formatPhone(detail.value) : detail.value,
            })
          : t('customer.ownedByOther')
        : item
          ? t('customer.lineReason', { line: item.line, reason })
          : reason;
    const field = item?.list ?? detail.field;
    fields[field] = fields[field] ? `${fields[field]}; ${text}` : text;
  }
  const ownerId =
    error.code === 'conflict' && error.details && !Array.isArray(error.details)
      ? String((error.details as { existing_id?: unknown }).existing_id ?? '') || null
      : null;
  return { fields, message: Object.keys(fields).length === 0 ? errorMessage(error, t) : null, ownerId };
}

/** A tag as a message names it: a long one cut short (the field still holds all of it). */
function shortTag(tag: string): string {
  return tag.length > 24 ? `${tag.slice(0, 23)}…` : tag;
}

/**
 * A refused tag action (tags added to a customer or to a selection) in the user's words: the reason of
 * each tag the server named (`tags[i]`), the tag named when more than one was sent. Null when the
 * server named no tag (the screen says the refusal as any other: errorMessage).
 */
export function tagRefusalText(error: unknown, t: TFunction, tags: readonly string[]): string | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const texts = error.fieldErrors
    .map((detail) => {
      const index = /^tags\[(\d+)\]$/.exec(detail.field);
      if (!index) return null;
      const reason = detail.reason ? contactReasonText(detail.reason, t) : error.message;
      const tag = tags[Number(index[1])] ?? (typeof detail.value === 'string' ? detail.value : '');
      return tags.length > 1 ? t('customer.tagReason', { tag: shortTag(tag), reason }) : reason;
    })
    .filter((text): text is string => text !== null);
  return texts.length > 0 ? joinSentences(texts, t) : null;
}
