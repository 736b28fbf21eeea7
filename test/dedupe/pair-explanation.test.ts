import { describe, expect, it } from 'vitest';
import { COMPARATORS } from '../../src/dedupe/compare/comparator-registry.js';
import { explainPair, levelWeights, type TrainedModel } from '../../src/dedupe/model/fellegi-sunter-model.js';
import { matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import { decodeExplanation, encodeExplanation } from '../../src/dedupe/model/pair-explanation.js';
import { PreparedRecords } from '../../src/dedupe/model/prepared-records.js';

const rules = matchingRulesSchema.parse({
  fields: [
    { field: 'name', comparator: 'name' },
    { field: 'birthday', comparator: 'date' },
    { field: 'city', comparator: 'text' },
  ],
});
const records = new PreparedRecords(
  ['a', 'b', 'c', 'd', 'e'],
  rules.fields,
  new Map([
    ['name', ['John Smith', 'John Smith', 'Jon Smith', 'Zebedee Quill', 'Zebedee Quill']],
    ['birthday', ['1980-01-02', '1980-02-01', null, '1990-05-05', '1990-05-05']],
    ['city', ['London', 'London', 'Leeds', null, 'Bath']],
  ]),
);
const model: TrainedModel = {
  prior: 0.001,
  em_iterations: 10,
  fields: records.fields.map((f) => {
    const n = f.levelCount;
    const m = Array.from({ length: n }, (_, l) => (l === n - 1 ? 0.05 : 0.95 / (n - 1)));
    const u = Array.from({ length: n }, (_, l) => (l === n - 1 ? 0.9 : 0.1 / (n - 1)));
    return {
      field: f.rule.field,
      comparator: f.rule.comparator,
      levels: COMPARATORS[f.rule.comparator].levels,
      m,
      u,
      term_frequency: f.termFrequency,
    };
  }),
};
const weights = levelWeights(model);
const levelsOf = (i: number, j: number) => records.fields.map((f) => f.compare(i, j));

describe('compact pair explanations', () => {
  it.each([
    [0, 1],
    [0, 2],
    [1, 2],
    [3, 4],
    [0, 3],
  ])('records %d and %d: stored in a few bytes, read back as the full explanation', (i, j) => {
    const levels = levelsOf(i, j);
    const stored = encodeExplanation(model, weights, records, i, j, levels);
    expect(stored.length).toBeLessThan(40);
    expect(decodeExplanation(stored, model, weights)).toEqual(
      explainPair(model, records, i, j, weights, levels),
    );
  });

  it.each([
    ['', 'missing'],
    ['0', 'exact'],
  ])('stores a missing value as an empty part and a plain level as its index (%j → %s)', (part, level) => {
    const [first] = decodeExplanation(`${part},1,2`, model, weights);
    expect(first!.level).toBe(level);
  });

  it('stores the weight only where term frequency changed it', () => {
    // "Zebedee Quill" is rarer than the field's average: exact agreement weighs more than the plain level.
    const stored = encodeExplanation(model, weights, records, 3, 4, levelsOf(3, 4));
    expect(stored).toMatch(/^0:\d+(\.\d+)?,/);
  });

  it('reads the JSON list older rows hold', () => {
    const old = [{ field: 'name', comparator: 'name', level: 'exact', weight: 3.5 }];
    expect(decodeExplanation(JSON.stringify(old), model, weights)).toEqual(old);
  });
});
