/**
 * Excel's way of keeping a long number as text in a CSV cell, written without quotes: `="2836…"`.
 * Shop exports (Tmall's order reports among them) write order numbers and phones so, and Excel reads
 * such a cell as the text 2836…; by CSV's rules it is a cell holding quotes without beginning with one,
 * which csv-parse refuses. Rewritten here to the quoted form of the same cell (`"=""2836…"""`), so the
 * cell reads `="2836…"` as it does when the export quotes it, and the order import undoes the
 * protection either way. Only a whole cell of that shape is touched (a cell start, `="`, text without
 * quotes or line breaks, `"`, the cell's end).
 */
import { Transform } from 'node:stream';

const escapeForRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with every unquoted `="…"` cell written in CSV quotes (pure). */
export function quoteExcelTextCells(text: string, delimiter: string): string {
  if (!text.includes('="')) return text;
  const d = escapeForRegExp(delimiter);
  const cell = new RegExp(`(^|${d})="([^"\\r\\n]*)"(?=${d}|\\r?\\n|$)`, 'gm');
  return text.replace(cell, '$1"=""$2"""');
}

/**
 * The same over a stream of decoded text, a line at a time (a cell never spans the cut: the text after
 * the chunk's last line break waits for the next chunk).
 */
export function excelTextCells(delimiter: string): Transform {
  let carry = '';
  return new Transform({
    decodeStrings: false,
    transform(chunk: string | Buffer, _encoding, done) {
      const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const cut = text.lastIndexOf('\n');
      if (cut < 0) {
        carry = text;
        return done();
      }
      carry = text.slice(cut + 1);
      done(null, quoteExcelTextCells(text.slice(0, cut + 1), delimiter));
    },
    flush(done) {
      done(null, carry === '' ? undefined : quoteExcelTextCells(carry, delimiter));
    },
  });
}
