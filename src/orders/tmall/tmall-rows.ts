/**
 * One row of each Tmall report as Kith's order or item, or the reason it cannot be one: the quirks
 * undone, amounts in minor units, times in UTC, the status read, masked values recognised. Pure (the
 * phone is normalised by the function handed in, the one every phone in Kith goes through).
 */
import { phoneCellNumbers } from '../../domain/normalize/phone.js';
import { type ParsedAddress, parseChineseAddress } from '../chinese-address.js';
import type { TmallItemField, TmallLayout, TmallOrderField } from './tmall-layouts.js';
import {
  isMasked,
  type Parsed,
  parseAmountCents,
  parseQuantity,
  parseSourceId,
  parseTmallTime,
  unquoteCell,
} from './tmall-quirks.js';
import { readTmallStatus, type TmallStatusReading } from './tmall-status.js';

export interface TmallOrderRow {
  orderNumber: string;
  status: TmallStatusReading;
  sourceStatus: string | null;
  goodsCents: number | null;
  postageCents: number | null;
  totalCents: number | null;
  paidCents: number | null;
  orderedAt: string | null;
  paidAt: string | null;
  shippedAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  /** The buyer's nickname unless empty or masked. */
  buyerNick: string | null;
  /** As written (masked or not), for the order record. */
  buyerNickRaw: string | null;
  receiverName: string | null;
  /**
   * The receiver's mobile in E.164 unless masked, empty or invalid (then `phoneProblem` says why); of a
   * cell holding several numbers (`13800138000/13900139000`), the first, as the contact import reads it.
   */
  phone: string | null;
  /** The cell's other numbers in E.164 (a buyer created from the order keeps them as other phones). */
  otherPhones: string[];
  phoneRaw: string | null;
  phoneProblem: string | null;
  address: ParsedAddress;
  addressRaw: string | null;
  shopId: string | null;
  shopName: string | null;
  buyerMessage: string | null;
  sellerNote: string | null;
  extra: Record<string, string>;
}

export interface TmallItemRow {
  orderNumber: string;
  title: string | null;
  priceCents: number | null;
  quantity: number | null;
  externalNumber: string | null;
  merchantCode: string | null;
  properties: string | null;
  package: string | null;
  note: string | null;
  status: string | null;
  extra: Record<string, string>;
}

export type RowReading<T> = { ok: true; row: T } | { ok: false; reason: string };

class RowProblem extends Error {}

function take<T>(header: string, raw: string | undefined, parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw new RowProblem(`${header} ${JSON.stringify(raw ?? '')} ${parsed.reason}`);
}

function extraOf(cells: readonly string[], layout: TmallLayout<string>): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const { index, header } of layout.extra) {
    const value = unquoteCell(cells[index]);
    if (value !== null) extra[header] = value;
  }
  return extra;
}

/**
 * The buyer's phone cell: its numbers split as the contact import splits a phone cell
 * (`phoneNumbersIn`: `13800138000/13900139000`, `13800138000, 010-12345678`), the first the phone the
 * buyer is matched by, the others kept beside it. A cell with a number that is not one (or masked) gives
 * no phone: the joined text is never a key.
 */
function readPhoneCell(
  raw: string | null,
  normalizePhone: (value: string) => string,
): { phone: string | null; otherPhones: string[]; phoneProblem: string | null } {
  const none = (problem: string | null) => ({ phone: null, otherPhones: [], phoneProblem: problem });
  if (raw === null) return none(null);
  if (isMasked(raw)) return none(`联系手机 ${JSON.stringify(raw)} is masked`);
  try {
    const [phone, ...otherPhones] = phoneCellNumbers(raw, normalizePhone, '联系手机');
    return { phone: phone!, otherPhones, phoneProblem: null };
  } catch (e) {
    return none(e instanceof Error ? e.message : String(e));
  }
}

