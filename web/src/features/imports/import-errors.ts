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

/** One reason of a row, read from the server's words: the field and the value it names, when it does. */
export interface RowReason {
  /** The reason as the server wrote it. */
  text: string;
  /** The field it is about (`phone`, `additional_emails[1]`, `identities.wechat_openid`), else null. */
  field: string | null;
  /** The value the file had, as written, when the reason names it. */
  value: string | null;
}

/**
 * A failed (or warned) row's reasons: the server joins every reason of a row with "; " ("phone: is not
 * a valid phone number … (got "12345"); email: is not a valid email address (got "a@")"). Split them
 * outside the quoted values (a value may hold "; " itself), and read each one's field and value.
 */
export function rowReasons(text: string): RowReason[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ';' && text[i + 1] === ' ') {
      parts.push(text.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '').map(readReason);
}

const FIELD = /^(?:row \d+: )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)?(?:\[\d+\])?)(?::| was not imported:) /;
const GOT = / \(got ((?:"(?:[^"\\]|\\.)*")|[^()]*)\)$/;

function readReason(text: string): RowReason {
  const field = FIELD.exec(text)?.[1] ?? null;
  const got = GOT.exec(text)?.[1];
  let value: string | null = null;
  if (got !== undefined) {
    try {
      const parsed: unknown = JSON.parse(got);
      value = typeof parsed === 'string' ? parsed : got;
    } catch {
      value = got;
    }
  }
  return { text, field, value };
}
