const CODES: Record<string, string> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/**
 * American Soundex of a folded Latin string (pinyin included): a blocking key under which "Allen",
 * "Alan" and "Alen" meet, so a typo in a name does not keep a duplicate out of every block.
 */
export function soundex(value: string): string {
  const letters = value.replace(/[^a-z]/g, '');
  if (letters === '') return '';
  let code = letters[0]!;
  let previous = CODES[code] ?? '';
  for (let i = 1; i < letters.length && code.length < 4; i++) {
    const c = letters[i]!;
    const digit = CODES[c] ?? '';
    if (digit !== '' && digit !== previous) code += digit;
    if (c !== 'h' && c !== 'w') previous = digit;
  }
  return code.padEnd(4, '0');
}
