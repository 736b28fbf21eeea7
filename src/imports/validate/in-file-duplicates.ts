/**
 * Rows of one file that share an id, identity, phone or email describe one customer twice. They are all
 * rejected, each naming the other rows (never "first wins" silently), or with `--on-file-duplicate=last`
 * the last such row is kept and the earlier ones fail naming it.
 *
 * The keys of every row are spilled to a scratch SQLite file and grouped there, so memory stays flat
 * whatever the file's size; only the rows that do share a key come back into memory.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { OnFileDuplicate } from '../import-settings.js';
import { describeDuplicateKey } from './row-validation.js';

const COMMIT_EVERY = 100_000;

export class InFileDuplicateIndex {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private pending = 0;

  /** `file`: a scratch database path (removed by close), or `:memory:` for small inputs and tests. */
  constructor(private readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(
      'create table if not exists file_keys (key text not null, row integer not null); delete from file_keys;',
    );
    this.insert = this.db.prepare('insert into file_keys (key, row) values (?, ?)');
    this.db.exec('begin');
  }

  add(rowNumber: number, keys: string[]): void {
    for (const key of keys) this.insert.run(key, rowNumber);
    this.pending += keys.length;
    if (this.pending >= COMMIT_EVERY) {
      this.db.exec('commit; begin');
      this.pending = 0;
    }
  }

  /** Reasons for the rows that must fail, by row number. Call once, after every row was added. */
  failures(policy: OnFileDuplicate): Map<number, string> {
    this.db.exec('commit');
    const shared = this.db
      .prepare(
        'select key, group_concat(row) as rows from file_keys group by key having count(distinct row) > 1 order by min(row), key',
      )
      .iterate() as IterableIterator<{ key: string; rows: string }>;
    const byRow = new Map<number, { others: Set<number>; keys: string[]; supersededBy: number | null }>();
    for (const { key, rows: list } of shared) {
      const rows = [...new Set(list.split(',').map(Number))].sort((a, b) => a - b);
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
    this.db.exec('begin');
    const out = new Map<number, string>();
    for (const [row, entry] of [...byRow].sort((a, b) => a[0] - b[0])) {
      const others = [...entry.others].sort((a, b) => a - b).join(', ');
      if (policy === 'last') {
        // The last row of every shared value wins unless it also shares another value with a later row.
        out.set(row, `superseded by row ${entry.supersededBy}, which has the same ${entry.keys.join(', ')}`);
      } else {
        out.set(
          row,
          `the same ${entry.keys.join(', ')} is also on row${entry.others.size > 1 ? 's' : ''} ${others} of this file`,
        );
      }
    }
    return out;
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('rollback');
    this.db.close();
    if (this.file !== ':memory:') fs.rmSync(this.file, { force: true });
  }
}
