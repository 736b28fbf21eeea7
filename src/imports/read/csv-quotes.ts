/**
 * Where a quote went wrong in a CSV file. csv-parse reports a quote error at the line where it gave up
 * — the end of the file, or a megabyte later — while the mistake is where the quote opened. Run only
 * after such an error, this reads the file again as csv-parse does (a quote opens a cell only at its
 * start, `""` inside quotes is a quote) and says where the last quote before that line opened.
 */
import fs from 'node:fs';
import type { Duplex } from 'node:stream';
import iconv from 'iconv-lite';
import type { Delimiter } from './detect-delimiter.js';
import type { TextEncoding } from './detect-encoding.js';

export interface OpenedQuote {
  /** The line of the file (as a text editor counts) and the row (as a spreadsheet counts records). */
  line: number;
  row: number;
  /** Still open where the scan ended. */
  open: boolean;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The last quote opened up to line `untilLine` (or the end of the file), or null if none was. */
export async function locateOpenedQuote(
  path: string,
  encoding: TextEncoding,
  delimiter: Delimiter,
  untilLine = Number.POSITIVE_INFINITY,
): Promise<OpenedQuote | null> {
  const separator = delimiter.charCodeAt(0);
  let line = 1;
  let row = 1;
  let inQuote = false;
  let quoteSeen = false; // inside quotes, a quote that may be the first of `""`
  let afterCr = false;
  let atCellStart = true;
  let opened: OpenedQuote | null = null;
  const file = fs.createReadStream(path);
  const text = iconv.decodeStream(encoding, { stripBOM: true }) as NodeJS.ReadWriteStream & Duplex;
  file.on('error', (e) => text.destroy(e));
  file.pipe(text);
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (afterCr) {
          afterCr = false;
          if (c === LF) continue; // CRLF is one line break
        }
        if (inQuote) {
          if (quoteSeen) {
            quoteSeen = false;
            if (c === QUOTE) continue;
            inQuote = false; // that quote closed the cell; this character is outside it
          } else {
            if (c === QUOTE) quoteSeen = true;
            else if (c === LF || c === CR) {
              line++;
              afterCr = c === CR;
              if (line > untilLine) return finish(opened, inQuote);
            }
            continue;
          }
        }
        if (c === QUOTE && atCellStart) {
          inQuote = true;
          atCellStart = false;
          opened = { line, row, open: true };
        } else if (c === separator) atCellStart = true;
        else if (c === LF || c === CR) {
          line++;
          row++;
          atCellStart = true;
          afterCr = c === CR;
          if (line > untilLine) return finish(opened, inQuote);
        } else atCellStart = false;
      }
    }
    // A quote last in the file closes its cell.
    return finish(opened, inQuote && !quoteSeen);
  } finally {
    file.destroy();
  }
}

function finish(opened: OpenedQuote | null, open: boolean): OpenedQuote | null {
  return opened && { ...opened, open };
}

/** "line 17" as the other CSV errors say, with the row too when cells spanning lines make them differ. */
export function describeQuotePlace(quote: OpenedQuote): string {
  return quote.line === quote.row ? `line ${quote.line}` : `line ${quote.line} (row ${quote.row})`;
}
