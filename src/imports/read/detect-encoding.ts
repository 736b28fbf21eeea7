/**
 * Guesses the text encoding of a file from its first bytes. Pure. The answer says how sure it is:
 * an import refuses to run on an `unsure` guess unless the user names the encoding, because a wrong
 * guess would store mojibake in every name of the file.
 */
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';
export const TEXT_ENCODINGS: readonly TextEncoding[] = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'gb18030',
  'windows-1252',
];

export interface EncodingGuess {
  encoding: TextEncoding;
  /** certain: BOM or valid multi-byte UTF-8; likely: strong statistical evidence; unsure: a guess. */
  confidence: 'certain' | 'likely' | 'unsure';
  /** Bytes of byte-order mark to skip. */
  bomLength: number;
  reason: string;
}

/** Accepts the names users type (`gbk`, `GB2312`, `latin1`, `utf8`, `utf-16`…). */
export function parseEncodingName(name: string): TextEncoding | null {
  const n = name.trim().toLowerCase().replace(/[_\s]/g, '-');
  if (['utf-8', 'utf8', 'utf-8-bom', 'utf-8-sig'].includes(n)) return 'utf-8';
  if (['utf-16le', 'utf-16', 'utf16le', 'utf16', 'ucs-2', 'unicode'].includes(n)) return 'utf-16le';
  if (['utf-16be', 'utf16be'].includes(n)) return 'utf-16be';
  if (['gbk', 'gb2312', 'gb18030', 'cp936', 'euc-cn', 'gb-18030'].includes(n)) return 'gb18030';
  if (['windows-1252', 'cp1252', 'latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'ansi'].includes(n)) {
    return 'windows-1252';
  }
  return null;
}

function isValidUtf8(sample: Buffer, complete: boolean): boolean {
  // A sample may end inside a multi-byte sequence; drop up to 3 trailing bytes of an unfinished one.
  let end = sample.length;
  if (!complete) {
    for (let back = 1; back <= 3 && end - back >= 0; back++) {
      const byte = sample[end - back]!;
      if ((byte & 0xc0) === 0xc0) {
        end -= back;
        break;
      }
      if ((byte & 0x80) === 0) break;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Share of characters that are common Han characters or CJK punctuation, among non-ASCII ones. */
function gbPlausibility(sample: Buffer): number {
  const text = iconv.decode(sample, 'gb18030');
  let nonAscii = 0;
  let plausible = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) continue;
    nonAscii++;
    if (
      (code >= 0x4e00 && code <= 0x9fa5) || // CJK unified ideographs in GB2312/GBK
      (code >= 0x3000 && code <= 0x303f) || // CJK punctuation
      (code >= 0xff01 && code <= 0xff5e) // full-width forms
    ) {
      plausible++;
    }
  }
  return nonAscii === 0 ? 0 : plausible / nonAscii;
}

/** Share of high bytes that are Latin letters or common punctuation in Windows-1252. */
function latinPlausibility(sample: Buffer): number {
  let high = 0;
  let plausible = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b < 0x80) continue;
    high++;
    const prev = i > 0 ? sample[i - 1]! : 0x20;
    const next = i + 1 < sample.length ? sample[i + 1]! : 0x20;
    const isLetter =
      (b >= 0xc0 && b <= 0xff && b !== 0xd7 && b !== 0xf7) || b === 0x8a || b === 0x9a || b === 0x8e;
    const isPunct = [
      0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0xa0, 0xa3, 0xa9, 0xae, 0xb0, 0xb7,
    ].includes(b);
    // In Latin text an accented letter stands next to ASCII letters; in GBK two high bytes pair up.
    const asciiNeighbour = prev < 0x80 || next < 0x80;
    if ((isLetter && asciiNeighbour) || isPunct) plausible++;
  }
  return high === 0 ? 0 : plausible / high;
}

export function detectEncoding(sample: Buffer, complete = false): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', confidence: 'certain', bomLength: 3, reason: 'UTF-8 byte-order mark' };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) {
    return { encoding: 'utf-16le', confidence: 'certain', bomLength: 2, reason: 'UTF-16 LE byte-order mark' };
  }
  if (sample[0] === 0xfe && sample[1] === 0xff) {
    return { encoding: 'utf-16be', confidence: 'certain', bomLength: 2, reason: 'UTF-16 BE byte-order mark' };
  }
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) zeroEven++;
    if (sample[2 * i + 1] === 0) zeroOdd++;
  }
  if (pairs > 0 && zeroOdd / pairs > 0.3 && zeroEven / pairs < 0.05) {
    return {
      encoding: 'utf-16le',
      confidence: 'likely',
      bomLength: 0,
      reason: 'UTF-16 LE without byte-order mark',
    };
  }
  if (pairs > 0 && zeroEven / pairs > 0.3 && zeroOdd / pairs < 0.05) {
    return {
      encoding: 'utf-16be',
      confidence: 'likely',
      bomLength: 0,
      reason: 'UTF-16 BE without byte-order mark',
    };
  }
  const hasHighBytes = sample.some((b) => b >= 0x80);
  if (!hasHighBytes) {
    return { encoding: 'utf-8', confidence: 'certain', bomLength: 0, reason: 'plain ASCII' };
  }
  if (isValidUtf8(sample, complete)) {
    return { encoding: 'utf-8', confidence: 'certain', bomLength: 0, reason: 'valid UTF-8' };
  }
  const gb = gbPlausibility(sample);
  const latin = latinPlausibility(sample);
  if (gb >= 0.9 && gb > latin) {
    return {
      encoding: 'gb18030',
      confidence: 'likely',
      bomLength: 0,
      reason: `GBK/GB18030 (${Math.round(gb * 100)}% common Chinese characters)`,
    };
  }
  if (latin >= 0.9 && latin > gb) {
    return {
      encoding: 'windows-1252',
      confidence: 'likely',
      bomLength: 0,
      reason: `Windows-1252/Latin-1 (${Math.round(latin * 100)}% accented letters)`,
    };
  }
  const encoding: TextEncoding = gb >= latin ? 'gb18030' : 'windows-1252';
  return {
    encoding,
    confidence: 'unsure',
    bomLength: 0,
    reason: `not UTF-8; looks ${Math.round(gb * 100)}% like GBK and ${Math.round(latin * 100)}% like Windows-1252`,
  };
}

export function looksBinary(sample: Buffer, guess: EncodingGuess): boolean {
  if (guess.encoding === 'utf-16le' || guess.encoding === 'utf-16be') return false;
  const probe = sample.subarray(0, 8192);
  let control = 0;
  for (const b of probe)
    if (b === 0 || (b < 0x09 && b !== 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  return probe.length > 0 && control / probe.length > 0.01;
}
