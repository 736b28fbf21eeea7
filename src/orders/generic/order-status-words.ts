/**
 * A shop's own order status (any language, any shop system) in Kith's status set; the raw word is
 * kept beside it. Words are compared folded (case, spaces, hyphens, full-width punctuation), so
 * `Partially Shipped`, `partially-shipped` and `partially_shipped` are one. Tmall's statuses are
 * known too. Pure.
 */
import { ORDER_STATUSES, type OrderStatus, readTmallStatus } from '../tmall/tmall-status.js';

const WORDS: Record<OrderStatus, string[]> = {
  pending_payment: [
    'pending payment',
    'pending',
    'unpaid',
    'awaiting payment',
    'not paid',
    'on hold',
    '待付款',
    '未付款',
    '待支付',
    '等待付款',
    '等待买家付款',
  ],
  paid: [
    'paid',
    'processing',
    'awaiting shipment',
    'awaiting fulfillment',
    'unfulfilled',
    'confirmed',
    '已付款',
    '已支付',
    '待发货',
    '买家已付款',
    '付款成功',
  ],
  shipped: [
    'shipped',
    'fulfilled',
    'sent',
    'dispatched',
    'in transit',
    'out for delivery',
    '已发货',
    '待收货',
    '运输中',
    '配送中',
    '卖家已发货',
  ],
  partially_shipped: ['partially shipped', 'partially fulfilled', 'partial', '部分发货', '卖家部分发货'],
  completed: [
    'completed',
    'complete',
    'delivered',
    'done',
    'finished',
    'success',
    'succeeded',
    '已完成',
    '完成',
    '交易成功',
    '已收货',
    '已签收',
    '交易完成',
  ],
  closed: [
    'closed',
    'cancelled',
    'canceled',
    'refunded',
    'voided',
    'void',
    'failed',
    'returned',
    '已关闭',
    '关闭',
    '已取消',
    '取消',
    '交易关闭',
    '已退款',
    '退款成功',
  ],
};

export function foldStatusWord(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[_\-\s]+/g, ' ')
    .trim();
}

const INDEX = new Map<string, OrderStatus>();
for (const [status, words] of Object.entries(WORDS) as [OrderStatus, string[]][]) {
  INDEX.set(foldStatusWord(status), status);
  for (const word of words) INDEX.set(foldStatusWord(word), status);
}

export type StatusWordReading = { ok: true; status: OrderStatus } | { ok: false; reason: string };

/** The status a word means, or why it means none (naming the value and Kith's statuses). */
export function readStatusWord(raw: string): StatusWordReading {
  const known = INDEX.get(foldStatusWord(raw));
  if (known) return { ok: true, status: known };
  const tmall = readTmallStatus(raw);
  if (tmall.kind !== 'unknown') return { ok: true, status: tmall.status };
  return {
    ok: false,
    reason: `status ${JSON.stringify(raw)} is not an order status Kith knows; use one of ${ORDER_STATUSES.join(', ')} (or a common word for one: paid, shipped, delivered, cancelled, 已付款, 已发货, 已完成, 已取消 …)`,
  };
}
