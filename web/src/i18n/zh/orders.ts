import type { en } from '../en/orders';

export const orders: typeof en = {
  title: '订单',
  description: '从店铺导入的订单，最新的在前。点击订单可打开对应客户。',
  status: '状态',
  since: '下单起始日期',
  before: '下单截止日期',
  minAmount: '实付不低于',
  maxAmount: '实付不高于',
  q: '订单编号或买家昵称',
  apply: '筛选',
  none: '没有匹配的订单。导入天猫订单报表及其宝贝报表即可导入订单。',
  importAction: '导入订单',
  receiver: '收货人',
  more: '加载更多',
};
