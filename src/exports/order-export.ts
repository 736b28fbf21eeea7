/**
 * Orders exports: the orders list's selection (same filters) written as CSV, XLSX, JSON or NDJSON, one
 * row per order with its items, page by page through the list's keyset pages (newest first), so memory
 * stays flat whatever the number of orders.
 *
 * - CSV: UTF-8 with a BOM, the order's fields, `items` as one cell (`title [sku] ×qty @price`, joined
 *   by `; `), formula-injection safe (src/domain/csv-cell-safety.ts).
 * - XLSX: sheet `Orders` (the same columns) and sheet `Items` (one row per item with its order's id and
 *   number), written one after the other: the list is read twice, so neither sheet waits in memory.
 * - JSON (an array) / NDJSON (one per line): the API's order (`GET /api/orders/{id}`), items nested.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { protectCell } from '../domain/csv-cell-safety.js';
import { ValidationError } from '../domain/errors.js';
import { drained, endWith, writeText } from './output-waits.js';

/**
 * An order as the orders list gives it (src/orders/order-record.ts `Order`), as far as an export reads
 * it. Declared here because exports sit beside orders, not above them: src/services.ts passes the list.
 */
export interface ExportedOrderItem {
  title: string | null;
  sku: string | null;
  external_number: string | null;
  properties: string | null;
  package: string | null;
  quantity: number | null;
  unit_price: string | null;
  status: string | null;
  note: string | null;
}
export type ExportedOrder = Record<
  Exclude<(typeof ORDER_COLUMNS)[number], 'items' | 'item_count'>,
  string | null
> & { item_count: number; items: ExportedOrderItem[] };

/** The orders list's filters (OrderFilter in src/orders/order-service.ts). */
export interface OrderExportQuery {
  contact_id?: string;
  status?: string[];
  source?: string;
  since?: string;
  before?: string;
  min_amount?: string;
  max_amount?: string;
  q?: string;
}

/** Keyset pages of the orders list, newest first (OrderService.list). */
export interface OrderPages {
  list(
    filter: OrderExportQuery & { cursor?: string; limit?: number },
  ): Promise<{ data: ExportedOrder[]; next_cursor: string | null }>;
}

export const ORDER_EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
export type OrderExportFormat = (typeof ORDER_EXPORT_FORMATS)[number];

export const ORDER_EXPORT_CONTENT_TYPES: Record<OrderExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export interface OrderExportRequest {
  format: string;
  query: OrderExportQuery;
}

export interface PreparedOrderExport {
  format: OrderExportFormat;
  contentType: string;
  /** Writes every selected order to `out` and ends it; resolves with the number of orders written. */
  writeTo(out: Writable, onProgress?: (rows: number) => void): Promise<number>;
}

/** The orders sheet's and CSV's columns, in order. */
export const ORDER_COLUMNS = [
  'id',
  'source',
  'order_number',
  'contact_id',
  'status',
  'source_status',
  'currency',
  'goods_amount',
  'postage_amount',
  'total_amount',
  'paid_amount',
  'ordered_at',
  'paid_at',
  'shipped_at',
  'completed_at',
  'closed_at',
  'buyer_nick',
  'receiver_name',
  'receiver_phone',
  'receiver_address',
  'shop_id',
  'shop_name',
  'buyer_message',
  'seller_note',
  'item_count',
  'items',
  'created_at',
  'updated_at',
] as const;

/** The items sheet's columns: the order it belongs to, then the item's fields. */
export const ORDER_ITEM_COLUMNS = [
  'order_id',
  'order_number',
  'title',
  'sku',
  'external_number',
  'properties',
  'package',
  'quantity',
  'unit_price',
  'status',
  'note',
] as const;

/** Orders per page through the list (its largest page). */
const PAGE = 500;

/** One item in a cell: `title [sku] (properties) ×quantity @unit_price`, absent parts left out (pure). */
export function itemText(item: ExportedOrderItem): string {
  const parts = [item.title ?? ''];
  if (item.sku) parts.push(`[${item.sku}]`);
  if (item.properties) parts.push(`(${item.properties})`);
  if (item.quantity !== null) parts.push(`×${item.quantity}`);
  if (item.unit_price !== null) parts.push(`@${item.unit_price}`);
  return parts.filter((p) => p !== '').join(' ');
}

