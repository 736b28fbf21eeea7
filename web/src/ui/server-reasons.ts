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
