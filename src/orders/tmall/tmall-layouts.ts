/**
 * The Tmall report layouts Kith reads, and which one a file's header is. Headers are trimmed (real
 * exports carry trailing spaces) and compared exactly otherwise. A header naming a field under a
 * later name (买家实付金额 for 买家实际支付金额, 商品标题 for 宝贝标题 …) is the same field. Columns of the
 * report that are no field of Kith's order are kept as the order's raw extra fields; a header that
 * is no known column of the report is kept the same way, and the import names it in its warnings.
 * Pure.
 */

export type TmallOrderField =
  | 'order_number'
  | 'buyer_nick'
  | 'buyer_alipay'
  | 'goods_amount'
  | 'postage_amount'
  | 'total_amount'
  | 'paid_amount'
  | 'status'
  | 'buyer_message'
  | 'receiver_name'
  | 'receiver_address'
  | 'landline'
  | 'mobile'
  | 'ordered_at'
  | 'paid_at'
  | 'shipped_at'
  | 'completed_at'
  | 'closed_at'
  | 'seller_note'
  | 'shop_id'
  | 'shop_name';

export type TmallItemField =
  | 'order_number'
  | 'title'
  | 'price'
  | 'quantity'
  | 'external_number'
  | 'properties'
  | 'package'
  | 'note'
  | 'status'
  | 'merchant_code';

/** Field → its headers, the classic report's name first. */
export const ORDER_FIELD_HEADERS: Record<TmallOrderField, readonly string[]> = {
  order_number: ['订单编号', '订单号', '主订单编号'],
  buyer_nick: ['买家会员名', '买家昵称', '买家会员号'],
  buyer_alipay: ['买家支付宝账号'],
  goods_amount: ['买家应付货款', '商品总金额'],
  postage_amount: ['买家应付邮费', '邮费', '运费'],
  total_amount: ['总金额', '订单金额'],
  paid_amount: ['买家实际支付金额', '买家实付金额', '实付金额'],
  status: ['订单状态'],
  buyer_message: ['买家留言'],
  receiver_name: ['收货人姓名', '收货人'],
  receiver_address: ['收货地址', '收货人地址'],
  landline: ['联系电话'],
  mobile: ['联系手机', '收货人手机号', '手机号'],
  ordered_at: ['订单创建时间', '创建时间', '下单时间'],
  paid_at: ['订单付款时间', '付款时间', '支付时间'],
  shipped_at: ['发货时间', '卖家发货时间'],
  completed_at: ['确认收货时间', '交易成功时间', '交易完成时间'],
  closed_at: ['订单关闭时间', '交易关闭时间'],
  seller_note: ['订单备注', '商家备注', '卖家备注'],
  shop_id: ['店铺Id', '店铺ID', '店铺id'],
  shop_name: ['店铺名称'],
};

/** Other columns of the order report: known, kept as the order's extra fields. */
export const ORDER_OTHER_HEADERS: readonly string[] = [
  '买家支付积分',
  '返点积分',
  '买家实际支付积分',
  '运送方式',
  '宝贝标题',
  '商品标题',
  '宝贝种类',
  '商品种类',
  '物流单号',
  '物流公司',
  '宝贝总数量',
  '商品总数量',
  '订单关闭原因',
  '卖家服务费',
  '买家服务费',
  '发票抬头',
  '是否手机订单',
  '分阶段订单信息',
  '特权订金订单id',
  '是否上传合同照片',
  '是否上传小票',
  '是否代付',
  '定金排名',
  '修改后的sku',
  '修改后的收货地址',
  '异常信息',
  '天猫卡券抵扣',
  '集分宝抵扣',
  '是否是O2O交易',
  '退款金额',
  '预约门店',
  '打款商家金额',
  '含应开票给个人的个人红包',
  '是否信用购',
  '新零售交易类型',
  '新零售导购门店id',
  '新零售发货门店id',
  '新零售成交门店id',
  '新零售成交经销商id',
  '订单类型',
  '支付单号',
  '支付详情',
];

export const ITEM_FIELD_HEADERS: Record<TmallItemField, readonly string[]> = {
  order_number: ['订单编号', '订单号', '主订单编号'],
  title: ['标题', '宝贝标题', '商品标题'],
  price: ['价格', '单价', '商品价格'],
  quantity: ['购买数量', '数量'],
  external_number: ['外部系统编号'],
  properties: ['商品属性', '销售属性'],
  package: ['套餐信息'],
  note: ['备注'],
  status: ['订单状态'],
  merchant_code: ['商家编码', '商品编码'],
};

