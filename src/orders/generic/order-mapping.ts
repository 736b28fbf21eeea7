/**
 * The generic order import's mapping: which column of a shop's order file is which part of an order
 * (order number, status, amounts, times, buyer, receiver, items) or which customer key (a Kith id,
 * identity.<type>, phone, e-mail) — suggested from the headers in English and Chinese, checked as a
 * whole before anything is queued, and applied to one row. Items come either one per row (rows of one
 * order number are one order) or as one `items` column. Pure: the identity types are passed in.
 */
import { ValidationError, ValidationErrors } from '../../domain/errors.js';
import { isIdOf } from '../../domain/ids.js';
import { normalizeEmail } from '../../domain/normalize/email.js';
import { normalizePhone, phoneCellNumbers } from '../../domain/normalize/phone.js';
import { headerKey, targetForHeader } from '../../imports/map/header-synonyms.js';
import { uniqueHeader } from '../../imports/map/column-mapping.js';
import { wellKnownIdentity, WELL_KNOWN_IDENTITIES } from '../../imports/map/well-known-identities.js';
import type { ImportSettings } from '../../imports/import-settings.js';
import type { OrderContent, OrderItem } from '../order-record.js';
import type { OrderStatus } from '../tmall/tmall-status.js';
import {
  centsToDecimal,
  isMasked,
  parseAmountCents,
  parseQuantity,
  parseSourceId,
  parseTmallTime,
  unquoteCell,
} from '../tmall/tmall-quirks.js';
import { readStatusWord } from './order-status-words.js';
import { readItemsCell } from './order-items-cell.js';

export const IGNORE = 'ignore';
/** Columns no target names are kept as the order's raw extra fields (or an item's, when rows differ). */
export const EXTRA = 'extra';

export const ORDER_FIELD_TARGETS = [
  'order_number',
  'status',
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
] as const;
export type OrderFieldTarget = (typeof ORDER_FIELD_TARGETS)[number];

export const CUSTOMER_TARGETS = ['customer.id', 'customer.phone', 'customer.email', 'customer.name'] as const;

export const ITEM_TARGETS = [
  'item.title',
  'item.sku',
  'item.external_number',
  'item.properties',
  'item.quantity',
  'item.unit_price',
  'item.status',
  'item.note',
] as const;
type ItemTarget = (typeof ITEM_TARGETS)[number];

export const ITEMS_COLUMN = 'items';

/** Every target a column may take, identity.<type> aside. */
export const ORDER_IMPORT_TARGETS: readonly string[] = [
  ...ORDER_FIELD_TARGETS,
  ...CUSTOMER_TARGETS,
  ...ITEM_TARGETS,
  ITEMS_COLUMN,
  EXTRA,
  IGNORE,
];

const AMOUNT_TARGETS = new Set<string>(['goods_amount', 'postage_amount', 'total_amount', 'paid_amount']);
const TIME_TARGETS = new Set<string>(['ordered_at', 'paid_at', 'shipped_at', 'completed_at', 'closed_at']);
/** Targets several columns may share. */
const MULTI = new Set<string>([EXTRA, IGNORE]);