export function readTmallOrderRow(
  cells: readonly string[],
  layout: TmallLayout<TmallOrderField>,
  normalizePhone: (value: string) => string,
): RowReading<TmallOrderRow> {
  const f = layout.fields;
  const raw = (field: TmallOrderField) => (f[field] === undefined ? undefined : cells[f[field]]);
  const text = (field: TmallOrderField) => unquoteCell(raw(field));
  const amount = (field: TmallOrderField, header: string) =>
    take(header, raw(field), parseAmountCents(raw(field)));
  const time = (field: TmallOrderField, header: string) =>
    take(header, raw(field), parseTmallTime(raw(field)));
  try {
    const orderNumber = take('订单编号', raw('order_number'), parseSourceId(raw('order_number')));
    if (orderNumber === null) return { ok: false, reason: '订单编号 is empty' };
    const sourceStatus = text('status');
    const buyerNickRaw = text('buyer_nick');
    const mobileRaw = text('mobile');
    const landlineRaw = text('landline');
    // 联系手机 first; 联系电话 when the mobile column is empty.
    const phoneRaw = mobileRaw ?? landlineRaw;
    const { phone, otherPhones, phoneProblem } = readPhoneCell(phoneRaw, normalizePhone);
    const addressRaw = text('receiver_address');
    const receiverName = text('receiver_name');
    return {
      ok: true,
      row: {
        orderNumber,
        status: readTmallStatus(sourceStatus),
        sourceStatus,
        goodsCents: amount('goods_amount', '买家应付货款'),
        postageCents: amount('postage_amount', '买家应付邮费'),
        totalCents: amount('total_amount', '总金额'),
        paidCents: amount('paid_amount', '买家实际支付金额'),
        orderedAt: time('ordered_at', '订单创建时间'),
        paidAt: time('paid_at', '订单付款时间'),
        shippedAt: time('shipped_at', '发货时间'),
        completedAt: time('completed_at', '确认收货时间'),
        closedAt: time('closed_at', '订单关闭时间'),
        buyerNick: isMasked(buyerNickRaw) ? null : buyerNickRaw,
        buyerNickRaw,
        receiverName,
        phone,
        otherPhones,
        phoneRaw,
        phoneProblem,
        address: parseChineseAddress(addressRaw),
        addressRaw,
        shopId: take('店铺Id', raw('shop_id'), parseSourceId(raw('shop_id'))),
        shopName: text('shop_name'),
        buyerMessage: text('buyer_message'),
        sellerNote: text('seller_note'),
        extra: extraOf(cells, layout as TmallLayout<string>),
      },
    };
  } catch (e) {
    if (e instanceof RowProblem) return { ok: false, reason: e.message };
    throw e;
  }
}

export function readTmallItemRow(
  cells: readonly string[],
  layout: TmallLayout<TmallItemField>,
): RowReading<TmallItemRow> {
  const f = layout.fields;
  const raw = (field: TmallItemField) => (f[field] === undefined ? undefined : cells[f[field]]);
  const text = (field: TmallItemField) => unquoteCell(raw(field));
  try {
    const orderNumber = take('订单编号', raw('order_number'), parseSourceId(raw('order_number')));
    if (orderNumber === null) return { ok: false, reason: '订单编号 is empty' };
    return {
      ok: true,
      row: {
        orderNumber,
        title: text('title'),
        priceCents: take('价格', raw('price'), parseAmountCents(raw('price'))),
        quantity: take('购买数量', raw('quantity'), parseQuantity(raw('quantity'))),
        externalNumber: take('外部系统编号', raw('external_number'), parseSourceId(raw('external_number'))),
        merchantCode: text('merchant_code'),
        properties: text('properties'),
        package: text('package'),
        note: text('note'),
        status: text('status'),
        extra: extraOf(cells, layout as TmallLayout<string>),
      },
    };
  } catch (e) {
    if (e instanceof RowProblem) return { ok: false, reason: e.message };
    throw e;
  }
}
