/** Picks the CSV delimiter that splits the first lines most consistently. Pure. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

export function detectDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r\n|\n|\r/)
    .slice(0, 20)
    .filter((l) => l.trim() !== '');
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop(); // the sample may cut the last line
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, delimiter));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    // Lines (ignoring ones cut by quoted newlines) that agree with the header's count.
    const agreeing = counts.filter((c) => c === header).length;
    const score = (agreeing / counts.length) * 1000 + header;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

export function describeDelimiter(d: Delimiter): string {
  return d === '\t' ? 'tab' : d;
}
