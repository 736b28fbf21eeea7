import { createRequire } from 'node:module';
import type { Comparator } from './comparator.js';
import { containsHan, foldLatin } from './fold-latin.js';
import { canonicalGivenName } from './nicknames.js';
import { soundex } from './soundex.js';
import { editDistanceWithin, jaroWinkler } from './string-similarity.js';

export interface PreparedName {
  /** Case/accent-folded text (Latin) or the characters themselves (Chinese). */
  folded: string;
  /** Tokens in order, joined: nicknames resolved, Chinese as pinyin ("张伟", "張偉" → "zhangwei"). */
  compact: string;
  /** The same tokens sorted, so order does not matter ("Wei Zhang" = "Zhang Wei"). */
  alias: string;
  /**
   * The tokens as written, joined, where nicknames changed them: a typo compares against what was
   * typed ("Jauk" is one letter from "Jack", far from its canonical "John"). Absent otherwise.
   */
  written?: string;
  /** Whether a token of several is a single letter ("L Adams"): it may be the initial of a full token. */
  initialled?: true;
}

const pinyinCache = new Map<string, string[]>();

let pinyinPro: typeof import('pinyin-pro') | undefined;

/**
 * pinyin-pro, loaded the first time a Chinese name is compared: its dictionary is about 17 MB of every
 * process that loads it, and most processes (the server at rest, an export, an import) never need it.
 */
function pinyinArray(han: string): string[] {
  pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro');
  return pinyinPro.pinyin(han, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' });
}

function pinyinSyllables(han: string): string[] {
  let syllables = pinyinCache.get(han);
  if (!syllables) {
    syllables = pinyinArray(han)
      .map((s) => foldLatin(s).replace(/ /g, ''))
      .filter((s) => s !== '');
    if (pinyinCache.size > 200_000) pinyinCache.clear();
    pinyinCache.set(han, syllables);
  }
  return syllables;
}

export function prepareName(raw: string): PreparedName | null {
  if (containsHan(raw)) {
    const folded = raw.normalize('NFKC').replace(/[\s·•.]/gu, '');
    if (folded === '') return null;
    const tokens = pinyinSyllables(folded);
    if (tokens.length === 0) return null;
    const compact = tokens.join('');
    return { folded, compact, alias: sameOr(compact, [...tokens].sort().join('')) };
  }
  const folded = foldLatin(raw);
  if (folded === '') return null;
  const words = folded.split(' ');
  const tokens = words.map(canonicalGivenName);
  const compact = sameOr(folded, tokens.join(''));
  const name: PreparedName = { folded, compact, alias: sameOr(compact, tokens.sort().join('')) };
  const written = words.join('');
  if (written !== name.compact) name.written = written;
  if (words.length > 1 && words.some((w) => w.length === 1)) name.initialled = true;
  return name;
}

/** `other`, or `held` when they are equal: a scan holds one string instead of two per distinct name. */
function sameOr(held: string, other: string): string {
  return other === held ? held : other;
}

/**
 * Person names: exact, then an alias (nickname, pinyin, simplified/traditional, token order), then
 * Jaro-Winkler bands that absorb typos (of the canonical or the written tokens), where initials
 * agreeing with the full name ("J" / "John", "L Adams" / "Lauren Adams") count as close.
 */
export const nameComparator: Comparator<PreparedName> = {
  kind: 'name',
  levels: ['exact', 'alias', 'one_edit_or_jaro_winkler_0.92', 'jaro_winkler_0.80_or_initial', 'else'],
  termFrequency: true,
  prepare: prepareName,
  key: (v) => v.folded,
  blockingKey: (v) => v.alias,
  phoneticKey: (v) => soundex(v.compact),
  compare(a, b) {
    if (a.folded === b.folded) return 0;
    if (a.alias === b.alias || a.compact === b.compact) return 1;
    let similarity = jaroWinkler(a.compact, b.compact, 0.8);
    if (similarity < 0.92 && (a.written !== undefined || b.written !== undefined)) {
      similarity = Math.max(similarity, jaroWinkler(a.written ?? a.compact, b.written ?? b.compact, 0.8));
    }
    if (similarity >= 0.92) return 2;
    // Jaro undervalues one wrong letter early in a name ("Beverly" / "Biverly" is 0.915).
    if (similarity >= 0.8 && oneEditApart(a.compact, b.compact)) return 2;
    if (similarity >= 0.8) return 3;
    if (isInitialOf(a.compact, b.compact) || isInitialOf(b.compact, a.compact)) return 3;
    if ((a.initialled || b.initialled) && initialsAgree(a.folded, b.folded)) return 3;
    return 4;
  },
};

/** Long enough that one edit is a typo rather than another name ("Jon" / "Jan"). */
function oneEditApart(a: string, b: string): boolean {
  return Math.min(a.length, b.length) >= 5 && editDistanceWithin(a, b, 1) <= 1;
}

function isInitialOf(initial: string, name: string): boolean {
  return initial.length === 1 && name.charCodeAt(0) === initial.charCodeAt(0);
}

/**
 * Token by token in order, each pair the same (or nickname-equal) or an initial of the other, and
 * at least one full token shared: "L Adams" / "Lauren Adams", "Mary J Blige" / "Mary Jane Blige".
 */
export function initialsAgree(a: string, b: string): boolean {
  const x = a.split(' ');
  const y = b.split(' ');
  if (x.length !== y.length) return false;
  let sharedWord = false;
  for (let k = 0; k < x.length; k++) {
    const s = x[k]!;
    const t = y[k]!;
    if (s === t || canonicalGivenName(s) === canonicalGivenName(t)) {
      if (s.length > 1) sharedWord = true;
    } else if (!isInitialOf(s, t) && !isInitialOf(t, s)) return false;
  }
  return sharedWord;
}
