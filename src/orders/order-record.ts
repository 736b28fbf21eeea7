/**
 * The order as Kith stores it and as it leaves Kith (the wire shape: snake_case, amounts as decimal
 * strings with a currency, times ISO 8601 UTC). Building a stored row from a Tmall order and its items
 * is pure; so is its content hash, which makes a re-import of the same order `unchanged`.
 */
import { hash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { OrdersTable } from '../store/schema.js';
import { centsToDecimal } from './tmall/tmall-quirks.js';
import type { OrderStatus } from './tmall/tmall-status.js';
import type { TmallItemRow, TmallOrderRow } from './tmall/tmall-rows.js';

export interface OrderItem {
  title: string | null;
  sku: string | null;
  external_number: string | null;
  properties: string | null;
  package: string | null;
  quantity: number | null;
  unit_price: string | null;
  status: string | null;
  note: string | null;
  extra: Record<string, string>;
}

export interface Order {
  id: string;
  source: string;
  order_number: string;
  contact_id: string;
  import_id: string | null;
  status: OrderStatus;
  source_status: string | null;
  currency: string;
  goods_amount: string | null;
  postage_amount: string | null;
  total_amount: string | null;
  paid_amount: string | null;
  ordered_at: string | null;
  paid_at: string | null;
  shipped_at: string | null;
  completed_at: string | null;
  closed_at: string | null;
  buyer_nick: string | null;
  receiver_name: string | null;
  receiver_phone: string | null;
  receiver_address: string | null;
  shop_id: string | null;
  shop_name: string | null;
  buyer_message: string | null;
  seller_note: string | null;
  extra: Record<string, string>;
  item_count: number;
  items: OrderItem[];
  created_at: string;
  updated_at: string;
}

/** What the source says about an order: everything but Kith's own id, contact and timestamps. */
export type OrderContent = Omit<
  Insertable<OrdersTable>,
  'id' | 'contact_id' | 'import_id' | 'content_hash' | 'created_at' | 'updated_at'
>;

function itemOf(row: TmallItemRow): OrderItem {
  return {
    title: row.title,
    sku: row.merchantCode,
    external_number: row.externalNumber,
    properties: row.properties,
    package: row.package,
    quantity: row.quantity,
    unit_price: centsToDecimal(row.priceCents),
    status: row.status,
    note: row.note,
    extra: row.extra,
  };
}

export function tmallOrderContent(
  order: TmallOrderRow,
  status: OrderStatus,
  items: readonly TmallItemRow[],
): OrderContent {
  return {
    source: 'tmall',
    order_number: order.orderNumber,
    status,
    source_status: order.sourceStatus,
    currency: 'CNY',
    goods_cents: order.goodsCents,
    postage_cents: order.postageCents,
    total_cents: order.totalCents,
    paid_cents: order.paidCents,
    ordered_at: order.orderedAt,
    paid_at: order.paidAt,
    shipped_at: order.shippedAt,
    completed_at: order.completedAt,
    closed_at: order.closedAt,
    buyer_nick: order.buyerNickRaw,
    receiver_name: order.receiverName,
    // The phone in E.164; a cell of several numbers as the shop wrote it, all of them.
    receiver_phone: order.otherPhones.length > 0 ? order.phoneRaw : (order.phone ?? order.phoneRaw),
    receiver_address: order.addressRaw,
    shop_id: order.shopId,
    shop_name: order.shopName,
    buyer_message: order.buyerMessage,
    seller_note: order.sellerNote,
    extra: JSON.stringify(order.extra),
    items: JSON.stringify(items.map(itemOf)),
    item_count: items.length,
  };
}

const HASHED: readonly (keyof OrderContent)[] = [
  'status',
  'source_status',
  'currency',
  'goods_cents',
  'postage_cents',
  'total_cents',
  'paid_cents',
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
  'extra',
  'items',
];

const CENTS = HASHED.map((k) => k.endsWith('_cents'));

/** SHA-256 of the content's values in a fixed order (amounts as numbers, whatever the driver gave). */
export function orderContentHash(content: OrderContent): string {
  const values = new Array<unknown>(HASHED.length);
  for (let i = 0; i < HASHED.length; i++) {
    const v = content[HASHED[i]!];
    values[i] = CENTS[i] && v !== null && v !== undefined ? Number(v) : (v ?? null);
  }
  // One-shot: a Hash object per order costs more than the digest itself, a million times.
  return hash('sha256', JSON.stringify(values), 'hex');
}

/** The time a purchase happened: its payment, else its creation. */
export function purchaseTime(order: Pick<Selectable<OrdersTable>, 'paid_at' | 'ordered_at'>): string | null {
  return order.paid_at ?? order.ordered_at;
}

export function orderWire(row: Selectable<OrdersTable>): Order {
  return {
    id: row.id,
    source: row.source,
    order_number: row.order_number,
    contact_id: row.contact_id,
    import_id: row.import_id,
    status: row.status as OrderStatus,
    source_status: row.source_status,
    currency: row.currency,
    goods_amount: centsToDecimal(row.goods_cents),
    postage_amount: centsToDecimal(row.postage_cents),
    total_amount: centsToDecimal(row.total_cents),
    paid_amount: centsToDecimal(row.paid_cents),
    ordered_at: row.ordered_at,
    paid_at: row.paid_at,
    shipped_at: row.shipped_at,
    completed_at: row.completed_at,
    closed_at: row.closed_at,
    buyer_nick: row.buyer_nick,
    receiver_name: row.receiver_name,
    receiver_phone: row.receiver_phone,
    receiver_address: row.receiver_address,
    shop_id: row.shop_id,
    shop_name: row.shop_name,
    buyer_message: row.buyer_message,
    seller_note: row.seller_note,
    extra: JSON.parse(row.extra) as Record<string, string>,
    item_count: row.item_count,
    items: JSON.parse(row.items) as OrderItem[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