/** Header words of shop exports (Shopify, WooCommerce, Youzan, JD, Pinduoduo, Tmall …) per target. */
const ORDER_HEADER_SYNONYMS: Record<string, string[]> = {
  order_number: [
    'order number',
    'order no',
    'order no.',
    'order id',
    'order',
    'order name',
    'order #',
    'order_number',
    'name',
    '订单号',
    '订单编号',
    '订单id',
    '订单 id',
    '外部订单号',
    '子订单编号',
  ],
  status: [
    'status',
    'order status',
    'financial status',
    'fulfillment status',
    '订单状态',
    '交易状态',
    '状态',
  ],
  currency: ['currency', 'currency code', '币种', '货币'],
  goods_amount: ['subtotal', 'goods amount', 'goods total', '商品金额', '商品总价', '货款', '买家应付货款'],
  postage_amount: ['shipping', 'postage', 'shipping amount', 'freight', '运费', '邮费', '买家应付邮费'],
  total_amount: [
    'total',
    'order total',
    'total amount',
    'amount',
    'grand total',
    '金额',
    '订单金额',
    '订单总额',
    '总金额',
    '总价',
    '应付金额',
    '总金额(元)',
  ],
  paid_amount: [
    'paid',
    'amount paid',
    'paid amount',
    'total paid',
    '实付金额',
    '实付款',
    '实收金额',
    '买家实付金额',
    '支付金额',
  ],
  ordered_at: [
    'created at',
    'order date',
    'order time',
    'date',
    'created',
    'placed at',
    '下单时间',
    '创建时间',
    '订单创建时间',
    '订单时间',
    '日期',
  ],
  paid_at: ['paid at', 'payment date', 'payment time', '付款时间', '支付时间', '订单付款时间'],
  shipped_at: ['shipped at', 'fulfilled at', 'shipping date', '发货时间'],
  completed_at: ['completed at', 'delivered at', 'completion time', '完成时间', '成交时间', '确认收货时间'],
  closed_at: ['closed at', 'cancelled at', 'canceled at', '关闭时间', '取消时间'],
  buyer_nick: [
    'buyer',
    'buyer nick',
    'buyer nickname',
    'nickname',
    '买家昵称',
    '买家会员名',
    '买家',
    '会员名',
  ],
  receiver_name: [
    'shipping name',
    'recipient',
    'receiver',
    'receiver name',
    'ship to name',
    '收货人',
    '收货人姓名',
    '收件人',
  ],
  receiver_phone: [
    'shipping phone',
    'receiver phone',
    'recipient phone',
    '收货人手机',
    '收货电话',
    '收件人电话',
    '收货人电话',
  ],
  receiver_address: [
    'shipping address',
    'shipping address1',
    'ship to address',
    'delivery address',
    '收货地址',
    '收件地址',
    '详细地址',
  ],
  shop_id: ['shop id', 'store id', '店铺id', '店铺 id', '门店id'],
  shop_name: ['shop', 'store', 'shop name', 'store name', '店铺', '店铺名称', '门店', '门店名称'],
  buyer_message: ['buyer message', 'customer note', 'notes', 'note', '买家留言', '买家备注', '留言'],
  seller_note: ['seller note', 'internal note', 'staff note', '卖家备注', '订单备注', '商家备注', '备注'],
  'customer.id': ['customer id', 'contact id', 'kith id', '客户id', '客户 id', 'kith 编号'],
  'customer.phone': [
    'phone',
    'mobile',
    'customer phone',
    'billing phone',
    'buyer phone',
    '手机',
    '手机号',
    '手机号码',
    '联系手机',
    '联系电话',
    '电话',
    '客户手机',
  ],
  'customer.email': ['email', 'e-mail', 'customer email', 'buyer email', '邮箱', '电子邮箱', '客户邮箱'],
  'customer.name': ['customer', 'customer name', 'billing name', '客户', '客户姓名', '客户名称', '姓名'],
  'item.title': [
    'lineitem name',
    'item',
    'item name',
    'product',
    'product name',
    'title',
    '商品',
    '商品名称',
    '商品标题',
    '宝贝标题',
    '标题',
  ],
  'item.sku': ['sku', 'lineitem sku', 'item sku', 'product code', '商品编码', '商家编码', '货号', 'sku编码'],
  'item.external_number': ['external number', 'product id', '外部系统编号', '商品id'],
  'item.properties': [
    'variant',
    'options',
    'attributes',
    'properties',
    '商品属性',
    '规格',
    '销售属性',
    'sku属性',
  ],
  'item.quantity': ['quantity', 'qty', 'lineitem quantity', '数量', '购买数量', '商品数量'],
  'item.unit_price': ['unit price', 'price', 'lineitem price', 'item price', '单价', '价格', '商品单价'],
  'item.status': ['item status', 'line status', '商品状态', '子订单状态'],
  'item.note': ['item note', '商品备注'],
  items: ['items', 'line items', 'products', 'order items', '商品明细', '商品清单', '宝贝明细', '订单商品'],
};

