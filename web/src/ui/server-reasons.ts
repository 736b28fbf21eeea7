/**
 * The server explains a refused value in English (`details.reason`). Each screen keeps a table of the
 * reasons it knows — a pattern and what to say in the user's language when it matches — and reads it
 * through `sayReason`; a reason no entry knows is left for the screen to show as the server wrote it.
 */
import type { TFunction } from 'i18next';

export type ReasonTable = readonly (readonly [RegExp, (t: TFunction, match: RegExpExecArray) => string])[];

/** What the first entry matching `reason` says, or null when none does. */
export function sayReason(table: ReasonTable, reason: string, t: TFunction): string | null {
  for (const [pattern, say] of table) {
    const match = pattern.exec(reason);
    if (match) return say(t, match);
  }
  return null;
}

/**
 * The fixed reasons the server gives when background work fails (`failureReason` in
 * src/domain/errors.ts); any other reason is Kith's own message about the work, shown as written.
 */
const FAILURES: ReasonTable = [
  [/^an internal error stopped it/, (t) => t('common.failures.internal')],
  [/^the disk is full$/, (t) => t('common.failures.diskFull')],
  [/^the disk quota is used up$/, (t) => t('common.failures.quota')],
  [/^permission denied$|^operation not permitted$/, (t) => t('common.failures.permission')],
  [/^the file system is read-only$/, (t) => t('common.failures.readOnly')],
  [/^too many files are open$/, (t) => t('common.failures.tooManyFiles')],
];

/** Why a job failed, in the user's language where the server's reason is one of its fixed ones. */
export function failureText(reason: string, t: TFunction): string {
  return sayReason(FAILURES, reason, t) ?? reason;
}
