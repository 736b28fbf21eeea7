/**
 * What a search box query means, and the SQL that finds it through the structures of migration 0009
 * (`src/store/migrations/0009-contact-search.ts`): exact keys through the unique e-mail, phone and
 * identity indexes, phones by their last digits through the reversed-phone index, names through
 * SQLite's FTS5 trigram table or PostgreSQL's pg_trgm index. The expressions here must stay the same
 * text as the migration's indexes, or the indexes are not used.
 */
import { type RawBuilder, sql } from 'kysely';
import { normalizeEmail } from '../domain/normalize/email.js';
import { normalizePhone, type Region } from '../domain/normalize/phone.js';
import type { Dialect } from '../store/sql-dialect.js';

export interface SearchTerms {
  /** The query as typed, NFKC-folded and trimmed. */
  text: string;
  /** Lower-cased `text`. */
  folded: string;
  /** A complete, valid e-mail address. */
  email: string | null;
  /**
   * The beginning of an e-mail address: the query holds an @ and no space, or is a local part with a
   * separator (`zhang.wei`, `j_smith`, `li-na`), which support types as often as the whole address.
   */
  emailPrefix: string | null;
  /** The query read as a phone number in E.164 (any writing, the default region for national ones). */
  phone: string | null;
  /** The digits of a query made of phone characters only, at least four: matched as a phone's end. */
  phoneDigits: string | null;
  /** Searched in names (not for queries that are an e-mail, a phone number or its digits). */
  name: string | null;
}

const PHONE_CHARACTERS = /^[\d\s+\-().]+$/;
/**
 * An e-mail's local part as people type it: letters or digits joined by `.`, `_`, `+` or `-`. A
 * separator is required: without one (`john`, `user1`) the beginning of thousands of addresses would be
 * looked up, and names are searched for such queries anyway.
 */
const LOCAL_PART = /^[a-z0-9]+(?:[._+-][a-z0-9]+)+[._+-]?$/;
/** Fewer last digits than this would match too many phones to be a useful search. */
export const MIN_PHONE_DIGITS = 4;

export function parseSearch(q: string, region: Region): SearchTerms {
  const text = q.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const folded = text.toLowerCase();
  const phoneLike = PHONE_CHARACTERS.test(text);
  const digits = phoneLike ? text.replace(/\D/g, '') : '';
  let email: string | null = null;
  if (text.includes('@')) {
    try {
      email = normalizeEmail(text);
    } catch {
      // not a whole address: still its beginning
    }
  }
  let phone: string | null = null;
  if (phoneLike && digits.length >= 6) {
    try {
      phone = normalizePhone(text, region);
    } catch {
      // not a whole number: its digits are still searched as a phone's end
    }
  }
  return {
    text,
    folded,
    email,
    emailPrefix:
      text.includes('@') && !text.includes(' ')
        ? folded.replace(/^mailto:/, '')
        : !phoneLike && LOCAL_PART.test(folded)
          ? folded
          : null,
    phone,
    phoneDigits: digits.length >= MIN_PHONE_DIGITS ? digits : null,
    // Names hold neither an @ nor only phone characters: such queries are not looked for there.
    name: (phoneLike && digits.length > 0) || text.includes('@') ? null : folded,
  };
}

/** The reversed phone value, as the migration's index spells it on each database. */
export function reversedPhoneSql(dialect: Dialect, column = 'value'): RawBuilder<string> {
  if (dialect === 'postgres') return sql<string>`reverse(${sql.ref(column)})`;
  return sql<string>`${sql.raw(
    Array.from({ length: 16 }, (_, i) => `substr(${column}, -${i + 1}, 1)`).join(' || '),
  )}`;
}

/** The smallest string greater than every string starting with `prefix` (for index range scans). */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/**
 * `expression` begins with `prefix`, as an index range from the prefix on: up to prefixEnd where the
 * collation sorts every such text below it (`bounded`: code point order), else tested with LIKE (a
 * language's collation may sort "sz…" after "s" + U+10FFFF, past the bound).
 */
export function prefixRange(
  expression: RawBuilder<unknown>,
  prefix: string,
  bounded: boolean,
): RawBuilder<boolean> {
  return bounded
    ? sql<boolean>`${expression} >= ${prefix} and ${expression} < ${prefixEnd(prefix)}`
    : sql<boolean>`${expression} >= ${prefix} and ${expression} like ${`${escapeLike(prefix)}%`} escape '\\'`;
}

const reversed = (s: string) => [...s].reverse().join('');

/** `phoneDigits` as the beginning of a reversed E.164 value. */
export function reversedDigits(digits: string): string {
  return reversed(digits);
}

// ---- SQLite: FTS5 trigram (detail=none) over \x02\x02field\x03\x03, see the migration. ----

const START = '\u0002\u0002';
const END = '\u0003\u0003';

/** Rows holding every trigram of `text` (in any order: kith_names_match confirms them). */
function allTrigrams(text: string): string {
  const chars = [...text];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams].map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ');
}

/** FTS5 query for a whole name field equal to the query (confirm with mode `exact`). */
export function ftsExactName(name: string): string {
  return allTrigrams(`${START}${name}${END}`);
}

