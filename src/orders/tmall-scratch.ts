/**
 * Pass 1 of a Tmall import, spilled to a scratch SQLite file so memory stays flat whatever the
 * reports' size: every item by its order number (pass 2 takes a batch's items from here), and every
 * order number with its rows (repeated numbers fail naming each other; items whose order is not in
 * the orders file are reported).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../store/private-files.js';
import type { TmallItemRow } from './tmall/tmall-rows.js';

const COMMIT_EVERY = 50_000;

export interface StrayItem {
  rowNumber: number;
  cells: string[];
  reason: string;
}

export class TmallScratch {
  private readonly db: Database.Database;
  private readonly addItem: Database.Statement;
  private readonly addOrder: Database.Statement;
  private readonly addBadItem: Database.Statement;
  private pending = 0;
  private selectItems: Database.Statement | null = null;
  private repeated = new Map<number, string>();

  constructor(private readonly file: string) {
    if (file !== ':memory:') {
      fs.rmSync(file, { force: true });
      ensurePrivateFile(file);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(`
      create table items (order_number text not null, row integer not null, item text not null, cells text not null);
      create table orders (order_number text not null, row integer not null);
      create table bad_items (row integer not null, cells text not null, reason text not null);`);
    this.addItem = this.db.prepare('insert into items (order_number, row, item, cells) values (?, ?, ?, ?)');
    this.addOrder = this.db.prepare('insert into orders (order_number, row) values (?, ?)');
    this.addBadItem = this.db.prepare('insert into bad_items (row, cells, reason) values (?, ?, ?)');
    this.db.exec('begin');
  }

  private tick(): void {
    if (++this.pending >= COMMIT_EVERY) {
      this.db.exec('commit; begin');
      this.pending = 0;
    }
  }

  item(rowNumber: number, cells: string[], item: TmallItemRow): void {
    this.addItem.run(item.orderNumber, rowNumber, JSON.stringify(item), JSON.stringify(cells));
    this.tick();
  }

  badItem(rowNumber: number, cells: string[], reason: string): void {
    this.addBadItem.run(rowNumber, JSON.stringify(cells), reason);
    this.tick();
  }

  order(rowNumber: number, orderNumber: string): void {
    this.addOrder.run(orderNumber, rowNumber);
    this.tick();
  }

  /** After both files are read: indexes, and the rows whose order number repeats. */
  settle(): void {
    this.db.exec('commit');
    this.db.exec(`
      create index items_order on items (order_number, row);
      create index orders_number on orders (order_number);`);
    const repeats = this.db
      .prepare(
        `select order_number, group_concat(row) as rows from orders group by order_number having count(*) > 1`,
      )
      .all() as { order_number: string; rows: string }[];
    for (const r of repeats) {
      const rows = r.rows
        .split(',')
        .map(Number)
        .sort((a, b) => a - b);
      for (const row of rows)
        this.repeated.set(
          row,
          `订单编号 ${r.order_number} is on rows ${rows.join(', ')} of the orders file; an order number may appear once`,
        );
    }
  }

  repeatedReason(rowNumber: number): string | undefined {
    return this.repeated.get(rowNumber);
  }

  /** The items of a batch's orders, in the items file's order: one statement per batch. */
  itemsOf(orderNumbers: readonly string[]): Map<string, TmallItemRow[]> {
    const found = new Map<string, TmallItemRow[]>();
    this.selectItems ??= this.db.prepare(
      `select item from items where order_number in (select value from json_each(?)) order by row`,
    );
    for (const r of this.selectItems.all(JSON.stringify([...new Set(orderNumbers)])) as { item: string }[]) {
      const item = JSON.parse(r.item) as TmallItemRow;
      const list = found.get(item.orderNumber);
      if (list) list.push(item);
      else found.set(item.orderNumber, [item]);
    }
    return found;
  }

  /** Items that cannot be used: unreadable, or their order is not in the orders file. */
  *strayItems(): Generator<StrayItem> {
    const bad = this.db.prepare('select row, cells, reason from bad_items').iterate() as Iterable<{
      row: number;
      cells: string;
      reason: string;
    }>;
    for (const r of bad) yield { rowNumber: r.row, cells: JSON.parse(r.cells) as string[], reason: r.reason };
    const stray = this.db
      .prepare(
        `select i.row, i.cells, i.order_number from items i
          where not exists (select 1 from orders o where o.order_number = i.order_number) order by i.row`,
      )
      .iterate() as Iterable<{ row: number; cells: string; order_number: string }>;
    for (const r of stray)
      yield {
        rowNumber: r.row,
        cells: JSON.parse(r.cells) as string[],
        reason: `订单编号 ${r.order_number} is not in the orders file`,
      };
  }

  close(): void {
    this.db.close();
    if (this.file !== ':memory:') fs.rmSync(this.file, { force: true });
  }
}
