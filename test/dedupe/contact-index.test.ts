import { describe, expect, it } from 'vitest';
import { contactIndex } from '../../src/dedupe/scan/load-dedupe-input.js';

describe('contactIndex: a side table row finds its contact while both are read in contact order', () => {
  const ids = ['con_a', 'con_b', 'con_c', 'con_d'];

  it.each([
    ['rows in contact order, several per contact', ['con_a', 'con_a', 'con_c', 'con_d'], [0, 0, 2, 3]],
    ['a row of a contact no longer live', ['con_a', 'con_bb', 'con_c'], [0, -1, 2]],
    ['rows before the first and after the last id', ['con_0', 'con_d', 'con_z'], [-1, 3, -1]],
    [
      'rows out of order (another collation) fall back to a map',
      ['con_c', 'con_a', 'con_d', 'con_b'],
      [2, 0, 3, 1],
    ],
  ])('%s', (_, rows, expected) => {
    const recordOf = contactIndex(ids);
    expect(rows.map(recordOf)).toEqual(expected);
  });

  it('ids not in JavaScript order are looked up in a map', () => {
    const unsorted = ['con_b', 'con_a', 'con_c'];
    const recordOf = contactIndex(unsorted);
    expect(['con_a', 'con_b', 'con_c', 'con_x'].map(recordOf)).toEqual([1, 0, 2, -1]);
  });
});
