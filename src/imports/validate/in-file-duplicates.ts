/**
 * Rows of one file that share an id, identity, phone or email describe one customer twice. They are all
 * rejected, each naming the other rows (never "first wins" silently), or with `--on-file-duplicate=last`
 * the last such row is kept and the earlier ones fail naming it.
 *
 * A shared phone or e-mail is not always one customer twice: a B2B export (Salesforce, HubSpot) gives
 * every person of a company the office's switchboard, a shop a family's one mailbox. A row told apart
 * from the others by a value that is more personal than the shared one and on no other row of the file
 * (an id or identity, or an e-mail for a shared phone) is imported without the shared value, with a
 * warning naming it and the other rows (`leftOutFor`); a row not told apart (whose only identifier is
 * the shared phone) still fails as above.
 *
 * The keys of every row are spilled to a scratch SQLite file and grouped there, so memory stays flat
 * whatever the file's size: after pass 1 only the numbers of the rows at fault stay in memory, and each
 * pass-2 batch gets its rows' reasons from the file when it comes.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../../store/private-files.js';
import type { OnFileDuplicate } from '../import-settings.js';
import { describeDuplicateKey, type LeftOutKey } from './row-validation.js';

const COMMIT_EVERY = 100_000;

/**
 * How personal a key's kind is, most first: a shared value of a kind is left out of a row that has a key
 * of a kind above it on no other row. An id or identity on two rows is one customer twice; a phone is
 * shared more often than an e-mail (a switchboard, a household's line), so a shared phone yields to a
 * row's own e-mail, while a shared e-mail yields only to an id or identity — one e-mail on two rows with
 * different phones is far more often one person entered twice than two people.
 */
const KIND_RANK: Record<string, number> = { id: 0, identity: 1, email: 2, phone: 3 };
/** The kinds a shared value of which may be left out of a row told apart by a more personal key. */
const DROPPABLE = new Set(['email', 'phone']);

const kindOf = (key: string) => key.slice(0, key.indexOf('\u0000'));

export class InFileDuplicateIndex {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private pending = 0;
  private settled: {
    policy: OnFileDuplicate;
    rowsAtFault: Set<number>;
    /** Rows with a shared value to leave out: most rows have none, and asking the file costs ~20 µs a row. */
    rowsLeavingOut: Set<number>;
    keysOf: Database.Statement;
  } | null = null;

  /** `file`: a scratch database path (removed by close), or `:memory:` for small inputs and tests. */
  constructor(private readonly file: string) {
    if (file !== ':memory:') ensurePrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(`
      drop table if exists file_keys; drop table if exists shared_keys; drop table if exists fault_keys;
      drop table if exists sharing_rows; drop table if exists own_rank;
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
      create table fault_keys (row integer not null, key text not null, left_out integer not null,
        primary key (row, key)) without rowid;
      create table sharing_rows (row integer primary key);
      insert or ignore into sharing_rows
        select f.row from file_keys f join shared_keys s on s.key = f.key;
      -- The most personal kind (KIND_RANK) among each sharing row's keys that no other row has.
      create table own_rank (row integer primary key, rank integer not null);
      insert into own_rank
        select f.row, min(case substr(f.key, 1, instr(f.key, char(0)) - 1)
          when 'id' then 0 when 'identity' then 1 when 'email' then 2 else 3 end)
        from file_keys f
        where f.row in (select row from sharing_rows)
          and not exists (select 1 from shared_keys s where s.key = f.key)
        group by f.row;`);
    const ownRank = new Map<number, number>();
    for (const { row, rank } of this.db.prepare('select row, rank from own_rank').iterate() as Iterable<{
      row: number;
      rank: number;
    }>)
      ownRank.set(row, rank);
    // The shared keys by their rows, for the batches to look up: read a page, then write it (the
    // connection cannot write while a statement iterates).
    const page = this.db.prepare(
      'select key, last, rows from shared_keys where key > ? order by key limit 5000',
    );
    const addFault = this.db.prepare(
      'insert or ignore into fault_keys (row, key, left_out) values (?, ?, ?)',
    );
    // The last of the rows a key is not left out of: with `last`, that row keeps the value.
    const setLast = this.db.prepare('update shared_keys set last = ? where key = ?');
    const rowsAtFault = new Set<number>();
    const rowsLeavingOut = new Set<number>();
    this.db.exec('begin');
    for (let after = ''; ;) {
      const shared = page.all(after) as { key: string; last: number; rows: string }[];
      if (shared.length === 0) break;
      for (const { key, rows } of shared) {
        const kind = kindOf(key);
        const rank = KIND_RANK[kind] ?? 0;
        const all = rows.split(',').map(Number);
        const toldApart = (row: number) => DROPPABLE.has(kind) && (ownRank.get(row) ?? rank) < rank;
        const kept = all.filter((row) => !toldApart(row));
        const last = kept.reduce((a, b) => Math.max(a, b), 0);
        setLast.run(last, key);
        for (const row of all) {
          const leftOut = toldApart(row);
          addFault.run(row, key, leftOut ? 1 : 0);
          if (leftOut) rowsLeavingOut.add(row);
          // With `last`, the last row holding a value is not at fault for that value.
          if (!leftOut && (policy !== 'last' || row !== last)) rowsAtFault.add(row);
        }
      }
      after = shared[shared.length - 1]!.key;
    }
    this.db.exec('commit');
    const keysOf = this.db.prepare(
      `select s.key, s.last, s.rows, f.left_out as leftOut from fault_keys f join shared_keys s on s.key = f.key
       where f.row = ? order by s.first, s.key`,
    );
    this.settled = { policy, rowsAtFault, rowsLeavingOut, keysOf };
  }

  /**
   * The shared phones and e-mails to leave out of those of `rowNumbers` told apart from the other rows
   * holding them by a more personal key of their own, by row number. Call after `settle`.
   */
  leftOutFor(rowNumbers: readonly number[]): Map<number, LeftOutKey[]> {
    if (!this.settled) throw new Error('leftOutFor before settle');
    const out = new Map<number, LeftOutKey[]>();
    for (const row of rowNumbers) {
      if (!this.settled.rowsLeavingOut.has(row)) continue;
      const left: LeftOutKey[] = [];
      for (const { key, rows, leftOut } of this.settled.keysOf.all(row) as KeyRow[]) {
        if (!leftOut) continue;
        const [kind, value] = key.split('\u0000') as ['phone' | 'email', string];
        const others = rows
          .split(',')
          .map(Number)
          .filter((other) => other !== row)
          .sort((a, b) => a - b);
        left.push({ kind, value, others });
      }
      if (left.length > 0) out.set(row, left);
    }
    return out;
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
      for (const { key, last, rows, leftOut } of keysOf.all(row) as KeyRow[]) {
        if (leftOut || (policy === 'last' && row === last)) continue;
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

interface KeyRow {
  key: string;
  last: number;
  rows: string;
  leftOut: number;
}
