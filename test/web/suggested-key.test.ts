import { describe, expect, it } from 'vitest';
import { suggestKey } from '../../web/src/ui/suggested-key.js';

const KEY = /^[a-z][a-z0-9_]{0,62}$/;

describe('suggestKey: a key the server accepts, from a name a person wrote', () => {
  it.each([
    ['WeChat OpenID', 'wechat_openid'],
    ['Member level', 'member_level'],
    ['  Member   level  ', 'member_level'],
    ['Café tier', 'cafe_tier'],
    ['QQ号', 'qq'],
    ['VIP-Stufe (Kunde)', 'vip_stufe_kunde'],
    ['2024 spend', 'spend'],
    ['_internal_', 'internal'],
    ['ＶＩＰ　Level', 'vip_level'],
    ['会员等级', ''],
    ['', ''],
  ])('%j → %j', (name, key) => {
    expect(suggestKey(name)).toBe(key);
  });

  it('keeps within 63 characters and never ends in _', () => {
    const key = suggestKey(`${'a'.repeat(62)} b`);
    expect(key.length).toBeLessThanOrEqual(63);
    expect(key).toMatch(KEY);
    expect(key.endsWith('_')).toBe(false);
  });
});
