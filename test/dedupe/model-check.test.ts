import { describe, expect, it } from 'vitest';
import {
  deterministicProblems,
  fieldProblems,
  isDegenerate,
  MIN_FIELDS_FOR_CERTAIN,
} from '../../src/dedupe/model/model-check.js';

const levels = ['exact', 'similar', 'else'];

describe('the model check', () => {
  it.each([
    { name: 'a sane field', m: [0.8, 0.15, 0.05], u: [0.01, 0.09, 0.9], problems: 0 },
    { name: 'agreement counting against a match', m: [0.005, 0.1, 0.895], u: [0.01, 0.09, 0.9], problems: 1 },
    { name: 'disagreement counting for a match', m: [0.5, 0.1, 0.4], u: [0.1, 0.6, 0.3], problems: 1 },
    { name: 'both the wrong way round', m: [0.01, 0.04, 0.95], u: [0.2, 0.1, 0.7], problems: 2 },
    // E-mails are unique in Kith: exact agreement never happens, in either class.
    { name: 'a level no pair reaches', m: [1e-9, 0.3, 0.7], u: [1e-9, 0.01, 0.99], problems: 0 },
  ])('$name: $problems problem(s)', ({ m, u, problems }) => {
    const found = fieldProblems([{ field: 'name', levels, m, u }]);
    expect(found.get('name')?.length ?? 0).toBe(problems);
    if (problems > 0) expect(found.get('name')![0]).toMatch(/^name: /);
  });

  // Patterns of three fields of three levels each; -1 is missing.
  const certain = [0, 0, 0];
  const apart = [2, 2, 2];
  const mixed = [0, 2, 1];
  const short = [0, 0, -1];
  it.each([
    { name: 'a sane model', posterior: [0.99, 0.01, 0.6, 0.2], problems: 0 },
    { name: 'exact agreement scored as different people', posterior: [0.2, 0.01, 0.6, 0.2], problems: 1 },
    {
      name: 'complete disagreement scored as the same person',
      posterior: [0.99, 0.9, 0.6, 0.2],
      problems: 1,
    },
    { name: 'the classes swapped', posterior: [0.01, 0.99, 0.6, 0.2], problems: 2 },
    // Too few fields held for certainty: the short pattern says nothing either way.
    { name: 'a pair holding fewer fields than needed', posterior: [0.99, 0.01, 0.6, 0.0], problems: 0 },
  ])('deterministic pairs, $name: $problems problem(s)', ({ posterior, problems }) => {
    expect(MIN_FIELDS_FOR_CERTAIN).toBe(3);
    const found = deterministicProblems(
      [3, 3, 3],
      [certain, apart, mixed, short],
      [100, 1000, 50, 10],
      posterior,
    );
    expect(found.length).toBe(problems);
  });

  it.each([
    [0, 9, 0, false],
    [1, 9, 0, false],
    [1, 2, 0, false],
    [2, 9, 0, false],
    [3, 9, 0, true],
    [2, 6, 0, true],
    [0, 9, 1, true],
  ])(
    '%d field(s) with problems of %d learnt, %d deterministic problem(s): degenerate %s',
    (fields, learnt, det, expected) => {
      expect(
        isDegenerate(
          fields,
          learnt,
          Array.from({ length: det }, () => 'x'),
        ),
      ).toBe(expected);
    },
  );
});
