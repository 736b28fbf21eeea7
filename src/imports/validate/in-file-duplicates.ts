/**
 * Rows of one file that share an id, identity, phone or email describe one customer twice. They are all
 * rejected, each naming the other rows (never "first wins" silently), or with `--on-file-duplicate=last`
 * the last such row is kept and the earlier ones fail naming it.
 */
import type { OnFileDuplicate } from '../import-settings.js';
import { describeDuplicateKey } from './row-validation.js';

export class InFileDuplicateIndex {
  private readonly firstRow = new Map<string, number>();
  /** Keys seen on more than one row → all those rows, in file order. */
  private readonly shared = new Map<string, number[]>();

  add(rowNumber: number, keys: string[]): void {
    for (const key of keys) {
      const first = this.firstRow.get(key);
      if (first === undefined) {
        this.firstRow.set(key, rowNumber);
        continue;
      }
      const rows = this.shared.get(key);
      if (rows) {
        if (rows[rows.length - 1] !== rowNumber) rows.push(rowNumber);
      } else if (first !== rowNumber) {
        this.shared.set(key, [first, rowNumber]);
      }
    }
  }

  /** Reasons for the rows that must fail, by row number. Call once, after every row was added. */
  failures(policy: OnFileDuplicate): Map<number, string> {
    const byRow = new Map<number, { others: Set<number>; keys: string[]; supersededBy: number | null }>();
    for (const [key, rows] of this.shared) {
      const last = rows[rows.length - 1]!;
      for (const row of rows) {
        // With `last`, the last row holding a value is not at fault for that value.
        if (policy === 'last' && row === last) continue;
        const entry = byRow.get(row) ?? { others: new Set<number>(), keys: [], supersededBy: null };
        for (const other of rows) if (other !== row) entry.others.add(other);
        entry.keys.push(describeDuplicateKey(key));
        if (policy === 'last') entry.supersededBy = Math.max(entry.supersededBy ?? 0, last);
        byRow.set(row, entry);
      }
    }
    const out = new Map<number, string>();
    for (const [row, entry] of byRow) {
      const others = [...entry.others].sort((a, b) => a - b).join(', ');
      if (policy === 'last') {
        // The last row of every shared value wins unless it also shares another value with a later row.
        if (entry.supersededBy !== null)
          out.set(
            row,
            `superseded by row ${entry.supersededBy}, which has the same ${entry.keys.join(', ')}`,
          );
      } else {
        out.set(
          row,
          `the same ${entry.keys.join(', ')} is also on row${entry.others.size > 1 ? 's' : ''} ${others} of this file`,
        );
      }
    }
    return out;
  }
}
