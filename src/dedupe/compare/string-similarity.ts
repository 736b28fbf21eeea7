/**
 * String similarity measures used by the comparators. Hand-written because they sit in the scan's
 * innermost loop (millions of calls): no allocation per call beyond two small typed arrays.
 */

let matchFlagsA = new Uint8Array(64);
let matchFlagsB = new Uint8Array(64);
let editRows = new Int32Array(96);

/** Character counts by the low byte of the code unit: shared characters, bounded from above cheaply. */
const counts = new Int32Array(256);

/**
 * How many characters two strings have in common regardless of position (multiset intersection), or
 * more: characters are counted by the low byte of their code unit, and merging counts can only add.
 */
function sharedCharacters(a: string, b: string, la: number, lb: number): number {
  for (let i = 0; i < la; i++) counts[a.charCodeAt(i) & 255]!++;
  let shared = 0;
  for (let j = 0; j < lb; j++) {
    const c = b.charCodeAt(j) & 255;
    if (counts[c]! > 0) {
      counts[c]!--;
      shared++;
    }
  }
  for (let i = 0; i < la; i++) counts[a.charCodeAt(i) & 255] = 0;
  return shared;
}

/**
 * Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, at most 4 prefix characters). With `floor`,
 * a pair that cannot reach it gets an upper bound below `floor` instead of its exact value — callers
 * only ask whether a similarity reaches a threshold, and most compared pairs are far from any. The
 * bound counts characters the two strings share regardless of position (Jaro's matches are a subset).
 * `la` and `lb` compare the strings' beginnings only (an e-mail's local part, read in place).
 */
export function jaroWinkler(a: string, b: string, floor = 0, la = a.length, lb = b.length): number {
  if (a === b && la === lb) return 1;
  if (la === 0 || lb === 0) return 0;
  if (floor > 0) {
    const shared = sharedCharacters(a, b, la, lb);
    const jaroBound = shared === 0 ? 0 : (shared / la + shared / lb + 1) / 3;
    let prefix = 0;
    const maxPrefix = Math.min(4, la, lb);
    while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
    const bound = jaroBound + prefix * 0.1 * (1 - jaroBound);
    if (bound < floor) return bound;
  }
  if (la <= 32 && lb <= 32) return jaroWinklerShort(a, b, la, lb);
  if (la > matchFlagsA.length) matchFlagsA = new Uint8Array(la * 2);
  if (lb > matchFlagsB.length) matchFlagsB = new Uint8Array(lb * 2);
  matchFlagsA.fill(0, 0, la);
  matchFlagsB.fill(0, 0, lb);
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchFlagsB[j] === 0 && b.charCodeAt(j) === c) {
        matchFlagsA[i] = 1;
        matchFlagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (matchFlagsA[i] === 0) continue;
    while (matchFlagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return jaroWinklerOf(a, b, la, lb, matches, transpositions);
}

/**
 * Positions of each character in `b`, one bit per position (strings of up to 32 code units). All zeros
 * between calls: each call clears what it set before it returns.
 */
const positionsInB = new Int32Array(65_536);

/**
 * The same matching as the loop above, a machine word at a time (strings of up to 32 code units: most
 * names and e-mails). Each of `a`'s characters takes the first unmatched position of its character
 * inside `b`'s window: the lowest bit of a mask instead of a scan of the window.
 */
function jaroWinklerShort(a: string, b: string, la: number, lb: number): number {
  for (let j = 0; j < lb; j++) positionsInB[b.charCodeAt(j)]! |= 1 << j;
  // At most 15 (32 / 2 - 1): a window spans at most 31 bits. `(1 << 31) - 1` is -2³¹ - 1, which the
  // next shift's 32-bit conversion turns into the 31 low bits, as wanted.
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matchedA = 0;
  let matchedB = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = Math.min(lb - 1, i + window);
    if (lo > hi) break; // past b's end, and so for every later i
    const inWindow = ((1 << (hi - lo + 1)) - 1) << lo;
    const candidates = positionsInB[a.charCodeAt(i)]! & inWindow & ~matchedB;
    if (candidates !== 0) {
      matchedB |= candidates & -candidates;
      matchedA |= 1 << i;
      matches++;
    }
  }
  for (let j = 0; j < lb; j++) positionsInB[b.charCodeAt(j)] = 0;
  if (matches === 0) return 0;
  // Matched characters in order on both sides: each step takes the lowest set bit of each mask.
  let transpositions = 0;
  while (matchedA !== 0) {
    const i = 31 - Math.clz32(matchedA & -matchedA);
    const j = 31 - Math.clz32(matchedB & -matchedB);
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    matchedA &= matchedA - 1;
    matchedB &= matchedB - 1;
  }
  return jaroWinklerOf(a, b, la, lb, matches, transpositions);
}

/** Jaro from the matches and transpositions, then Winkler's bonus for a common prefix (at most 4). */
function jaroWinklerOf(
  a: string,
  b: string,
  la: number,
  lb: number,
  m: number,
  transpositions: number,
): number {
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `limit + 1` as
 * soon as the distance is known to exceed `limit`: callers only ask "is it within 1 or 2 edits?".
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > limit) return limit + 1;
  // The bag distance (characters one string has beyond the other) never exceeds the edit distance.
  const shared = sharedCharacters(a, b, la, lb);
  if (Math.max(la, lb) - shared > limit) return limit + 1;
  // Three rows (two back, one back, current) in one reused array: no allocation per call.
  const width = lb + 1;
  if (3 * width > editRows.length) editRows = new Int32Array(6 * width);
  const rows = editRows;
  let prevPrev = 0;
  let prev = width;
  let curr = 2 * width;
  for (let j = 0; j <= lb; j++) {
    rows[prevPrev + j] = 0;
    rows[prev + j] = j;
  }
  for (let i = 1; i <= la; i++) {
    rows[curr] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(rows[prev + j]! + 1, rows[curr + j - 1]! + 1, rows[prev + j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, rows[prevPrev + j - 2]! + 1);
      }
      rows[curr + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const oldest = prevPrev;
    prevPrev = prev;
    prev = curr;
    curr = oldest;
  }
  return Math.min(rows[prev + lb]!, limit + 1);
}

/** Jaccard overlap of two sorted, de-duplicated token lists. */
export function tokenJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}