/**
 * FTS5 query for names containing the query (confirm with `nameMatchMode`). Trigrams need three
 * characters: shorter queries match a field's beginning or end (王 → 王伟 and 李王, 张伟), and two
 * characters also a word's (sm → John Smith).
 */
export function ftsNameMatch(name: string): string {
  const length = [...name].length;
  if (length >= 3) return allTrigrams(name);
  const anchored = [`${START}${name}`, `${name}${END}`];
  if (length === 2) anchored.push(` ${name}`, `${name} `);
  return anchored.map((a) => `(${allTrigrams(a)})`).join(' OR ');
}

export const nameMatchMode = (name: string): 'contains' | 'short' =>
  [...name].length >= 3 ? 'contains' : 'short';

/**
 * Confirms FTS candidates of contacts `alias` against the real names: `kith_names_match`, after the
 * shortcuts of `sqliteNamesSurelyMatch`.
 */
export function sqliteNamesMatch(alias: string, mode: 'exact' | 'contains' | 'short', name: string) {
  const a = sql.raw(alias);
  return sql<boolean>`(${sqliteNamesSurelyMatch(alias, mode, name)}
    or kith_names_match(${a}.name, ${a}.first_name, ${a}.last_name, ${mode}, ${name}) = 1)`;
}

/**
 * A name that holds the query as written (LIKE: ASCII case aside, no folding) where the mode wants it
 * matches for certain, since folding (`foldName`) keeps a string's parts in place: most of a common
 * name's candidates (王伟 for 王) are confirmed here, without a call into JavaScript each (a third of
 * such a search's time). False says nothing.
 */
export function sqliteNamesSurelyMatch(alias: string, mode: 'exact' | 'contains' | 'short', name: string) {
  const a = sql.raw(alias);
  const e = escapeLike(name);
  const surely =
    mode === 'exact'
      ? [e]
      : mode === 'contains'
        ? [`%${e}%`]
        : [`${e}%`, `%${e}`, ...([...name].length === 2 ? [`% ${e}%`, `%${e} %`] : [])];
  return sql<boolean>`(${sql.join(
    surely.map((pattern) => sql`${a}.name like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}

// ---- PostgreSQL: pg_trgm over the lower-cased fields joined by \x1f, see the migration. ----

/** The indexed expression over contacts `c`. */
export const PG_NAMES = sql<string>`lower(coalesce(c.name, '') || chr(31) || coalesce(c.first_name, '') || chr(31) || coalesce(c.last_name, ''))`;

/** chr(31), between the fields of PG_NAMES. */
const FIELD_SEPARATOR = '\u001f';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A name equal to the query: the (lower(name), id) sort index answers it (pg_trgm cannot anchor a regex). */
export function pgExactName(name: string): RawBuilder<boolean> {
  return sql<boolean>`lower(c.name) = ${name}`;
}

/**
 * Characters pg_trgm surely takes as word characters (iswalnum, with the database's ctype: C.UTF-8 or a
 * language's UTF-8): letters of the scripts glibc has long classified, and ASCII digits. Not every
 * \p{L} or \p{N} (❶, newer scripts' letters): a pattern whose word holds one has no whole trigram.
 */
const TRIGRAM_WORD_CHARACTER =
  /^(?:[0-9]|(?=\p{L})[\p{Script=Latin}\p{Script=Han}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Arabic}\p{Script=Hebrew}])$/u;

/**
 * Whether pgNameMatch means "the name begins with it": one character, or two of which one may end
 * words (`o'` leaves a pattern without whole trigrams).
 */
export const pgNameMatchIsPrefix = (name: string) => {
  const chars = [...name];
  return chars.length === 1 || (chars.length === 2 && !chars.every((c) => TRIGRAM_WORD_CHARACTER.test(c)));
};

/**
 * Names containing the query. pg_trgm pads each word of the indexed text (\x1f and spaces end words)
 * with two blanks before and one after, and a LIKE pattern's word with them where a non-word character
 * (not a wildcard) bounds it, so two characters give whole trigrams at a word's beginning (`  z`,
 * ` zw`) and at its end (`zw `): they match as on SQLite, a field's or a word's beginning or end
 * (秀英 → 王秀英, sm → John Smith). One character gives a trigram only at a word's beginning (`  z`);
 * its end (`z ` is two characters) would make the index read every entry, so one character matches
 * the beginning of the name (王 → 王伟, not 李王; every such name sits in the name index from the
 * query on, which a name sort walks: `pgNameMatchIsPrefix`).
 */
export function pgNameMatch(name: string): RawBuilder<boolean> {
  const e = escapeLike(name);
  if ([...name].length >= 3) return sql<boolean>`${PG_NAMES} like ${`%${e}%`}`;
  if (pgNameMatchIsPrefix(name)) return sql<boolean>`${PG_NAMES} like ${`${e}%`}`;
  const S = FIELD_SEPARATOR;
  const patterns = [`${e}%`, `%${S}${e}%`, `% ${e}%`, `%${e}${S}%`, `%${e}`, `%${e} %`];
  // One `like any`, not six `like`s ORed: the index scans each pattern all the same, and each match's
  // recheck lowers and joins the names once instead of once per pattern tried (秀英's 33,000 matches:
  // about 30 ms less).
  return sql<boolean>`${PG_NAMES} like any (array[${sql.join(patterns)}])`;
}
