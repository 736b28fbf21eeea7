/** 简体中文。Terms follow shared/WEB.md (客户, 导入, 字段匹配 …); same keys as en.ts (the type checks it). */
import type { Messages } from './en';
import { assignment } from './zh/assignment';
import { automation } from './zh/automation';
import { conversations } from './zh/conversations';
import { customer } from './zh/customer';
import { customers } from './zh/customers';
import { duplicates } from './zh/duplicates';
import { exports } from './zh/exports';
import { identityTypes } from './zh/identity-types';
import { imports } from './zh/imports';
import { invite } from './zh/invite';
import { orders } from './zh/orders';
import { reports } from './zh/reports';
import { settings } from './zh/settings';
import { sync } from './zh/sync';

export const zh: Messages = {
  common: {
    loading: '加载中',
    retry: '重试',
    showPassword: '显示或隐藏密码',
    cancel: '取消',
    save: '保存',
    saved: '已保存',
    close: '关闭',
    delete: '删除',
    edit: '编辑',
    create: '创建',
    back: '上一步',
    next: '下一步',
    firstPage: '第一页',
    nextPage: '下一页',
    none: '无',
    yes: '是',
    no: '否',
    errors: {
      title: '出错了',
      network: '无法连接服务器。请检查网络后重试。',
      unexpected: '发生了意外错误。请重试；如果仍然出现，请联系管理员。',
      forbiddenTitle: '无权使用',
      forbidden: '只有管理员可以使用此页面。',
      notFoundTitle: '找不到',
      notFound: '此页面要显示的内容不存在，或已被删除。请检查链接，或从列表中查找。',
    },
  },
  roles: { admin: '管理员', agent: '客服' },
  nav: {
    label: '主导航',
    menu: '打开导航',
    customers: '客户',
    imports: '导入',
    orders: '订单',
    duplicates: '重复客户',
    conversations: '会话',
    automation: '自动化',
    reports: '报表',
    settings: '设置',
  },
  header: {
    language: '语言',
    account: '账户',
    profile: '个人资料',
    signOut: '退出登录',
  },
  notFound: {
    title: '页面不存在',
    description: '这个地址没有对应的 Kith 页面。',
    back: '前往客户列表',
  },
  signIn: {
    title: '登录',
    email: '邮箱',
    password: '密码',
    submit: '登录',
    wrong: '邮箱或密码错误，或账户已停用。',
    throttled: '尝试次数过多。请等几分钟后再试。',
  },
  setup: {
    title: '设置 Kith',
    intro: '创建第一位管理员。此链接只能使用一次，之后请正常登录。',
    noToken: '此页面需要 Kith 首次启动时打印的一次性链接（…/setup#token=…）。',
    name: '姓名',
    email: '邮箱',
    password: '密码',
    passwordHint_one: '至少 {{count}} 个字符',
    passwordHint_other: '至少 {{count}} 个字符',
    passwordShort_one: '请至少使用 {{count}} 个字符',
    passwordShort_other: '请至少使用 {{count}} 个字符',
    confirm: '再次输入密码',
    passwordMismatch: '两次输入的密码不一致',
    submit: '创建管理员',
    done: 'Kith 已经设置完成，请直接登录。',
    badLink: '此设置链接无效。请使用 Kith 最近打印的链接，或用 kith 命令创建用户。',
  },
  fields: {
    id: 'Kith 编号',
    name: '姓名',
    first_name: '名',
    last_name: '姓',
    email: '邮箱',
    additional_emails: '其他邮箱',
    phone: '手机号',
    additional_phones: '其他手机号',
    gender: '性别',
    birthday: '生日',
    country: '国家',
    province: '省份',
    city: '城市',
    address: '地址',
    postcode: '邮编',
    company: '公司',
    tags: '标签',
    groups: '群组',
    initial_source: '初始来源',
    initial_source_detail: '来源详情',
    campaign: '营销活动',
    identities: '身份',
    attributes: '属性',
    created_at: '创建时间',
    updated_at: '更新时间',
  },
  gender: { male: '男', female: '女', other: '其他' },
  assignment,
  automation,
  conversations,
  customer,
  customers,
  duplicates,
  exports,
  identityTypes,
  imports,
  invite,
  orders,
  reports,
  settings,
  sync,
};
