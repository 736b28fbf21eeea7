/**
 * The server explains refusals in English ({"error": {"code", "message"}}). Known codes get a sentence in
 * the user's language; the server's own words follow, since they name the row, column or value.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { type ReasonTable, sayReason } from '../../ui/server-reasons';

const KNOWN = new Set([
  'payload_too_large',
  'unreadable_file',
  'validation_failed',
  'not_cancellable',
  'not_undoable',
  'already_undone',
  'not_ready',
  'not_found',
  'forbidden',
]);

export interface ExplainedError {
  /** A translated sentence, or null when the code is not one the screens know. */
  title: string;
  /** The server's message (English), shown under the title when it adds something. */
  detail: string | null;
}

export function explainImportError(error: unknown, t: (key: string) => string): ExplainedError {
  if (error instanceof ApiError) {
    if (error.status === 0) return { title: t('common.errors.network'), detail: null };
    if (KNOWN.has(error.code)) return { title: t(`imports.errors.${error.code}`), detail: error.message };
    return { title: t('imports.errors.other'), detail: error.message };
  }
  return { title: t('common.errors.unexpected'), detail: null };
}

/**
 * Failure reasons come from the failure file, in English. The common ones get a translated summary;
 * the original stays beside it (it names the value and the other rows).
 */
const REASON_KEYS: [RegExp, string][] = [
  [/has no id, identity, phone or email/, 'noIdentifier'],
  [/^(additional_)?phones?: .*not a valid phone/, 'invalidPhone'],
  [/^(additional_)?emails?: .*(not a valid|invalid)/, 'invalidEmail'],
  [/is also on other rows? of this file|is also on row/, 'inFileDuplicate'],
  [/^superseded by/, 'superseded'],
  [/belongs to another contact|belong to different contacts/, 'owned'],
  [/^id: contact .* not found/, 'idNotFound'],
  [/^gender\b/, 'invalidGender'],
  [/^birthday\b/, 'invalidBirthday'],
  // Order imports (Tmall and generic).
  [/订单状态 .* is not imported/, 'orderNotPaid'],
  [/订单状态 (is empty|.* is not a Tmall order status)/, 'orderStatusUnknown'],
  [/订单编号 .* is on (other rows|rows? [\d, ]+) of the orders file/, 'orderNumberRepeated'],
  [/订单编号 .* is not in the orders file/, 'orderNotInFile'],
  [/the buyer cannot be identified|the customer cannot be matched/, 'buyerUnknown'],
];

const REASONS: ReasonTable = REASON_KEYS.map(([pattern, key]) => [
  pattern,
  (t) => t(`imports.reasons.${key}`),
]);

export function reasonLabel(kind: string, t: TFunction): string | null {
  return sayReason(REASONS, kind, t);
}
