import { describe, expect, it } from 'vitest';
import { inRuleOrder, type ListedRules, pairLists } from '../../src/dedupe/model/blocking-plan.js';

/** Lists holding, rule after rule, pairs (rule * 100 + k, rule * 100 + k + 1) with mask 1 << rule. */
function listsOf(rules: [number, number][], shared: boolean) {
  const lists = pairLists(4, shared);
  const segments: [number, number, number][] = [];
  for (const [rule, n] of rules) {
    segments.push([rule, lists.a.length, n]);
    for (let k = 0; k < n; k++) {
      lists.a.push(rule * 100 + k);
      lists.b.push(rule * 100 + k + 1);
      lists.rulesMatched.push(1 << rule);
    }
  }
  return { lists, segments };
}

describe('the two blocking threads’ pairs put in rule order', () => {
  it.each([
    // [this thread's rules (rule, pairs), the other thread's]
    [
      [
        [0, 3],
        [2, 5],
        [3, 0],
        [5, 2],
      ],
      [
        [1, 4],
        [4, 1],
      ],
    ],
    [[[0, 7]], []],
    [
      [],
      [
        [0, 2],
        [1, 3],
      ],
    ],
    [
      [[3, 6]],
      [
        [0, 1],
        [1, 0],
        [2, 9],
      ],
    ],
  ] as [number, number][][][])('own %j, theirs %j', (own, other) => {
    const mine = listsOf(own, true);
    const theirs = listsOf(other, false);
    const handed: ListedRules = {
      a: theirs.lists.a.view(),
      b: theirs.lists.b.view(),
      rulesMatched: theirs.lists.rulesMatched.view(),
      segments: theirs.segments,
    };
    const merged = inRuleOrder(mine.lists, mine.segments, handed);
    const expected = [...own, ...other].sort((x, y) => x[0] - y[0]);
    const a: number[] = [];
    const masks: number[] = [];
    for (const [rule, n] of expected) {
      for (let k = 0; k < n; k++) {
        a.push(rule * 100 + k);
        masks.push(1 << rule);
      }
    }
    expect([...merged.a.view()]).toEqual(a);
    expect([...merged.b.view()]).toEqual(a.map((x) => x + 1));
    expect([...merged.rulesMatched.view()]).toEqual(masks);
    // Still this thread's lists, on shared memory for the compare thread.
    expect(merged.a.view().buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
