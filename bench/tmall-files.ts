/**
 * Tmall order and items reports as the seller centre exports them, for tests and the benchmark: the
 * classic layout's headers (with the trailing spaces real exports carry), order numbers as
 * `="…"` formulas, CRLF line ends, quoted cells; GBK or UTF-8.
 */
import fs from 'node:fs';
import iconv from 'iconv-lite';

export const TMALL_ORDER_HEADER = [
  '订单编号',
  '买家会员名',
  '买家支付宝账号',
  '买家应付货款',
  '买家应付邮费',
  '买家支付积分',
  '总金额',
  '返点积分',
  '买家实际支付金额',
  '买家实际支付积分',
  '订单状态',
  '买家留言',
  '收货人姓名',
  '收货地址 ',
  '运送方式',
  '联系电话 ',
  '联系手机',
  '订单创建时间',
  '订单付款时间 ',
  '宝贝标题 ',
  '宝贝种类 ',
  '物流单号 ',
  '物流公司',
  '订单备注',
  '宝贝总数量',
  '店铺Id',
  '店铺名称',
  '订单关闭原因',
  '卖家服务费',
  '买家服务费',
  '发票抬头',
  '是否手机订单',
];

export const TMALL_ITEM_HEADER = [
  '订单编号',
  '标题',
  '价格',
  '购买数量',
  '外部系统编号',
  '商品属性',
  '套餐信息',
  '备注',
  '订单状态',
  '商家编码',
];

export interface TmallOrderSpec {
  number: string;
  nick: string;
  goods: string;
  postage?: string;
  paid: string;
  status: string;
  message?: string;
  receiver: string;
  address: string;
  phone: string;
  landline?: string;
  createdAt: string;
  paidAt?: string;
  note?: string;
  shopId?: string;
  shop?: string;
}

export interface TmallItemSpec {
  number: string;
  title: string;
  price: string;
  quantity: string;
  external?: string;
  properties?: string;
  status?: string;
  code?: string;
}

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function line(cells: readonly string[]): string {
  return `${cells.map(cell).join(',')}\r\n`;
}

export function tmallOrderLine(o: TmallOrderSpec, quantity = 1): string {
  return line([
    `="${o.number}"`,
    o.nick,
    '',
    o.goods,
    o.postage ?? '0.00',
    '0',
    o.paid,
    '0',
    o.paid,
    '0',
    o.status,
    o.message ?? '',
    o.receiver,
    o.address,
    '快递',
    o.landline ?? '',
    o.phone,
    o.createdAt,
    o.paidAt ?? '',
    '',
    '1',
    '',
    '',
    o.note ?? '',
    String(quantity),
    o.shopId ?? '="1234567"',
    o.shop ?? '示例旗舰店',
    '',
    '0',
    '0元',
    '',
    '手机订单',
  ]);
}

export function tmallItemLine(i: TmallItemSpec): string {
  return line([
    `="${i.number}"`,
    i.title,
    i.price,
    i.quantity,
    i.external ?? '',
    i.properties ?? '',
    '',
    '',
    i.status ?? '交易成功',
    i.code ?? '',
  ]);
}

export function tmallOrdersText(orders: readonly TmallOrderSpec[], header = TMALL_ORDER_HEADER): string {
  return line(header) + orders.map((o) => tmallOrderLine(o)).join('');
}

export function tmallItemsText(items: readonly TmallItemSpec[], header = TMALL_ITEM_HEADER): string {
  return line(header) + items.map(tmallItemLine).join('');
}

export function encodeTmall(text: string, encoding: 'gbk' | 'utf-8', bom = false): Buffer {
  return iconv.encode(text, encoding, { addBOM: bom });
}

/**
 * A large pair of reports for the benchmark, written as a stream: `orders` orders whose buyers are
 * the phones `phoneOf(i)` (existing customers when the caller created them), 1.6 items per order.
 */
export function writeLargeTmallFiles(
  ordersPath: string,
  itemsPath: string,
  orders: number,
  phoneOf: (i: number) => string,
): { items: number } {
  const ordersOut = fs.openSync(ordersPath, 'w');
  const itemsOut = fs.openSync(itemsPath, 'w');
  let items = 0;
  let orderChunk = line(TMALL_ORDER_HEADER);
  let itemChunk = line(TMALL_ITEM_HEADER);
  const provinces = [
    '浙江省 杭州市 西湖区',
    '江苏省 南京市 玄武区',
    '上海 上海市 浦东新区',
    '广东省 深圳市 南山区',
  ];
  for (let i = 0; i < orders; i++) {
    const number = String(2_836_000_000_000_000 + i * 7);
    const itemCount = i % 5 < 3 ? 1 : i % 5 === 3 ? 2 : 3; // 1,1,1,2,3 → 1.6 a order
    const day = String(1 + (i % 28)).padStart(2, '0');
    orderChunk += tmallOrderLine(
      {
        number,
        nick: `tb_buyer_${i % 700_000}`,
        goods: `${(i % 900) + 10}.00`,
        postage: '0.00',
        paid: `${(i % 900) + 10}.50`,
        status: i % 3 === 0 ? '交易成功' : '卖家已发货，等待买家确认',
        receiver: `张${i % 1000}`,
        address: `${provinces[i % 4]} 文三路${i % 500}号(310000)`,
        phone: `'${phoneOf(i)}`,
        createdAt: `2026-10-${day} 10:${String(i % 60).padStart(2, '0')}:00`,
        paidAt: `2026-10-${day} 10:${String(i % 60).padStart(2, '0')}:30`,
      },
      itemCount,
    );
    for (let k = 0; k < itemCount; k++) {
      itemChunk += tmallItemLine({
        number,
        title: `商品${(i + k) % 3000} 纯棉T恤`,
        price: `${((i + k) % 300) + 10}.00`,
        quantity: '1',
        properties: '颜色分类：白色；尺码：L',
        code: `SKU-${(i + k) % 3000}`,
      });
      items++;
    }
    if (i % 2000 === 1999) {
      fs.writeSync(ordersOut, iconv.encode(orderChunk, 'gbk'));
      fs.writeSync(itemsOut, iconv.encode(itemChunk, 'gbk'));
      orderChunk = '';
      itemChunk = '';
    }
  }
  fs.writeSync(ordersOut, iconv.encode(orderChunk, 'gbk'));
  fs.writeSync(itemsOut, iconv.encode(itemChunk, 'gbk'));
  fs.closeSync(ordersOut);
  fs.closeSync(itemsOut);
  return { items };
}