/** A header spelling a target itself (`order_number`, `customer.phone`). */
const EXACT = new Map<string, string>(
  ORDER_IMPORT_TARGETS.filter((t) => t !== EXTRA && t !== IGNORE).map((t) => [headerKey(t), t]),
);
const SYNONYMS = new Map<string, string>();
for (const [target, names] of Object.entries(ORDER_HEADER_SYNONYMS))
  for (const name of names) SYNONYMS.set(headerKey(name), target);

export interface OrderColumnSuggestion {
  column: string;
  index: number;
  target: string | null;
  confidence: 'exact' | 'synonym' | 'none';
}

/** The target a header suggests: an order word first, then the contact import's identity headers. */
function targetOfHeader(header: string): { target: string; confidence: 'exact' | 'synonym' } | null {
  const key = headerKey(header);
  const exact = EXACT.get(key);
  if (exact) return { target: exact, confidence: 'exact' };
  const order = SYNONYMS.get(key);
  if (order) return { target: order, confidence: 'synonym' };
  const raw = header.trim().toLowerCase();
  if (raw.startsWith('identity.')) return { target: raw, confidence: 'exact' };
  const contact = targetForHeader(header);
  if (contact?.startsWith('identity.')) return { target: contact, confidence: 'synonym' };
  return null;
}

/** A target for each column (a target taken by an earlier column is not suggested twice). */
export function suggestOrderMapping(header: string[]): OrderColumnSuggestion[] {
  const used = new Set<string>();
  return uniqueHeader(header).map((column, index) => {
    const found = targetOfHeader(column);
    if (!found || used.has(found.target)) return { column, index, target: null, confidence: 'none' };
    used.add(found.target);
    return { column, index, target: found.target, confidence: found.confidence };
  });
}

/** Column index → target; columns without one are `extra`. */
export type OrderMapping = Map<number, string>;

/** Why a target cannot be used, or null. */
export function checkOrderTarget(target: string, identityTypes: ReadonlySet<string>): string | null {
  if (ORDER_IMPORT_TARGETS.includes(target)) return null;
  if (target.startsWith('identity.')) {
    const type = target.slice('identity.'.length);
    return identityTypes.has(type) || wellKnownIdentity(type)
      ? null
      : `identity type ${JSON.stringify(type)} is not defined; an admin defines it first (or map to a well-known type: ${WELL_KNOWN_IDENTITIES.map((w) => w.key).join(', ')})`;
  }
  return `is not an order import target (use one of ${ORDER_IMPORT_TARGETS.join(', ')} or identity.<type>)`;
}

const isCustomerKey = (target: string) =>
  target === 'customer.id' ||
  target === 'customer.phone' ||
  target === 'customer.email' ||
  target.startsWith('identity.');

/**
 * A user's mapping (column name → target) over the suggestions, checked as a whole: every problem is
 * reported at once, naming the column, the target and why.
 */