export const ITEM_OTHER_HEADERS: readonly string[] = [
  '子订单编号',
  '宝贝链接',
  '商品ID',
  '退款状态',
  '退款金额',
];

const ORDER_REQUIRED: readonly TmallOrderField[] = [
  'order_number',
  'buyer_nick',
  'paid_amount',
  'status',
  'receiver_name',
  'receiver_address',
  'mobile',
  'ordered_at',
];
const ITEM_REQUIRED: readonly TmallItemField[] = ['order_number', 'title', 'price', 'quantity'];

export interface TmallLayout<F extends string> {
  report: 'orders' | 'items';
  /** `classic` (宝贝…, 买家实际支付金额) or `current` (商品…, 买家实付金额): for the record. */
  variant: 'classic' | 'current';
  /** Field → column index. */
  fields: Partial<Record<F, number>>;
  /** Known columns that are no field, and unknown ones: kept as extra fields, by header. */
  extra: { index: number; header: string }[];
  /** Headers that are no column of the report (kept as extra fields; the import warns). */
  unknown: string[];
}

export type LayoutReading<F extends string> =
  | { ok: true; layout: TmallLayout<F> }
  | {
      ok: false;
      missing: string[];
      unknown: string[];
      reason: string;
      /** The other report's layout, when the file has it (the two files given the wrong way round). */
      looksLike?: 'orders' | 'items';
    };

export function trimHeader(header: readonly string[]): string[] {
  return header.map((h) => h.replace(/^\uFEFF/, '').trim());
}

function readLayout<F extends string>(
  report: 'orders' | 'items',
  rawHeader: readonly string[],
  fieldHeaders: Record<F, readonly string[]>,
  other: readonly string[],
  required: readonly F[],
  fileLabel: string,
): LayoutReading<F> {
  const header = trimHeader(rawHeader);
  const fields: Partial<Record<F, number>> = {};
  const extra: { index: number; header: string }[] = [];
  const unknown: string[] = [];
  const byHeader = new Map<string, F>();
  for (const [field, names] of Object.entries(fieldHeaders) as [F, readonly string[]][])
    for (const name of names) byHeader.set(name, field);
  const otherSet = new Set(other);
  let current = false;
  header.forEach((h, index) => {
    if (h === '') return;
    const field = byHeader.get(h);
    if (field !== undefined && fields[field] === undefined) {
      fields[field] = index;
      if (h !== fieldHeaders[field][0]) current = true;
      return;
    }
    if (h === '商品标题' || h === '买家实付金额') current = true;
    extra.push({ index, header: h });
    if (!otherSet.has(h) && field === undefined) unknown.push(h);
  });
  const missing = required.filter((f) => fields[f] === undefined).map((f) => fieldHeaders[f][0]!);
  if (missing.length > 0) {
    const unknownPart = unknown.length > 0 ? `; headers it does not know: ${unknown.join(', ')}` : '';
    return {
      ok: false,
      missing,
      unknown,
      reason: `the ${fileLabel} is not a Tmall ${report === 'orders' ? 'order' : 'item'} report: it lacks ${missing.join(', ')}${unknownPart}`,
    };
  }
  return { ok: true, layout: { report, variant: current ? 'current' : 'classic', fields, extra, unknown } };
}

export function readOrderLayout(header: readonly string[]): LayoutReading<TmallOrderField> {
  const reading = readLayout(
    'orders',
    header,
    ORDER_FIELD_HEADERS,
    ORDER_OTHER_HEADERS,
    ORDER_REQUIRED,
    'orders file',
  );
  if (!reading.ok && readItemLayout(header, true).ok)
    return {
      ...reading,
      reason: `${reading.reason} (it looks like the items report: give the order report first, then the items report)`,
      looksLike: 'items',
    };
  return reading;
}

export function readItemLayout(header: readonly string[], quiet = false): LayoutReading<TmallItemField> {
  const reading = readLayout(
    'items',
    header,
    ITEM_FIELD_HEADERS,
    ITEM_OTHER_HEADERS,
    ITEM_REQUIRED,
    'items file',
  );
  if (!quiet && !reading.ok && readOrderLayout(header).ok)
    return {
      ...reading,
      reason: `${reading.reason} (it looks like the order report: give the order report first, then the items report)`,
      looksLike: 'orders',
    };
  return reading;
}
