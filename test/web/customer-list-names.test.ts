/**
 * The customers list's filters that name a tag, group or attribute the store does not have: left out
 * and reported (withoutUnknownNames), and taken out of the address in one go (withoutIgnored).
 */
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/domain/normalize/text.js';
import { WEB } from './web-i18n.js';

interface ListParams {
  filters: Record<string, string>;
  attributes: Record<string, string>;
  sort: string | undefined;
  cursor: string | undefined;
}
type Ignored = { param: 'tag' | 'group'; value: string } | { param: 'attr'; key: string; value: string };
const { listParamsOf, tagKey, withoutIgnored, withoutUnknownNames } = (await import(
  `${WEB}/features/customers/customer-list-params.ts`
)) as {
  listParamsOf: (params: URLSearchParams) => ListParams;
  tagKey: (name: string) => string;
  withoutIgnored: (params: URLSearchParams, ignored: Ignored[]) => URLSearchParams;
  withoutUnknownNames: (
    list: ListParams,
    known: {
      tags?: string[];
      groups?: { id: string; name: string }[];
      attributes?: string[];
    },
  ) => { list: ListParams; ignored: Ignored[] };
};

const KNOWN = {
  tags: ['VIP', '老客户', 'Early bird'],
  groups: [
    { id: 'grp_01', name: 'Beijing stores' },
    { id: 'grp_02', name: '华东' },
  ],
  attributes: ['vip_level', 'city_tier'],
};

describe('a filter of the address that names nothing', () => {
  it.each<[string, Record<string, string>, Record<string, string>, Ignored[]]>([
    ['tag=VIP&group=grp_01&attr.vip_level=gold', { tag: 'VIP', group: 'grp_01' }, { vip_level: 'gold' }, []],
    // The server compares tags as normalizeText, in any case; the Tag select then shows the tag's name.
    ['tag=vip', { tag: 'VIP' }, {}, []],
    ['tag=early%20%20bird', { tag: 'Early bird' }, {}, []],
    ['tag=%EF%BC%B6%EF%BC%A9%EF%BC%B0', { tag: 'VIP' }, {}, []], // full-width ＶＩＰ
    ['tag=nope', {}, {}, [{ param: 'tag', value: 'nope' }]],
    // A group by its name is that group; an id no group has names nothing.
    ['group=beijing%20stores', { group: 'grp_01' }, {}, []],
    ['group=华东', { group: 'grp_02' }, {}, []],
    ['group=grp_nope', {}, {}, [{ param: 'group', value: 'grp_nope' }]],
    ['attr.foo=bar', {}, {}, [{ param: 'attr', key: 'foo', value: 'bar' }]],
    [
      'q=Li&tag=nope&group=grp_nope&attr.foo=bar&attr.city_tier=1',
      { q: 'Li' },
      { city_tier: '1' },
      [
        { param: 'tag', value: 'nope' },
        { param: 'group', value: 'grp_nope' },
        { param: 'attr', key: 'foo', value: 'bar' },
      ],
    ],
  ])('%s', (search, filters, attributes, ignored) => {
    const result = withoutUnknownNames(listParamsOf(new URLSearchParams(search)), KNOWN);
    expect(result.list.filters).toEqual(filters);
    expect(result.list.attributes).toEqual(attributes);
    expect(result.ignored).toEqual(ignored);
  });

  it('keeps what is not known yet (still loading, or unreadable) as written: the server decides', () => {
    const list = listParamsOf(new URLSearchParams('tag=nope&group=grp_nope&attr.foo=bar'));
    expect(withoutUnknownNames(list, {})).toEqual({ list, ignored: [] });
    expect(withoutUnknownNames(list, { tags: [] }).ignored).toEqual([{ param: 'tag', value: 'nope' }]);
  });

  it('takes the ignored filters out of the address, and its page, keeping the rest', () => {
    const params = new URLSearchParams('q=Li&tag=nope&attr.foo=bar&attr.city_tier=1&sort=name&cursor=abc');
    const { ignored } = withoutUnknownNames(listParamsOf(params), KNOWN);
    expect(withoutIgnored(params, ignored).toString()).toBe('q=Li&attr.city_tier=1&sort=name');
  });
});

describe("a tag's name as the server compares it", () => {
  it.each(['VIP', ' vip ', 'ＶＩＰ', 'Early\u0007 bird', 'early\t\tbird', '老客户', 'Straße'])(
    '%j',
    (name) => {
      expect(tagKey(name)).toBe(normalizeText(name)!.toLowerCase());
    },
  );
});