/** An order's cells in ORDER_COLUMNS order: text, a number (item_count) or null when absent (pure). */
export function orderCells(order: ExportedOrder): (string | number | null)[] {
  return ORDER_COLUMNS.map((column) => {
    if (column === 'items') return order.items.length === 0 ? null : order.items.map(itemText).join('; ');
    if (column === 'item_count') return order.item_count;
    return order[column];
  });
}

/** An item's cells in ORDER_ITEM_COLUMNS order (pure). */
export function itemCells(order: ExportedOrder, item: ExportedOrderItem): (string | number | null)[] {
  return ORDER_ITEM_COLUMNS.map((column) => {
    if (column === 'order_id') return order.id;
    if (column === 'order_number') return order.order_number;
    return item[column];
  });
}

/** A CSV line's cells: absent is empty, numbers as written, text protected against formulas (pure). */
export function csvCells(cells: (string | number | null)[]): string[] {
  return cells.map((c) => (c === null ? '' : typeof c === 'number' ? String(c) : protectCell(c)));
}

export class OrderExportService {
  constructor(private readonly orders: OrderPages) {}

  /** Checks the format and filters (a refusal names the field) by reading the first page. */
  async prepare(request: OrderExportRequest): Promise<PreparedOrderExport> {
    const format = request.format as OrderExportFormat;
    if (!(ORDER_EXPORT_FORMATS as readonly string[]).includes(format))
      throw new ValidationError(
        'format',
        request.format,
        `must be one of ${ORDER_EXPORT_FORMATS.join(', ')}`,
      );
    // Every page is read anyway: nothing to count.
    const query = { ...request.query, total: false };
    const first = await this.orders.list({ ...query, limit: PAGE });
    const pages = async function* (this: OrderExportService, reuseFirst: boolean) {
      let page = reuseFirst ? first : await this.orders.list({ ...query, limit: PAGE });
      for (;;) {
        yield page.data;
        if (!page.next_cursor) return;
        page = await this.orders.list({ ...query, cursor: page.next_cursor, limit: PAGE });
      }
    }.bind(this);
    return {
      format,
      contentType: ORDER_EXPORT_CONTENT_TYPES[format],
      writeTo: async (out, onProgress) => {
        let rows = 0;
        const counted = async function* () {
          for await (const page of pages(true)) {
            yield page;
            rows += page.length;
            onProgress?.(rows);
          }
        };
        switch (format) {
          case 'csv': {
            const lines = (records: string[][]) => stringifyCsv(records);
            await writeText(out, `\uFEFF${lines([[...ORDER_COLUMNS]])}`);
            for await (const page of counted())
              if (page.length > 0) await writeText(out, lines(page.map((o) => csvCells(orderCells(o)))));
            await endWith(out, '');
            break;
          }
          case 'json': {
            let first = true;
            await writeText(out, '[');
            for await (const page of counted()) {
              let text = '';
              for (const o of page) {
                text += `${first ? '\n' : ',\n'}${JSON.stringify(o)}`;
                first = false;
              }
              if (text) await writeText(out, text);
            }
            await endWith(out, first ? ']\n' : '\n]\n');
            break;
          }
          case 'ndjson':
            for await (const page of counted())
              if (page.length > 0) await writeText(out, page.map((o) => `${JSON.stringify(o)}\n`).join(''));
            await endWith(out, '');
            break;
          case 'xlsx': {
            // Loaded on first use: exceljs is 27 MB of every process that never writes an orders XLSX.
            const { default: ExcelJS } = await import('exceljs');
            const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
              stream: out,
              useStyles: false,
              useSharedStrings: false,
            });
            const ordersSheet = workbook.addWorksheet('Orders');
            ordersSheet.addRow([...ORDER_COLUMNS]).commit();
            for await (const page of counted()) {
              for (const o of page) ordersSheet.addRow(orderCells(o)).commit();
              if (out.writableNeedDrain) await drained(out);
            }
            ordersSheet.commit();
            // The items sheet is a second pass over the list: exceljs writes sheets one after the other,
            // so rows of a sheet written alongside would wait in memory until the first one ends.
            const itemsSheet = workbook.addWorksheet('Items');
            itemsSheet.addRow([...ORDER_ITEM_COLUMNS]).commit();
            for await (const page of pages(false)) {
              for (const o of page)
                for (const item of o.items) itemsSheet.addRow(itemCells(o, item)).commit();
              if (out.writableNeedDrain) await drained(out);
            }
            itemsSheet.commit();
            await workbook.commit();
            await finished(out, { readable: false });
            break;
          }
        }
        return rows;
      },
    };
  }
}
