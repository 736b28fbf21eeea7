/**
 * The customers list's check of a filter's value (customer-filter-values.ts) against the server's own:
 * each value below goes through both, and the list must leave out exactly what the server refuses, for
 * the reason the server gives (read back from its English words), said in both languages.
 */
import { describe, expect, it } from 'vitest';
import { amountParam, countParam, isoParam } from '../../src/contacts/contact-service.js';
import {
  type AttributeDefinition,
  type AttributeType,
  normalizeAttributeValue,
} from '../../src/domain/contact/attribute-value.js';
import { formatListIn } from '../../web/src/i18n/list-format.js';
import { en, reasonOf, WEB, zh } from './web-i18n.js';

type Refusal = { reason: string; options?: readonly string[] };
type Ignored = { param: string; key?: string; value: string; refusal?: Refusal };
interface ListParams {
  filters: Record<string, string>;
  attributes: Record<string, string>;
  sort: string | undefined;
  cursor: string | undefined;
}
type Definition = { key: string; type: AttributeType; options: string[] | null };
const values = (await import(`${WEB}/features/customers/customer-filter-values.ts`)) as {
  attributeValueRefusal: (definition: Definition, raw: string) => Refusal | null;
  filterValueRefusal: (name: string, raw: string) => Refusal | null;
  refusalOfReason: (reason: string) => Refusal | null;
  refusalText: (refusal: Refusal, t: typeof en, alternatives: (items: readonly string[]) => string) => string;
};
const params = (await import(`${WEB}/features/customers/customer-list-params.ts`)) as {
  listParamsOf: (params: URLSearchParams) => ListParams;
  withoutIgnored: (params: URLSearchParams, ignored: Ignored[]) => URLSearchParams;
  withoutIgnoredFilters: (
    list: ListParams,
    known: { attributes?: string[]; definitions?: Definition[] },
  ) => { list: ListParams; ignored: Ignored[] };
  refusedFilterOf: (list: ListParams, details: { field?: string; reason?: string }[]) => Ignored | null;
};

const ATTRIBUTES: Record<AttributeType, Definition> = {
  text: { key: 'note', type: 'text', options: null },
  number: { key: 'points', type: 'number', options: null },
  boolean: { key: 'vip', type: 'boolean', options: null },
  date: { key: 'joined', type: 'date', options: null },
  list: { key: 'level', type: 'list', options: ['Gold', 'Silver', '青铜'] },
};

/** The server's reason for a value, or null when it takes it. */
function serverReason(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch {
    return reasonOf(check);
  }
}

describe("an attribute filter's value, as the server checks it", () => {
  const cases: [AttributeType, string][] = [
    ...([
      'yes',
      'no',
      'Y',
      'TRUE',
      'off',
      '1',
      '0',
      '是',
      '否',
      '真',
      'ｙｅｓ',
      'maybe',
      '2',
      'ja',
      'yes!',
    ].map((v) => ['boolean', v]) as [AttributeType, string][]),
    ...([
      '12',
      '-3.5',
      '.5',
      '1.',
      '+7',
      '1e3',
      '１２',
      'lots',
      '0x10',
      '1_000',
      '1e999',
      'Infinity',
      'NaN',
      '12abc',
      '1,5',
    ].map((v) => ['number', v]) as [AttributeType, string][]),
    ...([
      '2026-01-02',
      '2026-1-2',
      '2026/01/02',
      '2026.1.2',
      '2026年1月2日',
      '2026年1月2',
      '20260102',
      '２０２６-01-02',
      '2026-01-02T10:00',
      '2026-01-02 10:00:00+08:00',
      '2026-01-02T99:00',
      '2026-02-30',
      '2025-02-29',
      '2024-02-29',
      '0099-01-01',
      '03/04/1990',
      'yesterday',
      '2026-13-01',
    ].map((v) => ['date', v]) as [AttributeType, string][]),
    ...(['Gold', 'gold', 'GOLD', 'ｇｏｌｄ', 'Silver', '青铜', 'platinum', 'Gold, Silver'].map((v) => [
      'list',
      v,
    ]) as [AttributeType, string][]),
    ...(['anything', '王', '\u0001', '\u0001\u0002'].map((v) => ['text', v]) as [AttributeType, string][]),
  ];
  it.each(cases)('%s %j', (type, raw) => {
    const definition = ATTRIBUTES[type];
    const server = serverReason(() =>
      normalizeAttributeValue(
        { ...definition, label: definition.key, description: null } as AttributeDefinition,
        raw,
      ),
    );
    const client = values.attributeValueRefusal(definition, raw);
    expect(client === null).toBe(server === null);
    if (server !== null) expect(values.refusalOfReason(server)).toEqual(client);
  });
});

