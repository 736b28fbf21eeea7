/** Kith's built-in identity types, by key (web/src/ui/identity-type-label.ts). */
export const en = {
  external_id: 'External ID',
  wechat_openid: 'WeChat OpenID',
  wechat_unionid: 'WeChat UnionID',
  alipay: 'Alipay account',
  taobao: 'Taobao member name',
  taobao_nick: 'Taobao nickname',
  qq: 'QQ number',
  douyin: 'Douyin ID',
  member_no: 'Membership number',
};