export function resolveOrderMapping(
  header: string[],
  explicit: Record<string, string>,
  identityTypes: ReadonlySet<string>,
): OrderMapping {
  const columns = uniqueHeader(header);
  const errors: ValidationError[] = [];
  const mapping: OrderMapping = new Map();
  for (const s of suggestOrderMapping(header)) if (s.target) mapping.set(s.index, s.target);
  for (const [column, rawTarget] of Object.entries(explicit)) {
    const index = columns.indexOf(column);
    const target = rawTarget.trim();
    if (index < 0) {
      errors.push(
        new ValidationError(
          `mapping.${column}`,
          rawTarget,
          `no column is named so (columns: ${columns.join(', ')})`,
        ),
      );
      continue;
    }
    const problem = checkOrderTarget(target, identityTypes);
    if (problem) errors.push(new ValidationError(`mapping.${column}`, rawTarget, problem));
    else mapping.set(index, target);
  }
  // A target a user gave wins over the same target suggested for another column.
  const given = new Set(Object.values(explicit).map((t) => t.trim()));
  const byTarget = new Map<string, number[]>();
  for (const [index, target] of mapping) byTarget.set(target, [...(byTarget.get(target) ?? []), index]);
  for (const [target, indexes] of byTarget) {
    if (MULTI.has(target) || indexes.length < 2) continue;
    const chosen = indexes.filter((i) => explicit[columns[i]!] !== undefined);
    if (given.has(target) && chosen.length === 1) {
      for (const i of indexes) if (i !== chosen[0]) mapping.delete(i);
      continue;
    }
    errors.push(
      new ValidationError(
        `mapping`,
        target,
        `${target} is mapped from several columns (${indexes.map((i) => columns[i]).join(', ')}); map it from one`,
      ),
    );
  }
  const targets = new Set(mapping.values());
  if (!targets.has('order_number'))
    errors.push(
      new ValidationError(
        'mapping',
        null,
        'order_number is not mapped: map the column with the order number',
      ),
    );
  if (![...targets].some(isCustomerKey))
    errors.push(
      new ValidationError(
        'mapping',
        null,
        'no customer key is mapped: map at least one of customer.id, customer.phone, customer.email or identity.<type> to match each order to a customer',
      ),
    );
  if (targets.has(ITEMS_COLUMN) && [...targets].some((t) => t.startsWith('item.')))
    errors.push(
      new ValidationError(
        'mapping',
        ITEMS_COLUMN,
        'items come either one per row (item.* columns) or as one items column, not both',
      ),
    );
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ValidationErrors(errors);
  return mapping;
}

/** The customer an order names: the keys identifyContact matches by, and a name for a new one. */
export interface OrderCustomerKeys {
  id: string | null;
  identities: Record<string, string>;
  phones: string[];
  emails: string[];
  name: string | null;
}

/** One order as the file says it (one row, or the rows of one order number merged). */
export interface GenericOrderRow {
  orderNumber: string;
  status: OrderStatus;
  sourceStatus: string | null;
  currency: string;
  goodsCents: number | null;
  postageCents: number | null;
  totalCents: number | null;
  paidCents: number | null;
  orderedAt: string | null;
  paidAt: string | null;
  shippedAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  buyerNick: string | null;
  receiverName: string | null;
  receiverPhone: string | null;
  receiverAddress: string | null;
  shopId: string | null;
  shopName: string | null;
  buyerMessage: string | null;
  sellerNote: string | null;
  customer: OrderCustomerKeys;
  extra: Record<string, string>;
  items: OrderItem[];
}

export interface OrderReadOptions {
  region: ImportSettings['region'];
  /** Minutes east of UTC for times written without an offset. */
  utcOffsetMinutes: number;
  /** Currency of an order whose file names none. */
  defaultCurrency: string;
}

/** What one row says, before the rows of its order are merged. */
export interface OrderRowReading {
  orderNumber: string;
  /** Order-level values by target (null: the cell is empty). */
  fields: Partial<Record<OrderFieldTarget, string | number | null>>;
  customer: OrderCustomerKeys;
  /** Unmapped columns by header. */
  extra: Record<string, string>;
  /** The row's item (item.* columns), or null when it has none. */
  item: OrderItem | null;
  /** The items column's items, or null when it is not mapped or empty. */
  items: OrderItem[] | null;
}

export type Reading<T> = { ok: true; row: T } | { ok: false; reason: string };

const fail = (column: string, raw: string | undefined, reason: string) => ({
  ok: false as const,
  reason: `${column} ${JSON.stringify((raw ?? '').trim())} ${reason}`,
});

