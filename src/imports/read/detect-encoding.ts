/**
 * Guesses the text encoding of a file from its first bytes. Pure. The answer says how sure it is:
 * an import refuses to run on an `unsure` guess unless the user names the encoding, because a wrong
 * guess would store mojibake in every name of the file.
 *
 * Byte-order marks, UTF-16 and UTF-8 are recognised by their structure. A file in a legacy encoding
 * (GBK, Big5, Shift_JIS, EUC-KR, Windows-1252) is read in each of them and judged by what the text
 * becomes: the right reading gives common characters of its language in believable places, a wrong one
 * gives rare characters, a CJK character wedged inside a Latin word, or accented Latin letters piled up
 * where Chinese characters stood. Short customer lists give the `chardet` library too little to go on (it
 * answers "10" for every multi-byte candidate below a dozen characters), so its statistics only settle
 * between readings that are both plausible; when they cannot, the guess is `unsure` and names the
 * plausible readings, for the user to pick from.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';

export type TextEncoding =
  'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr' | 'windows-1252';
export const TEXT_ENCODINGS: readonly TextEncoding[] = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'gb18030',
  'big5',
  'shift_jis',
  'euc-kr',
  'windows-1252',
];

/** How an encoding is named to users, with the language it is used for. */
export const ENCODING_LABELS: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  gb18030: 'GBK/GB18030 (simplified Chinese)',
  big5: 'Big5 (traditional Chinese)',
  shift_jis: 'Shift_JIS (Japanese)',
  'euc-kr': 'EUC-KR (Korean)',
  'windows-1252': 'Windows-1252/Latin-1 (Western European)',
};

/** The name to pass as `--encoding` / `options.encoding` for each. */
export const ENCODING_OPTION_NAMES: Record<TextEncoding, string> = {
  'utf-8': 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  gb18030: 'gbk',
  big5: 'big5',
  shift_jis: 'shift_jis',
  'euc-kr': 'euc-kr',
  'windows-1252': 'latin1',
};

export interface EncodingGuess {
  encoding: TextEncoding;
  /** certain: BOM or valid multi-byte UTF-8; likely: strong statistical evidence; unsure: a guess. */
  confidence: 'certain' | 'likely' | 'unsure';
  /** Bytes of byte-order mark to skip. */
  bomLength: number;
  reason: string;
  /**
   * When unsure: the readings to choose from, best first (`encoding` is the first). Both plausible when
   * the bytes make sense either way; otherwise the two least implausible.
   */
  alternatives?: TextEncoding[];
}

