import type { en } from '../en/customers';

export const customers: typeof en = {
  title: '客户',
  new: '新建客户',
  import: '导入客户',
  search: '搜索',
  searchPlaceholder: '姓名、邮箱、手机号或身份',
  tag: '标签',
  group: '群组',
  any: '全部',
  clearFilters: '清除筛选',
  emptyTitle: '还没有客户',
  empty: '从 Excel 或 CSV 导入客户名单，或手动添加客户。',
  noMatchTitle: '没有匹配的客户',
  noMatch: '试试更少的关键词、其他写法，或清除筛选。',
};
