/**
 * Whether the server can filter the customers list by a value of the address: an attribute's value its
 * type cannot hold (`attr.vip=maybe` for a yes/no attribute), a date, count or amount it cannot read
 * (`created_since=yesterday`). The checks are the server's own rules, written again for the browser —
 * normalizeAttributeValue (src/domain/contact/attribute-value.ts) with normalizeDate, and the list's
 * isoParam, countParam and amountParam (src/contacts/contact-service.ts) — and test/web runs both on
 * the same inputs. What the server refuses all the same is read from its reason (refusalOfReason), so
 * either way the list says it in the user's words.
 */
import type { TFunction } from 'i18next';

/** Why a value was refused: the same few reasons whoever found it (this check or the server). */
export type Refusal =
  | {
      reason: 'boolean' | 'number' | 'date' | 'calendarDate' | 'empty' | 'instant' | 'wholeNumber' | 'amount';
    }
  | { reason: 'option'; options: readonly string[] };

export interface AttributeFilterDefinition {
  key: string;
  type: 'text' | 'number' | 'boolean' | 'date' | 'list';
  options: readonly string[] | null;
}

/** The list's own filters whose values the server reads (and refuses when it cannot). */
export const CHECKED_FILTERS = {
  created_since: 'instant',
  created_before: 'instant',
  updated_since: 'instant',
  updated_before: 'instant',
  last_order_since: 'instant',
  last_order_before: 'instant',
  min_orders: 'wholeNumber',
  max_orders: 'wholeNumber',
  min_total_spent: 'amount',
  max_total_spent: 'amount',
} as const;
export type CheckedFilter = keyof typeof CHECKED_FILTERS;

// normalizeText: control characters removed, NFKC, spaces collapsed and trimmed.
// eslint-disable-next-line no-control-regex -- the characters the server removes
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu;
const isEmptyText = (value: string) =>
  value.replace(CONTROLS, '').normalize('NFKC').replace(/\s+/gu, ' ').trim() === '';

/** attribute-value.ts: a number as people write one (decimal only). */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是', '真', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '否', '假', 'off']);

/** normalize/date.ts: the date forms an attribute's date may take (year first). */
const DATE_FORMS: RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];
/** normalize/date.ts: an ISO-8601 date or date-time as a filter takes it. */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/i;

/** Whether year, month and day name a day of the calendar (years as written: 0099 is 99, not 1999). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why the server would refuse `raw` as a filter on the attribute `definition`, or null when it would not. */
export function attributeValueRefusal(definition: AttributeFilterDefinition, raw: string): Refusal | null {
  const text = raw.normalize('NFKC').trim();
  switch (definition.type) {
    case 'text':
      return isEmptyText(raw) ? { reason: 'empty' } : null;
    case 'number':
      return DECIMAL_NUMBER.test(text) && Number.isFinite(Number(text)) ? null : { reason: 'number' };
    case 'boolean': {
      const word = text.toLowerCase();
      return TRUE_WORDS.has(word) || FALSE_WORDS.has(word) ? null : { reason: 'boolean' };
    }
    case 'date': {
      for (const form of DATE_FORMS) {
        const m = form.exec(text);
        if (m)
          return isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) ? null : { reason: 'calendarDate' };
      }
      return { reason: 'date' };
    }
    case 'list': {
      const options = definition.options ?? [];
      return options.some((option) => option.toLowerCase() === text.toLowerCase())
        ? null
        : { reason: 'option', options };
    }
  }
}

/** Why the server would refuse `raw` as the list filter `name`, or null when it would not. */
export function filterValueRefusal(name: CheckedFilter, raw: string): Refusal | null {
  if (raw === '') return null;
  switch (CHECKED_FILTERS[name]) {
    case 'instant': {
      const m = ISO_INSTANT.exec(raw);
      const readable =
        m !== null &&
        isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) &&
        !Number.isNaN(new Date(raw).getTime());
      return readable ? null : { reason: 'instant' };
    }
    case 'wholeNumber': {
      const n = Number(raw);
      return Number.isInteger(n) && n >= 0 ? null : { reason: 'wholeNumber' };
    }
    case 'amount':
      return /^(\d+)(?:\.(\d{1,2}))?$/.test(raw.trim()) ? null : { reason: 'amount' };
  }
}

/** The server's reasons (its English `details.reason`) for the refusals above. */
const SERVER_REASONS: readonly (readonly [RegExp, (match: RegExpExecArray) => Refusal])[] = [
  [/^must be true or false$/, () => ({ reason: 'boolean' })],
  [/^must be a number$/, () => ({ reason: 'number' })],
  [/^(?:must be|is not) a date in the form YYYY-MM-DD$/, () => ({ reason: 'date' })],
  [/^is not a real calendar date$/, () => ({ reason: 'calendarDate' })],
  [/^is empty$/, () => ({ reason: 'empty' })],
  [/^must be one of (.*)$/s, (m) => ({ reason: 'option', options: m[1] ? m[1].split(', ') : [] })],
  [/^is not an ISO-8601 date or timestamp$/, () => ({ reason: 'instant' })],
  [/^is not a whole number of orders$/, () => ({ reason: 'wholeNumber' })],
  [/^is not an amount/, () => ({ reason: 'amount' })],
];

/** The refusal a reason of the server's names, or null for a reason these filters never give. */
export function refusalOfReason(reason: string): Refusal | null {
  for (const [pattern, refusal] of SERVER_REASONS) {
    const match = pattern.exec(reason);
    if (match) return refusal(match);
  }
  return null;
}

/**
 * A refusal in the user's words: "not yes or no", "不是数字" … `alternatives` joins a list's options as
 * the language writes "a, b or c" (the app's formatList, kind `or`).
 */
export function refusalText(
  refusal: Refusal,
  t: TFunction,
  alternatives: (items: readonly string[]) => string,
): string {
  return refusal.reason === 'option'
    ? t('customers.ignored.reasons.option', { options: alternatives(refusal.options) })
    : t(`customers.ignored.reasons.${refusal.reason}`);
}