/** Accepts the names users type (`gbk`, `GB2312`, `latin1`, `utf8`, `utf-16`, `sjis`, `cp949`…). */
export function parseEncodingName(name: string): TextEncoding | null {
  const n = name.trim().toLowerCase().replace(/[_\s]/g, '-');
  if (['utf-8', 'utf8', 'utf-8-bom', 'utf-8-sig'].includes(n)) return 'utf-8';
  if (['utf-16le', 'utf-16', 'utf16le', 'utf16', 'ucs-2', 'unicode'].includes(n)) return 'utf-16le';
  if (['utf-16be', 'utf16be'].includes(n)) return 'utf-16be';
  if (['gbk', 'gb2312', 'gb18030', 'cp936', 'euc-cn', 'gb-18030'].includes(n)) return 'gb18030';
  if (['big5', 'big-5', 'big5-hkscs', 'big5hkscs', 'cp950'].includes(n)) return 'big5';
  if (['shift-jis', 'shiftjis', 'sjis', 'cp932', 'ms932', 'windows-31j'].includes(n)) return 'shift_jis';
  if (['euc-kr', 'euckr', 'cp949', 'uhc', 'ks-c-5601-1987', 'ksc5601'].includes(n)) return 'euc-kr';
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

/** Legacy encodings a customer file comes in, judged by their readings. */
const LEGACY: readonly TextEncoding[] = ['gb18030', 'big5', 'shift_jis', 'euc-kr', 'windows-1252'];

/** A character's weight as evidence for a reading: 1 common, 0.5 valid but rare, 0 implausible. */
type Weights = Map<string, number>;

/**
 * Characters of each double-byte encoding and how common they are, taken from the encoding's own layout
 * (its frequent level sorted first by the standard), decoded once. Everything else the encoding can
 * hold (rare extensions, user-defined areas, symbol rows nobody types) weighs 0.
 */
function cjkWeights(encoding: TextEncoding): Weights {
  const weights: Weights = new Map();
  const add = (leads: [number, number], trails: [number, number][], weight: number) => {
    // One decode per range, each pair on its own line (0x0A is never a trail byte): a thousandfold faster
    // than decoding pair by pair.
    const bytes: number[] = [];
    for (let lead = leads[0]; lead <= leads[1]; lead++)
      for (const [from, to] of trails)
        for (let trail = from; trail <= to; trail++) bytes.push(lead, trail, 0x0a);
    for (const ch of iconv.decode(Buffer.from(bytes), encoding).split('\n'))
      if ([...ch].length === 1 && ch !== '\ufffd' && !weights.has(ch)) weights.set(ch, weight);
  };
  const euc: [number, number][] = [[0xa1, 0xfe]];
  const big5Trails: [number, number][] = [
    [0x40, 0x7e],
    [0xa1, 0xfe],
  ];
  const sjisTrails: [number, number][] = [
    [0x40, 0x7e],
    [0x80, 0xfc],
  ];
  switch (encoding) {
    case 'gb18030':
      add([0xa1, 0xa1], euc, 1); // CJK punctuation
      add([0xa3, 0xa3], euc, 1); // full-width forms
      add([0xb0, 0xd7], euc, 1); // GB2312 level 1: the 3,755 common characters
      add([0xd8, 0xf7], euc, 0.5); // GB2312 level 2
      break;
    case 'big5':
      add([0xa1, 0xa3], big5Trails, 1); // punctuation and symbols
      add([0xa4, 0xc6], big5Trails, 1); // level 1: the 5,401 frequent characters (to C67E)
      add([0xc9, 0xf9], big5Trails, 0.5); // level 2
      break;
    case 'shift_jis':
      add([0x81, 0x83], sjisTrails, 1); // punctuation, full-width forms, hiragana, katakana
      add([0x88, 0x98], sjisTrails, 1); // JIS level 1 kanji (889F–9872)
      add([0x98, 0x9f], sjisTrails, 0.5); // JIS level 2 kanji
      add([0xe0, 0xea], sjisTrails, 0.5);
      for (let b = 0xa1; b <= 0xdf; b++) weights.set(iconv.decode(Buffer.from([b]), encoding), 0.5); // half-width kana
      break;
    case 'euc-kr':
      add([0xa1, 0xa1], euc, 1);
      add([0xa3, 0xa3], euc, 1);
      add([0xb0, 0xc8], euc, 1); // the 2,350 Hangul syllables of KS X 1001
      add([0xca, 0xfd], euc, 0.5); // Hanja, rare in today's Korean
      break;
    default:
      break;
  }
  return weights;
}

const WEIGHTS = new Map<TextEncoding, Weights>();
function weightsOf(encoding: TextEncoding): Weights {
  let w = WEIGHTS.get(encoding);
  if (!w) WEIGHTS.set(encoding, (w = cjkWeights(encoding)));
  return w;
}

const ASCII_LETTER = /[A-Za-z]/;
const HAN = /\p{Script=Han}/u;
const HANGUL = /\p{Script=Hangul}/u;
const LATIN_LETTER = /[À-ÖØ-öø-ÿŠšŽžŒœŸƒ]/u;
/** Quotes, dashes and the like: next to letters ("O’Brien", „Zum") but never two in a row. */
const LATIN_PUNCTUATION = /[‚„…†‡‰‹›‘’“”•–—˜ «»]/u;
/** Other symbols stand apart from letters ("5 €", "20 °C", "½"); a mark may end a word ("Kith®", "Nº"). */
const LATIN_SYMBOL = /[€¡¢£¥§°±²³µ·¹¼½¾¿]/u;
const LATIN_MARK = /[™®©ªº]/u;

/**
 * How plausible a reading of the bytes is: the weighted share of its non-ASCII characters that are
 * believable where they stand, and how many there were. Pure.
 */
export function readingPlausibility(text: string, encoding: TextEncoding): { score: number; chars: number } {
  const chars = [...text];
  const weights = encoding === 'windows-1252' ? null : weightsOf(encoding);
  let count = 0;
  let total = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch.charCodeAt(0) < 0x80) continue;
    count++;
    const prev = chars[i - 1] ?? ' ';
    const next = chars[i + 1] ?? ' ';
    const prevLetter = ASCII_LETTER.test(prev);
    const nextLetter = ASCII_LETTER.test(next);
    const highNeighbour = prev.charCodeAt(0) >= 0x80 || next.charCodeAt(0) >= 0x80;
    if (weights) {
      // A CJK character inside a Latin word ("J鰄n") is a Latin file read wrongly.
      if (prevLetter && nextLetter) continue;
      // Today's Korean does not glue Hanja to Hangul ("고객姓명"): that is Chinese read as Korean.
      if (HAN.test(ch) && (HANGUL.test(prev) || HANGUL.test(next))) continue;
      total += weights.get(ch) ?? 0;
    } else if (LATIN_LETTER.test(ch)) {
      // Accented letters belong to Latin words ("Jöhn", "Conceição", "à"); a run of them with no
      // ASCII letter beside ("ÕÅÎ°") is what Chinese looks like read as Latin.
      if (prevLetter || nextLetter || !highNeighbour) total += 1;
    } else if (highNeighbour) {
      continue;
    } else if (
      LATIN_PUNCTUATION.test(ch) ||
      (LATIN_SYMBOL.test(ch) && !prevLetter && !nextLetter) ||
      (LATIN_MARK.test(ch) && !nextLetter)
    ) {
      // Big5 and Shift_JIS trail bytes are ASCII letters: read as Latin they glue symbols to letters.
      total += 1;
    }
  }
  return { score: count === 0 ? 0 : total / count, chars: count };
}

