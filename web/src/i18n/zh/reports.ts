import type { en } from '../en/reports';

export const reports: typeof en = {
  title: '报表',
  description: '按客服统计一段时间内解决的会话数。解决数计入执行解决操作的客服。',
  from: '开始日期',
  to: '结束日期（含）',
  apply: '查看',
  thisWeek: '最近 7 天',
  thisMonth: '最近 30 天',
  chartTitle: '各客服解决数',
  chartLabel: '各客服解决会话数的柱状图',
  columns: {
    agent: '客服',
    resolved: '已解决',
    assigned: '已分配',
    open: '当前进行中',
    firstResponse: '首次回复中位时长',
    resolution: '解决中位时长',
  },
  timesHint: '时长从会话开始计算：到首次回复（计入回复的客服），以及到每次解决（计入执行解决的客服）。',
  duration: {
    seconds: '{{s}} 秒',
    minutes: '{{m}} 分钟',
    hours: '{{h}} 小时 {{m}} 分钟',
    days: '{{d}} 天 {{h}} 小时',
  },
  total: '合计',
  emptyTitle: '还没有客服',
  empty: '有了成员后这里才会显示客服。请在 设置 → 成员 中添加。',
  badRange: '结束日期不能早于开始日期。',
};
