/**
 * Identity types every Chinese customer base carries as columns (WeChat, Alipay, Taobao, QQ, Douyin,
 * membership numbers). Their keys are fixed so that files from different tools meet on the same type; an
 * import creates a type the first time it maps a column to it, so an installation that never sees WeChat
 * data never lists a WeChat type.
 */
export interface WellKnownIdentity {
  key: string;
  label: string;
  /** Header spellings, compared after `headerKey` folding (and again without spaces and dots). */
  headers: string[];
}

export const WELL_KNOWN_IDENTITIES: readonly WellKnownIdentity[] = [
  {
    key: 'wechat_openid',
    label: 'WeChat OpenID',
    headers: [
      'wechat openid',
      'weixin openid',
      'wx openid',
      'openid',
      'open id',
      '微信openid',
      '微信 open id',
      '微信号openid',
      '公众号openid',
      '粉丝openid',
    ],
  },
  {
    key: 'wechat_unionid',
    label: 'WeChat UnionID',
    headers: [
      'wechat unionid',
      'weixin unionid',
      'wx unionid',
      'unionid',
      'union id',
      '微信unionid',
      '微信 union id',
    ],
  },
  {
    key: 'alipay',
    label: 'Alipay account',
    headers: [
      'alipay',
      'alipay account',
      'alipay id',
      'alipay user id',
      '支付宝',
      '支付宝账号',
      '支付宝帐号',
      '支付宝账户',
      '支付宝帐户',
      '支付宝id',
      '支付宝用户id',
    ],
  },
  {
    key: 'taobao',
    label: 'Taobao member name',
    headers: [
      'taobao',
      'taobao id',
      'taobao nick',
      'taobao nickname',
      'taobao account',
      'wangwang',
      'wangwang id',
      '淘宝昵称',
      '淘宝账号',
      '淘宝帐号',
      '淘宝id',
      '淘宝会员名',
      '买家会员名',
      '买家昵称',
      '买家旺旺',
      '旺旺',
      '旺旺号',
      '旺旺名',
      '旺旺id',
      '旺旺昵称',
    ],
  },
  {
    key: 'qq',
    label: 'QQ',
    headers: ['qq', 'qq number', 'qq no', 'qq id', 'qq号', 'qq号码', 'qq账号', 'qq帐号'],
  },
  {
    key: 'douyin',
    label: 'Douyin ID',
    headers: ['douyin', 'douyin id', 'douyin account', '抖音', '抖音号', '抖音id', '抖音账号', '抖音帐号'],
  },
  {
    key: 'member_no',
    label: 'Membership number',
    headers: [
      'member no',
      'member number',
      'member id',
      'membership no',
      'membership number',
      'membership id',
      'member card no',
      'member card number',
      'loyalty number',
      'loyalty card number',
      '会员号',
      '会员编号',
      '会员卡号',
      '会员id',
      '会员账号',
      '会员帐号',
      '会员码',
    ],
  },
];

const BY_KEY = new Map(WELL_KNOWN_IDENTITIES.map((w) => [w.key, w]));

export function wellKnownIdentity(key: string): WellKnownIdentity | undefined {
  return BY_KEY.get(key);
}