/** At this share of believable characters a reading is plausible. */
const PLAUSIBLE = 0.85;
/** A reading this much more plausible than the next is taken without asking. */
const CLEAR_LEAD = 0.2;

/** Below this many non-ASCII bytes, chardet's statistics are noise (it scores 3-character names). */
const MIN_STATISTICS_BYTES = 40;

/** chardet's names for the encodings Kith reads. */
const CHARDET_NAMES: Record<string, TextEncoding> = {
  GB18030: 'gb18030',
  Big5: 'big5',
  Shift_JIS: 'shift_jis',
  'EUC-KR': 'euc-kr',
  'ISO-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
};

function chardetConfidence(sample: Buffer): Map<TextEncoding, number> {
  const out = new Map<TextEncoding, number>();
  for (const match of chardet.analyse(sample)) {
    const encoding = CHARDET_NAMES[match.name];
    if (encoding && !out.has(encoding)) out.set(encoding, match.confidence);
  }
  return out;
}

/** The sample up to its last line break, so no character is cut in half at the end. */
function wholeLines(sample: Buffer, complete: boolean): Buffer {
  if (complete) return sample;
  const end = sample.lastIndexOf(0x0a);
  return end > 0 ? sample.subarray(0, end + 1) : sample;
}

function percent(n: number): string {
  return `${Math.round(n * 100)}%`;
}

