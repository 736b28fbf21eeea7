/**
 * An identity type as people read it. Kith's built-in types (external_id, and the ones an import
 * creates on first use: WeChat OpenID, Alipay, Taobao …) are named in the user's language, as long as
 * their label is still the one Kith gave them; a type an admin created, or a label an admin changed,
 * shows as written.
 */
/** i18next's `t`, or any function that looks a key up the same way. */
type Translate = (key: string) => string;

/** Each built-in type with the label the server gives it (src/imports/map/well-known-identities.ts). */
export const BUILT_IN_IDENTITY_TYPES: Readonly<Record<string, string>> = {
  external_id: 'External ID',
  wechat_openid: 'WeChat OpenID',
  wechat_unionid: 'WeChat UnionID',
  alipay: 'Alipay account',
  taobao: 'Taobao member name',
  // Created by the first Tmall order import (src/orders/tmall-order-import.ts).
  taobao_nick: 'Taobao nickname',
  qq: 'QQ',
  douyin: 'Douyin ID',
  member_no: 'Membership number',
};

export function isBuiltInIdentityType(key: string): boolean {
  return Object.hasOwn(BUILT_IN_IDENTITY_TYPES, key);
}

export function identityTypeLabel(type: { key: string; label?: string | null }, t: Translate): string {
  const label = type.label?.trim() || null;
  if (
    isBuiltInIdentityType(type.key) &&
    (!label || label === type.key || label === BUILT_IN_IDENTITY_TYPES[type.key])
  )
    return t(`identityTypes.${type.key}`);
  return label ?? type.key;
}

/**
 * The types with their labels as people read them (for lists that show `label`). Two types that would
 * read the same (two "WeChat OpenID" made at different times) each get their key beside the label, so a
 * list, a column chooser or a form never shows two items that cannot be told apart.
 */
export function localizeIdentityTypes<T extends { key: string; label?: string | null }>(
  types: T[],
  t: Translate,
): (T & { label: string })[] {
  const labelled = types.map((type) => ({ ...type, label: identityTypeLabel(type, t) }));
  const seen = new Map<string, number>();
  for (const { label } of labelled) seen.set(label.toLowerCase(), (seen.get(label.toLowerCase()) ?? 0) + 1);
  return labelled.map((type) =>
    seen.get(type.label.toLowerCase())! > 1 && type.label !== type.key
      ? { ...type, label: `${type.label} (${type.key})` }
      : type,
  );
}
