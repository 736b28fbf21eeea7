import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

type T = (key: string, options?: Record<string, unknown>) => string;
const { filterLabels, filtersKind } = (await import(`${WEB}/features/exports/filter-labels.ts`)) as {
  filterLabels: (
    kind: 'contacts' | 'orders',
    filters: Record<string, unknown>,
    t: T,
    names?: { groups?: Map<string, string>; attributes?: Map<string, string> },
  ) => string[];
  filtersKind: (filters: Record<string, unknown>) => 'contacts' | 'orders';
};

describe('an export’s filters in the user’s words', () => {
  const names = { groups: new Map([['grp_1', 'Beijing VIPs']]), attributes: new Map([['tier', 'Tier']]) };

  it('labels customers filters as the customers list does, never as keys or JSON', () => {
    const filters = { tag: 'VIP', group: 'grp_1', attributes: { tier: 'gold' }, min_orders: '2' };
    expect(filterLabels('contacts', filters, en as T, names)).toEqual([
      'Tag: VIP',
      'Group: Beijing VIPs',
      'Tier: gold',
      'At least … orders: 2',
    ]);
    expect(filterLabels('contacts', filters, zh as T, names)).toEqual([
      '标签：VIP',
      '群组：Beijing VIPs',
      'Tier：gold',
      expect.stringContaining('：2'),
    ]);
  });

  it('names the initial source Kith writes itself as the list shows it, a typed one as written', () => {
    expect(filterLabels('contacts', { initial_source: 'tmall' }, en as T)).toEqual(['Initial source: Tmall']);
    expect(filterLabels('contacts', { initial_source: 'tmall' }, zh as T)).toEqual(['初始来源：天猫']);
    expect(filterLabels('contacts', { initial_source: '展会' }, zh as T)).toEqual(['初始来源：展会']);
  });

  it('counts a selection, and names a group it cannot resolve by its id', () => {
    expect(filterLabels('contacts', { ids: ['ct_a', 'ct_b'] }, en as T)).toEqual([
      'The 2 selected customers',
    ]);
    expect(filterLabels('contacts', { group: 'grp_x' }, en as T)).toEqual(['Group: grp_x']);
    expect(filterLabels('contacts', {}, en as T)).toEqual([]);
  });

  it('labels orders filters as the orders page does, statuses in words', () => {
    const lines = filterLabels('orders', { status: ['paid', 'shipped'], source: 'tmall' }, en as T);
    expect(lines).toEqual(['Status: Paid, Shipped', 'Source: tmall']);
    expect(filtersKind({ status: ['paid'] })).toBe('orders');
    expect(filtersKind({ q: 'li', tag: 'VIP' })).toBe('contacts');
  });
});