function guessLegacy(sample: Buffer, complete: boolean): EncodingGuess {
  const bytes = wholeLines(sample, complete);
  const readings = LEGACY.map((encoding) => ({
    encoding,
    ...readingPlausibility(iconv.decode(bytes, encoding), encoding),
  })).sort((a, b) => b.score - a.score);
  const plausible = readings.filter((r) => r.score >= PLAUSIBLE);
  const describe = (r: (typeof readings)[number]) =>
    `${ENCODING_LABELS[r.encoding]}: ${percent(r.score)} of ${r.chars} non-ASCII characters read as common text`;
  const likely = (r: (typeof readings)[number], why: string): EncodingGuess => ({
    encoding: r.encoding,
    confidence: 'likely',
    bomLength: 0,
    reason: `${describe(r)}${why}`,
  });
  const [best, second] = readings as [(typeof readings)[number], (typeof readings)[number]];
  if (plausible.length === 1 || (plausible.length > 1 && best.score - second.score >= CLEAR_LEAD)) {
    return likely(best, `; next best ${describe(second)}`);
  }
  if (plausible.length > 1) {
    // Both make sense character by character: the language statistics of a longer text may settle it.
    const stats = chardetConfidence(bytes);
    const ranked = plausible
      .map((r) => ({ ...r, confidence: stats.get(r.encoding) ?? 0 }))
      .sort((a, b) => b.confidence - a.confidence);
    const [first, next] = ranked as [(typeof ranked)[number], (typeof ranked)[number]];
    const highBytes = bytes.reduce((n, b) => (b >= 0x80 ? n + 1 : n), 0);
    if (
      highBytes >= MIN_STATISTICS_BYTES &&
      first.confidence >= 50 &&
      first.confidence >= next.confidence + 30
    ) {
      return likely(first, `; language statistics prefer it to ${ENCODING_LABELS[next.encoding]}`);
    }
    return {
      encoding: best.encoding,
      confidence: 'unsure',
      bomLength: 0,
      reason: `the bytes read plausibly as ${plausible.map((r) => ENCODING_LABELS[r.encoding]).join(' and as ')}`,
      alternatives: plausible.map((r) => r.encoding),
    };
  }
  return {
    encoding: best.encoding,
    confidence: 'unsure',
    bomLength: 0,
    reason: `not UTF-8, and no reading is convincing (${describe(best)}; ${describe(second)})`,
    alternatives: [best.encoding, second.encoding],
  };
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
  return guessLegacy(sample, complete);
}

export interface EncodingReading {
  encoding: TextEncoding;
  /** The encoding's name for users, e.g. "Big5 (traditional Chinese)". */
  label: string;
  /** The name to choose it with (`--encoding`, `options.encoding`). */
  option: string;
  /** The first lines that differ between readings (those with non-ASCII bytes), as this encoding reads them. */
  sample: string[];
}

/** The file's first lines with non-ASCII text as each encoding reads them, for a user to choose from. */
export function encodingReadings(
  sample: Buffer,
  encodings: readonly TextEncoding[],
  maxLines = 5,
): EncodingReading[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < sample.length && lines.length < maxLines) {
    let end = sample.indexOf(0x0a, start);
    if (end < 0) end = sample.length;
    const line = sample.subarray(start, end);
    if (line.some((b) => b >= 0x80)) lines.push(line);
    start = end + 1;
  }
  return encodings.map((encoding) => ({
    encoding,
    label: ENCODING_LABELS[encoding],
    option: ENCODING_OPTION_NAMES[encoding],
    sample: lines.map((line) => iconv.decode(line, encoding).replace(/\r$/, '').slice(0, 200)),
  }));
}

export function looksBinary(sample: Buffer, guess: EncodingGuess): boolean {
  if (guess.encoding === 'utf-16le' || guess.encoding === 'utf-16be') return false;
  const probe = sample.subarray(0, 8192);
  let control = 0;
  for (const b of probe)
    if (b === 0 || (b < 0x09 && b !== 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  return probe.length > 0 && control / probe.length > 0.01;
}