/** One row through the mapping; the first bad cell is the reason, naming its column and value. */
export function readOrderRow(
  cells: string[],
  header: string[],
  mapping: OrderMapping,
  options: OrderReadOptions,
): Reading<OrderRowReading> {
  const columns = uniqueHeader(header);
  const fields: OrderRowReading['fields'] = {};
  const customer: OrderCustomerKeys = { id: null, identities: {}, phones: [], emails: [], name: null };
  const extra: Record<string, string> = {};
  const item: Partial<Record<ItemTarget, string | number | null>> = {};
  let items: OrderItem[] | null = null;
  let orderNumber: string | null = null;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index]!;
    const raw = cells[index];
    const target = mapping.get(index) ?? EXTRA;
    if (target === IGNORE) continue;
    const value = unquoteCell(raw);
    if (target === EXTRA) {
      if (value !== null) extra[column] = value;
      continue;
    }
    if (target === 'order_number') {
      const id = parseSourceId(raw);
      if (!id.ok) return fail(column, raw, id.reason);
      orderNumber = id.value;
    } else if (target === 'status') {
      if (value !== null) {
        const status = readStatusWord(value);
        if (!status.ok) return { ok: false, reason: `${column}: ${status.reason}` };
      }
      fields.status = value;
    } else if (target === 'currency') {
      if (value !== null && !/^[A-Za-z]{3}$/.test(value))
        return fail(column, raw, 'is not a currency code (expected three letters such as CNY, USD)');
      fields.currency = value?.toUpperCase() ?? null;
    } else if (AMOUNT_TARGETS.has(target)) {
      const amount = parseAmountCents(raw);
      if (!amount.ok) return fail(column, raw, amount.reason);
      fields[target as OrderFieldTarget] = amount.value;
    } else if (TIME_TARGETS.has(target)) {
      const time = parseTmallTime(raw, options.utcOffsetMinutes);
      if (!time.ok) return fail(column, raw, time.reason);
      fields[target as OrderFieldTarget] = time.value;
    } else if ((ORDER_FIELD_TARGETS as readonly string[]).includes(target)) {
      fields[target as OrderFieldTarget] = value;
    } else if (target === 'customer.id') {
      if (value !== null && !isIdOf('contact', value))
        return fail(column, raw, 'is not a Kith customer id (ct_ followed by 26 letters and digits)');
      customer.id = value;
    } else if (target === 'customer.phone') {
      // A masked phone (138****1234) never matches and never becomes a customer's. A cell of several
      // numbers (13800138000/13900139000) is read as the contact import reads one: each number a key,
      // the first the new customer's phone and the others its other phones; never the joined text.
      if (value !== null && !isMasked(value)) {
        try {
          const read = (part: string) => normalizePhone(part, options.region, column);
          for (const phone of phoneCellNumbers(value, read, column))
            if (!customer.phones.includes(phone)) customer.phones.push(phone);
        } catch (e) {
          return { ok: false, reason: e instanceof Error ? e.message : String(e) };
        }
      }
    } else if (target === 'customer.email') {
      if (value !== null && !isMasked(value)) {
        try {
          customer.emails.push(normalizeEmail(value, column));
        } catch (e) {
          return { ok: false, reason: e instanceof Error ? e.message : String(e) };
        }
      }
    } else if (target === 'customer.name') {
      customer.name = value !== null && !isMasked(value) ? value : null;
    } else if (target.startsWith('identity.')) {
      if (value !== null && !isMasked(value)) customer.identities[target.slice('identity.'.length)] = value;
    } else if (target === 'item.quantity') {
      const quantity = parseQuantity(raw);
      if (!quantity.ok) return fail(column, raw, quantity.reason);
      item['item.quantity'] = quantity.value;
    } else if (target === 'item.unit_price') {
      const price = parseAmountCents(raw);
      if (!price.ok) return fail(column, raw, price.reason);
      item['item.unit_price'] = price.value;
    } else if (target.startsWith('item.')) {
      item[target as ItemTarget] = value;
    } else if (target === ITEMS_COLUMN) {
      const parsed = readItemsCell(value);
      if (!parsed.ok) return fail(column, raw, parsed.reason);
      items = parsed.items.length > 0 ? parsed.items : null;
    }
  }
  if (orderNumber === null) {
    const column = columns[[...mapping].find(([, t]) => t === 'order_number')![0]]!;
    return { ok: false, reason: `${column} is empty: every order needs its order number` };
  }
  const hasItem = Object.values(item).some((v) => v !== null && v !== undefined);
  return {
    ok: true,
    row: {
      orderNumber,
      fields,
      customer,
      extra,
      item: hasItem
        ? {
            title: (item['item.title'] as string | null) ?? null,
            sku: (item['item.sku'] as string | null) ?? null,
            external_number: (item['item.external_number'] as string | null) ?? null,
            properties: (item['item.properties'] as string | null) ?? null,
            package: null,
            quantity: (item['item.quantity'] as number | null) ?? null,
            unit_price: centsToDecimal((item['item.unit_price'] as number | null) ?? null),
            status: (item['item.status'] as string | null) ?? null,
            note: (item['item.note'] as string | null) ?? null,
            extra: {},
          }
        : null,
      items,
    },
  };
}

