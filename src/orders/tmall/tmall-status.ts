/**
 * Tmall's order statuses in Kith's own set. DM Hub's rule: only orders that were paid are imported —
 * 交易成功, 买家已付款，等待卖家发货, 卖家已发货，等待买家确认 and 卖家部分发货 (full- or half-width
 * commas alike). Other statuses are known (so an order already in Kith that was closed or refunded
 * since can follow), but a new order with one of them fails. Pure.
 */
export type OrderStatus =
  'pending_payment' | 'paid' | 'shipped' | 'partially_shipped' | 'completed' | 'closed';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending_payment',
  'paid',
  'shipped',
  'partially_shipped',
  'completed',
  'closed',
];

/** Statuses whose orders count as purchases (orders count, total spent, the timeline's event). */
export const PURCHASE_STATUSES: readonly OrderStatus[] = [
  'paid',
  'shipped',
  'partially_shipped',
  'completed',
];

const TMALL_STATUSES: Record<string, { status: OrderStatus; imported: boolean }> = {
  交易成功: { status: 'completed', imported: true },
  '买家已付款,等待卖家发货': { status: 'paid', imported: true },
  '卖家已发货,等待买家确认': { status: 'shipped', imported: true },
  卖家部分发货: { status: 'partially_shipped', imported: true },
  等待买家付款: { status: 'pending_payment', imported: false },
  交易关闭: { status: 'closed', imported: false },
  '交易关闭(买家未付款)': { status: 'closed', imported: false },
  付款以前卖家或买家主动关闭交易: { status: 'closed', imported: false },
  '付款以后用户退款成功,交易自动关闭': { status: 'closed', imported: false },
  付款以后用户退款成功交易自动关闭: { status: 'closed', imported: false },
};

/** Full-width punctuation and spaces folded, so `买家已付款，等待卖家发货` equals its half-width form. */
function foldStatus(raw: string): string {
  return raw
    .replace(/[，、]/gu, ',')
    .replace(/（/gu, '(')
    .replace(/）/gu, ')')
    .replace(/\s+/gu, '');
}

export type TmallStatusReading =
  | { kind: 'imported'; status: OrderStatus }
  /** A known status that does not make a new order a purchase (unpaid, closed). */
  | { kind: 'not_imported'; status: OrderStatus; reason: string }
  | { kind: 'unknown'; reason: string };

export function readTmallStatus(raw: string | null): TmallStatusReading {
  if (raw === null) return { kind: 'unknown', reason: '订单状态 is empty' };
  const known = TMALL_STATUSES[foldStatus(raw)];
  if (!known)
    return {
      kind: 'unknown',
      reason: `订单状态 ${JSON.stringify(raw)} is not a Tmall order status; only 交易成功, 买家已付款，等待卖家发货, 卖家已发货，等待买家确认 and 卖家部分发货 are imported`,
    };
  if (known.imported) return { kind: 'imported', status: known.status };
  return {
    kind: 'not_imported',
    status: known.status,
    reason: `订单状态 ${JSON.stringify(raw)} is not imported: only paid orders are (交易成功, 买家已付款，等待卖家发货, 卖家已发货，等待买家确认, 卖家部分发货)`,
  };
}
