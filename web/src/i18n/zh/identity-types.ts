/** Kith 内置的身份类型，按键名（web/src/ui/identity-type-label.ts）。 */
import type { en } from '../en/identity-types';

export const identityTypes: typeof en = {
  external_id: '外部 ID',
  wechat_openid: '微信 OpenID',
  wechat_unionid: '微信 UnionID',
  alipay: '支付宝账号',
  taobao: '淘宝会员名',
  taobao_nick: '淘宝昵称',
  qq: 'QQ 号',
  douyin: '抖音号',
  member_no: '会员号',
};