/**
 * The rows of one order number as one order. Order-level values must agree across the rows (a cell
 * left empty on an item row is fine); unmapped columns that agree are the order's extra fields, those
 * that differ are each item's. Amounts missing from the file are worked out where the file allows:
 * total = goods + postage, goods = the items' quantities × prices.
 */
export function mergeOrderRows(
  rows: readonly { rowNumber: number; reading: OrderRowReading }[],
  options: OrderReadOptions,
): Reading<GenericOrderRow> {
  const first = rows[0]!.reading;
  const fields: OrderRowReading['fields'] = {};
  const customer: OrderCustomerKeys = { id: null, identities: {}, phones: [], emails: [], name: null };
  const conflict = (what: string, a: unknown, b: unknown, rowA: number, rowB: number) => ({
    ok: false as const,
    reason: `order ${first.orderNumber}: rows ${rowA} and ${rowB} disagree on ${what} (${JSON.stringify(a)} and ${JSON.stringify(b)}); the rows of one order must say the same`,
  });
  const seenAt = new Map<string, number>();
  for (const { rowNumber, reading } of rows) {
    for (const [key, value] of Object.entries(reading.fields) as [
      OrderFieldTarget,
      string | number | null,
    ][]) {
      if (value === null || value === undefined) continue;
      const before = fields[key];
      if (before !== undefined && before !== null && before !== value)
        return conflict(key, before, value, seenAt.get(key)!, rowNumber);
      if (before === undefined || before === null) {
        fields[key] = value;
        seenAt.set(key, rowNumber);
      }
    }
    const c = reading.customer;
    if (c.id !== null) {
      if (customer.id !== null && customer.id !== c.id)
        return conflict('customer.id', customer.id, c.id, seenAt.get('customer.id')!, rowNumber);
      if (customer.id === null) seenAt.set('customer.id', rowNumber);
      customer.id = c.id;
    }
    for (const [type, value] of Object.entries(c.identities)) {
      const before = customer.identities[type];
      if (before !== undefined && before !== value)
        return conflict(`identity.${type}`, before, value, seenAt.get(`identity.${type}`)!, rowNumber);
      if (before === undefined) seenAt.set(`identity.${type}`, rowNumber);
      customer.identities[type] = value;
    }
    for (const p of c.phones) if (!customer.phones.includes(p)) customer.phones.push(p);
    for (const e of c.emails) if (!customer.emails.includes(e)) customer.emails.push(e);
    customer.name ??= c.name;
  }
  // Unmapped columns: the same on every row → the order's; different → each row's item's.
  const extra: Record<string, string> = {};
  const perItem = new Set<string>();
  const keys = new Set(rows.flatMap((r) => Object.keys(r.reading.extra)));
  for (const key of keys) {
    const values = new Set(rows.map((r) => r.reading.extra[key] ?? null));
    if (values.size === 1 && first.extra[key] !== undefined) extra[key] = first.extra[key];
    else perItem.add(key);
  }
  const items: OrderItem[] = [];
  for (const { reading } of rows) {
    if (reading.items) items.push(...reading.items);
    if (reading.item) {
      const own: Record<string, string> = {};
      for (const key of perItem) if (reading.extra[key] !== undefined) own[key] = reading.extra[key];
      items.push({ ...reading.item, extra: own });
    }
  }

  const status = fields.status === undefined || fields.status === null ? null : String(fields.status);
  const reading = status === null ? null : readStatusWord(status);
  const cents = (key: OrderFieldTarget) => (fields[key] as number | null | undefined) ?? null;
  let goodsCents = cents('goods_amount');
  if (goodsCents === null && items.length > 0 && items.every((i) => i.unit_price !== null)) {
    goodsCents = items.reduce((sum, i) => sum + decimalCents(i.unit_price!) * (i.quantity ?? 1), 0);
  }
  const postageCents = cents('postage_amount');
  let totalCents = cents('total_amount');
  if (totalCents === null && goodsCents !== null) totalCents = goodsCents + (postageCents ?? 0);
  const text = (key: OrderFieldTarget) => (fields[key] as string | null | undefined) ?? null;
  return {
    ok: true,
    row: {
      orderNumber: first.orderNumber,
      // An order file without a status column lists orders the shop was paid for.
      status: reading?.ok ? reading.status : 'paid',
      sourceStatus: status,
      currency: text('currency') ?? options.defaultCurrency,
      goodsCents,
      postageCents,
      totalCents,
      paidCents: cents('paid_amount'),
      orderedAt: text('ordered_at'),
      paidAt: text('paid_at'),
      shippedAt: text('shipped_at'),
      completedAt: text('completed_at'),
      closedAt: text('closed_at'),
      buyerNick: text('buyer_nick'),
      receiverName: text('receiver_name'),
      receiverPhone: text('receiver_phone'),
      receiverAddress: text('receiver_address'),
      shopId: text('shop_id'),
      shopName: text('shop_name'),
      buyerMessage: text('buyer_message'),
      sellerNote: text('seller_note'),
      customer,
      extra,
      items,
    },
  };
}

function decimalCents(value: string): number {
  const parsed = parseAmountCents(value);
  return parsed.ok ? (parsed.value ?? 0) : 0;
}

/** The stored content of an order of a generic order file (its items already merged from its rows). */
export function genericOrderContent(source: string, order: GenericOrderRow): OrderContent {
  return {
    source,
    order_number: order.orderNumber,
    status: order.status,
    source_status: order.sourceStatus,
    currency: order.currency,
    goods_cents: order.goodsCents,
    postage_cents: order.postageCents,
    total_cents: order.totalCents,
    paid_cents: order.paidCents,
    ordered_at: order.orderedAt,
    paid_at: order.paidAt,
    shipped_at: order.shippedAt,
    completed_at: order.completedAt,
    closed_at: order.closedAt,
    buyer_nick: order.buyerNick,
    receiver_name: order.receiverName,
    receiver_phone: order.receiverPhone,
    receiver_address: order.receiverAddress,
    shop_id: order.shopId,
    shop_name: order.shopName,
    buyer_message: order.buyerMessage,
    seller_note: order.sellerNote,
    extra: JSON.stringify(order.extra),
    items: JSON.stringify(order.items),
    item_count: order.items.length,
  };
}
