/**
 * A key the server accepts (`^[a-z][a-z0-9_]{0,62}$`), suggested from a name a person wrote:
 * `WeChat OpenID` → `wechat_openid`, `Café tier` → `cafe_tier`. Empty when the name holds no Latin
 * letter or digit to start from (会员等级): the person then types the key.
 */
export function suggestKey(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/_+$/, '');
}
