import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { initialSourceLabel, initialSourceOf } = (await import(`${WEB}/ui/initial-source-label.ts`)) as {
  initialSourceLabel: (source: string, t: TFunction) => string;
  initialSourceOf: (text: string, t: TFunction) => string;
};

describe('initial sources as people read them', () => {
  it('names the source Kith writes itself (a Tmall order import’s buyers) in the reader’s language', () => {
    expect(initialSourceLabel('tmall', en)).toBe('Tmall');
    expect(initialSourceLabel('tmall', zh)).toBe('天猫');
  });

  it.each(['csv', 'shopify', '展会', 'Tmall'])(
    'shows %s as written: a source someone named (an order file’s, a form’s)',
    (source) => {
      expect(initialSourceLabel(source, en)).toBe(source);
      expect(initialSourceLabel(source, zh)).toBe(source);
    },
  );

  it('reads a filter typed as the label back to the source the server stores', () => {
    expect(initialSourceOf('天猫', zh)).toBe('tmall');
    expect(initialSourceOf(' Tmall ', en)).toBe('tmall');
    expect(initialSourceOf('tmall', zh)).toBe('tmall');
    expect(initialSourceOf('展会', zh)).toBe('展会');
  });
});
