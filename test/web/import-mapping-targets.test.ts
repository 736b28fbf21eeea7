/** A stored mapping's targets as the import's page lists them: identities and attributes by their names. */
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

type Named = { key: string; label?: string | null };
const { describeTarget } = (await import(`${WEB}/features/imports/mapping-targets.ts`)) as {
  describeTarget: (
    target: string,
    t: typeof en,
    known?: { identityTypes?: Named[]; attributes?: Named[] },
  ) => string;
};

const known = {
  identityTypes: [
    { key: 'wx_oid_15', label: '微信号' },
    { key: 'member_no', label: 'Membership number' },
  ],
  attributes: [{ key: 'level', label: '会员等级' }],
};

describe("an import's mapping in words", () => {
  it.each([
    ['identity.wx_oid_15', 'Identity: 微信号 (wx_oid_15)', '身份：微信号 (wx_oid_15)'],
    ['identity.member_no', 'Identity: Membership number (member_no)', '身份：会员号 (member_no)'],
    ['attr.level', 'Attribute: 会员等级 (level)', '属性：会员等级 (level)'],
    // Deleted since, or not loaded yet: the key.
    ['identity.gone', 'Identity: gone', '身份：gone'],
    ['attr.gone', 'Attribute: gone', '属性：gone'],
  ])('%s', (target, english, chinese) => {
    expect(describeTarget(target, en, known)).toBe(english);
    expect(describeTarget(target, zh, known)).toBe(chinese);
  });
});