describe("a list filter's value, as the server checks it", () => {
  const cases: [string, string, (field: string, value: string) => unknown][] = [
    ...[
      '2026-01-02',
      '2026-01-02T08:00Z',
      '2026-01-02T08:00:00.000+08:00',
      '2026-01-02T08:00:00.123456789Z',
      '2026-01-02t08:00z',
      '2026-01-02T08:00+0800',
      '2026-02-30',
      '2026-1-2',
      '2026/01/02',
      '2026-01-02T24:00',
      '2026-01-02T08:00+24:00',
      '0000-01-01',
      'yesterday',
      '1',
      'March 7',
      ' 2026-01-02',
    ].flatMap((v) =>
      (['created_since', 'updated_before', 'last_order_since'] as const).map(
        (name) => [name, v, isoParam] as [string, string, typeof isoParam],
      ),
    ),
    ...['0', '3', ' 3 ', '1e2', '0x10', '-1', '1.5', 'many', '１'].map(
      (v) => ['min_orders', v, countParam] as [string, string, typeof countParam],
    ),
    ...['100', '100.5', '100.50', ' 100 ', '100.505', '1,000', '-5', '.5', 'lots'].map(
      (v) => ['max_total_spent', v, amountParam] as [string, string, typeof amountParam],
    ),
  ];
  it.each(cases)('%s=%j', (name, raw, check) => {
    const server = serverReason(() => check(name, raw));
    const client = values.filterValueRefusal(name, raw);
    expect(client === null).toBe(server === null);
    if (server !== null) expect(values.refusalOfReason(server)).toEqual(client);
  });
});

describe('what the list says of a refused value', () => {
  const enOr = (items: readonly string[]) => formatListIn('en-GB', items, 'or');
  const zhOr = (items: readonly string[]) => formatListIn('zh-CN', items, 'or');
  it.each<[Refusal, string, string]>([
    [{ reason: 'boolean' }, 'not yes or no', '不是“是”或“否”'],
    [{ reason: 'number' }, 'not a number', '不是数字'],
    [{ reason: 'calendarDate' }, 'no such day in the calendar', '日历上没有这一天'],
    [
      { reason: 'option', options: ['Gold', 'Silver', '青铜'] },
      'not one of Gold, Silver or 青铜',
      '不是可选值之一（Gold、Silver或青铜）',
    ],
    [{ reason: 'instant' }, 'not a date or time (YYYY-MM-DD)', '不是日期或时间（YYYY-MM-DD）'],
  ])('%j', (refusal, english, chinese) => {
    expect(values.refusalText(refusal, en, enOr)).toBe(english);
    expect(values.refusalText(refusal, zh, zhOr)).toBe(chinese);
  });

  it('names the filter, its value and the reason', () => {
    const reason = values.refusalText({ reason: 'boolean' }, en, enOr);
    expect(en('customers.ignored.refused', { name: 'vip', value: 'maybe', reason })).toBe(
      'vip = maybe: not yes or no',
    );
  });
});

describe('the list leaves out the values the server would refuse', () => {
  const known = {
    attributes: Object.values(ATTRIBUTES).map((d) => d.key),
    definitions: Object.values(ATTRIBUTES),
  };

  it('and keeps the rest', () => {
    const search =
      'q=Li&attr.vip=maybe&attr.points=lots&attr.level=gold&attr.foo=bar&created_since=yesterday&updated_before=2026-01-02&min_orders=x';
    const { list, ignored } = params.withoutIgnoredFilters(
      params.listParamsOf(new URLSearchParams(search)),
      known,
    );
    expect(list.filters).toEqual({ q: 'Li', updated_before: '2026-01-02' });
    expect(list.attributes).toEqual({ level: 'gold' });
    expect(ignored).toEqual([
      { param: 'attr', key: 'foo', value: 'bar' },
      { param: 'created_since', value: 'yesterday', refusal: { reason: 'instant' } },
      { param: 'min_orders', value: 'x', refusal: { reason: 'wholeNumber' } },
      { param: 'attr', key: 'vip', value: 'maybe', refusal: { reason: 'boolean' } },
      { param: 'attr', key: 'points', value: 'lots', refusal: { reason: 'number' } },
    ]);
    expect(params.withoutIgnored(new URLSearchParams(search), ignored).toString()).toBe(
      'q=Li&attr.level=gold&updated_before=2026-01-02',
    );
  });

  it("keeps an attribute's value while its type is not known: the server decides", () => {
    const list = params.listParamsOf(new URLSearchParams('attr.vip=maybe'));
    expect(params.withoutIgnoredFilters(list, {}).ignored).toEqual([]);
  });

  it("reads the filter the server refused all the same from its answer's details", () => {
    const list = params.listParamsOf(
      new URLSearchParams('attr.vip=maybe&attr.gone=x&created_since=2026-01-02'),
    );
    const vip = reasonOf(() =>
      normalizeAttributeValue(
        { ...ATTRIBUTES.boolean, label: 'VIP', description: null } as AttributeDefinition,
        'maybe',
      ),
    );
    expect(params.refusedFilterOf(list, [{ field: 'attributes.vip', reason: vip }])).toEqual({
      param: 'attr',
      key: 'vip',
      value: 'maybe',
      refusal: { reason: 'boolean' },
    });
    expect(
      params.refusedFilterOf(list, [{ field: 'attr.gone', reason: 'attribute "gone" is not defined' }]),
    ).toEqual({ param: 'attr', key: 'gone', value: 'x' });
    expect(
      params.refusedFilterOf(list, [
        { field: 'created_since', reason: reasonOf(() => isoParam('created_since', 'nope')) },
      ]),
    ).toEqual({ param: 'created_since', value: '2026-01-02', refusal: { reason: 'instant' } });
    // A reason the list cannot say, or a field it did not send: the server's message is shown.
    expect(
      params.refusedFilterOf(list, [{ field: 'cursor', reason: 'is not a cursor this API returned' }]),
    ).toBe(null);
    expect(params.refusedFilterOf(list, [{ field: 'attributes.vip', reason: 'something new' }])).toBe(null);
  });
});
