import { pinyin } from 'pinyin-pro';
import type { Comparator } from './comparator.js';
import { containsHan, foldLatin } from './fold-latin.js';
import { canonicalGivenName } from './nicknames.js';
import { soundex } from './soundex.js';
import { jaroWinkler } from './string-similarity.js';

export interface PreparedName {
  /** Case/accent-folded text (Latin) or the characters themselves (Chinese). */
  folded: string;
  /** Tokens in order, joined: nicknames resolved, Chinese as pinyin ("张伟", "張偉" → "zhangwei"). */
  compact: string;
  /** The same tokens sorted, so order does not matter ("Wei Zhang" = "Zhang Wei"). */
  alias: string;
}

const pinyinCache = new Map<string, string[]>();

function pinyinSyllables(han: string): string[] {
  let syllables = pinyinCache.get(han);
  if (!syllables) {
    syllables = pinyin(han, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
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
    return { folded, compact: tokens.join(''), alias: [...tokens].sort().join('') };
  }
  const folded = foldLatin(raw);
  if (folded === '') return null;
  const tokens = folded.split(' ').map(canonicalGivenName);
  return { folded, compact: tokens.join(''), alias: tokens.sort().join('') };
}

/**
 * Person names: exact, then an alias (nickname, pinyin, simplified/traditional, token order), then
 * Jaro-Winkler bands that absorb typos, where an initial agreeing with the full name counts as close.
 */
export const nameComparator: Comparator<PreparedName> = {
  kind: 'name',
  levels: ['exact', 'alias', 'jaro_winkler_0.92', 'jaro_winkler_0.80_or_initial', 'else'],
  termFrequency: true,
  prepare: prepareName,
  key: (v) => v.folded,
  blockingKey: (v) => v.alias,
  phoneticKey: (v) => soundex(v.compact),
  compare(a, b) {
    if (a.folded === b.folded) return 0;
    if (a.alias === b.alias || a.compact === b.compact) return 1;
    const similarity = jaroWinkler(a.compact, b.compact, 0.8);
    if (similarity >= 0.92) return 2;
    if (similarity >= 0.8) return 3;
    if (isInitialOf(a.compact, b.compact) || isInitialOf(b.compact, a.compact)) return 3;
    return 4;
  },
};

function isInitialOf(initial: string, name: string): boolean {
  return initial.length === 1 && name.charCodeAt(0) === initial.charCodeAt(0);
}
