/**
 * Rows of one file that share an id, identity, phone or email describe one customer twice. They are all
 * rejected, each naming the other rows (never "first wins" silently), or with `--on-file-duplicate=last`
 * the last such row is kept and the earlier ones fail naming it.
 *
 * The keys of every row are spilled to a scratch SQLite file and grouped there, so memory stays flat
 * whatever the file's size: after pass 1 only the numbers of the rows at fault stay in memory, and each
 * pass-2 batch gets its rows' reasons from the file when it comes.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../../store/private-files.js';
import type { OnFileDuplicate } from '../import-settings.js';
import { describeDuplicateKey } from './row-validation.js';

const COMMIT_EVERY = 100_000;

export class InFileDuplicateIndex {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private pending = 0;
  private settled: { policy: OnFileDuplicate; rowsAtFault: Set<number>; keysOf: Database.Statement } | null =
    null;

  /** `file`: a scratch database path (removed by close), or `:memory:` for small inputs and tests. */
  constructor(private readonly file: string) {
    if (file !== ':memory:') ensurePrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(`
      drop table if exists file_keys; drop table if exists shared_keys; drop table if exists fault_keys;
      create table file_keys (key text not null, row integer not null);`);
    this.insert = this.db.prepare('insert into file_keys (row, key) values (?, ?)');
    this.db.exec('begin');
  }

  add(rowNumber: number, keys: string[]): void {
    for (const key of keys) this.insert.run(rowNumber, key);
    this.pending += keys.length;
    if (this.pending >= COMMIT_EVERY) {
      this.db.exec('commit; begin');
      this.pending = 0;
    }
  }

  /** Groups the keys once every row was added: which keys two or more rows share, and which rows are at fault. */
  settle(policy: OnFileDuplicate): void {
    this.db.exec('commit');
    this.db.exec(`
      create table shared_keys (key text primary key, first integer not null, last integer not null,
        rows text not null) without rowid;
      insert into shared_keys
        select key, min(row), max(row), group_concat(distinct row) from file_keys
        group by key having count(distinct row) > 1;
      create table fault_keys (row integer not null, key text not null, primary key (row, key)) without rowid;`);
    // The shared keys by their rows, for the batches to look up: read a page, then write it (the
    // connection cannot write while a statement iterates).
    const page = this.db.prepare(
      'select key, last, rows from shared_keys where key > ? order by key limit 5000',
    );
    const addFault = this.db.prepare('insert or ignore into fault_keys (row, key) values (?, ?)');
    const rowsAtFault = new Set<number>();
    this.db.exec('begin');
    for (let after = ''; ;) {
      const shared = page.all(after) as { key: string; last: number; rows: string }[];
      if (shared.length === 0) break;
      for (const { key, last, rows } of shared) {
        for (const row of rows.split(',').map(Number)) {
          addFault.run(row, key);
          // With `last`, the last row holding a value is not at fault for that value.
          if (policy !== 'last' || row !== last) rowsAtFault.add(row);
        }
      }
      after = shared[shared.length - 1]!.key;
    }
    this.db.exec('commit');
    const keysOf = this.db.prepare(
      `select s.key, s.last, s.rows from fault_keys f join shared_keys s on s.key = f.key
       where f.row = ? order by s.first, s.key`,
    );
    this.settled = { policy, rowsAtFault, keysOf };
  }

  /** Reasons for those of `rowNumbers` that must fail, by row number. Call after `settle`. */
  reasonsFor(rowNumbers: readonly number[]): Map<number, string> {
    if (!this.settled) throw new Error('reasonsFor before settle');
    const { policy, rowsAtFault, keysOf } = this.settled;
    const out = new Map<number, string>();
    for (const row of rowNumbers) {
      if (!rowsAtFault.has(row)) continue;
      const others = new Set<number>();
      const keys: string[] = [];
      let supersededBy = 0;
      for (const { key, last, rows } of keysOf.all(row) as { key: string; last: number; rows: string }[]) {
        if (policy === 'last' && row === last) continue;
        for (const other of rows.split(',').map(Number)) if (other !== row) others.add(other);
        keys.push(describeDuplicateKey(key));
        supersededBy = Math.max(supersededBy, last);
      }
      if (policy === 'last') {
        // The last row of every shared value wins unless it also shares another value with a later row.
        out.set(row, `superseded by row ${supersededBy}, which has the same ${keys.join(', ')}`);
        continue;
      }
      const list = [...others].sort((a, b) => a - b).join(', ');
      out.set(
        row,
        `the same ${keys.join(', ')} is also on row${others.size > 1 ? 's' : ''} ${list} of this file`,
      );
    }
    return out;
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('rollback');
    this.db.close();
    if (this.file !== ':memory:') fs.rmSync(this.file, { force: true });
  }
}
