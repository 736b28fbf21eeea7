/**
 * Picks the CSV delimiter that splits the first lines most consistently: the one that splits the most
 * of them into the same number (more than one) of fields. A title line above the table ("Exported from
 * HelpDesk — 30 Nov 2026", "Export, 30 Nov") is one line among several and cannot decide on its own;
 * when the user names the header row, only the lines from it on are looked at. Pure.
 */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Lines looked at, from the first (or the header row the user chose). */
export const DELIMITER_SAMPLE_LINES = 20;

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

export interface DelimiterScore {
  delimiter: Delimiter;
  /** Lines split into `fields` fields by it (the most common count of more than one field). */
  agreeing: number;
  fields: number;
  /** Whether the last line looked at is one of them (a table sits below its title, never above). */
  last: boolean;
}

/** How consistently each delimiter splits `lines` (blank lines already left out). */
export function scoreDelimiters(lines: readonly string[]): DelimiterScore[] {
  return DELIMITERS.map((delimiter) => {
    const counts = lines.map((l) => countOutsideQuotes(l, delimiter));
    const tally = new Map<number, number>();
    for (const c of counts) if (c > 0) tally.set(c, (tally.get(c) ?? 0) + 1);
    let agreeing = 0;
    let mode = 0;
    for (const [count, n] of tally)
      if (n > agreeing || (n === agreeing && count > mode)) {
        agreeing = n;
        mode = count;
      }
    return {
      delimiter,
      agreeing,
      fields: agreeing === 0 ? 1 : mode + 1,
      last: agreeing > 0 && counts[counts.length - 1] === mode,
    };
  });
}

/**
 * The delimiter of a CSV sample `text`, read from line `fromLine` (1 = the first; the header row the
 * user chose). Unless the sample is the `complete` file, its last line may be cut short and is left
 * out. A file no delimiter splits is one column: `,`.
 */
export function detectDelimiter(
  text: string,
  { fromLine = 1, complete = false }: { fromLine?: number; complete?: boolean } = {},
): Delimiter {
  const all = text.split(/\r\n|\n|\r/);
  if (all.length > 1 && !complete && !/[\r\n]$/.test(text)) all.pop(); // the sample may cut the last line
  const lines = all
    .slice(Math.max(0, fromLine - 1))
    .filter((l) => l.trim() !== '')
    .slice(0, DELIMITER_SAMPLE_LINES);
  let best: DelimiterScore | null = null;
  for (const score of scoreDelimiters(lines)) {
    if (score.agreeing === 0) continue;
    if (
      !best ||
      score.agreeing > best.agreeing ||
      (score.agreeing === best.agreeing &&
        (Number(score.last) > Number(best.last) || (score.last === best.last && score.fields > best.fields)))
    )
      best = score;
  }
  return best?.delimiter ?? ',';
}

export function describeDelimiter(d: Delimiter): string {
  return d === '\t' ? 'tab' : d;
}
