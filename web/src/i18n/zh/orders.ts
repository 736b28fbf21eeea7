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
  import: {
    title: '导入天猫订单',
    description:
      '选择从天猫卖家中心导出的订单报表及其宝贝报表（GBK 或 UTF-8）。只导入已付款的订单；买家先按手机号、再按昵称匹配，找不到则新建客户。',
    ordersFile: '订单报表',
    ordersHint: '每个订单一行（订单编号、买家会员名、订单状态……）',
    itemsFile: '宝贝报表',
    itemsHint: '每个商品一行（订单编号、标题、价格、购买数量……）',
    tags: '为每位买家添加标签',
    group: '将每位买家加入群组',
    dryRun: '仅预检查：统计全部结果，不写入任何数据',
    uploading: '正在上传…… {{percent}}%',
    start: '开始导入',
    clear: '移除文件',
  },
};
