/**
 * Functions the list's SQL calls on SQLite, registered on every connection that runs it (the main
 * one and the read threads):
 * - kith_deadline(): 1, or an error once the running query's time limit has passed (read threads);
 * - kith_names_match(name, first_name, last_name, mode, query): whether a contact's names really
 *   match a search. The names index (FTS5 trigram, detail=none: cheap to write, see migration 0009)
 *   finds rows holding all of a query's trigrams, in any order; this confirms them.
 */
import type SqliteDatabase from 'better-sqlite3';

/** Case and accents folded as the FTS5 trigram tokenizer folds them (case_sensitive 0 remove_diacritics 1). */
export const foldName = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export type NameMatchMode = 'exact' | 'contains' | 'short';

/**
 * `exact`: a whole field equals the query; `contains`: a field contains it; `short` (one or two
 * characters): a field begins or ends with it, or, for two, a word does.
 */
export function namesMatch(fields: readonly (string | null)[], mode: NameMatchMode, query: string): boolean {
  const q = foldName(query);
  for (const field of fields) {
    if (field === null) continue;
    const f = foldName(field);
    if (mode === 'exact' ? f === q : mode === 'contains' ? f.includes(q) : f.startsWith(q) || f.endsWith(q))
      return true;
    if (mode === 'short' && [...q].length === 2 && f.split(' ').some((w) => w.startsWith(q) || w.endsWith(q)))
      return true;
  }
  return false;
}

export function registerSqliteFunctions(sqlite: SqliteDatabase.Database, deadline: () => number): void {
  sqlite.function('kith_deadline', { deterministic: false }, () => {
    if (Date.now() > deadline()) throw new Error(QUERY_TIMEOUT_MESSAGE);
    return 1;
  });
  sqlite.function(
    'kith_names_match',
    { deterministic: true },
    (name: unknown, first: unknown, last: unknown, mode: unknown, query: unknown) =>
      namesMatch(
        [name, first, last].map((v) => (typeof v === 'string' ? v : null)),
        mode as NameMatchMode,
        String(query),
      )
        ? 1
        : 0,
  );
}

export const QUERY_TIMEOUT_MESSAGE = 'KITH_QUERY_TIMEOUT';
