import { describe, expect, it } from 'vitest';
import { type SharedFieldWork, takeSharedWork } from '../../src/dedupe/model/compare-candidate-pairs.js';
import { matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import { PreparedRecords } from '../../src/dedupe/model/prepared-records.js';
import type { RandomPairLevels } from '../../src/dedupe/model/random-pair-levels.js';
import { sampleRandomPairLevels } from '../../src/dedupe/model/random-pair-levels.js';

describe("the compare thread's share, taken by two takers", () => {
  const rules = matchingRulesSchema.parse({
    fields: [
      { field: 'name', comparator: 'name' },
      { field: 'city', comparator: 'text' },
      { field: 'email', comparator: 'email' },
    ],
  });
  const names = ['Ann Lee', 'Anne Lee', 'Bo Chen', 'Bob Chen', 'Li Wei', 'Lee Wei', null];
  const cities = ['Leeds', 'York', 'Hull', null];
  const size = 60;
  const records = new PreparedRecords(
    Array.from({ length: size }, (_, i) => `r${i}`),
    rules.fields,
    new Map([
      ['name', Array.from({ length: size }, (_, i) => names[i % names.length]!)],
      ['city', Array.from({ length: size }, (_, i) => cities[(i * 7) % cities.length]!)],
      ['email', Array.from({ length: size }, (_, i) => (i % 5 === 0 ? null : `user${i % 9}@example.com`))],
    ]),
  );
  const count = 95;
  const pairs = {
    a: Int32Array.from({ length: count }, (_, p) => p % size),
    b: Int32Array.from({ length: count }, (_, p) => (p * 13 + 1) % size),
  };
  const width = records.fields.length;

  it.each([1, 10, 95, 200])(
    'in chunks of %i pairs: every unit once, the levels and samples of one taker',
    (chunk) => {
      // Fields 0 and 2 are the thread's share here (field 1 would be this thread's own).
      const work: SharedFieldWork = {
        columns: [2, 0],
        chunk,
        count,
        sample: true,
        next: new Int32Array(new SharedArrayBuffer(4)),
      };
      const gamma = new Int8Array(count * width).fill(99);
      const taken = { first: 0, second: 0 };
      const samples = new Map<number, RandomPairLevels>();
      let started = false;
      // The first taker lets a second one in while it works on its first unit: the second takes the rest.
      takeSharedWork(
        work,
        (k) => {
          taken.first++;
          if (!started) {
            started = true;
            takeSharedWork(
              work,
              (j) => {
                taken.second++;
                return records.fields[j]!;
              },
              pairs,
              gamma,
              width,
              (j, levels) => samples.set(j, levels),
            );
          }
          return records.fields[k]!;
        },
        pairs,
        gamma,
        width,
        (k, levels) => samples.set(k, levels),
      );
      const chunks = Math.ceil(count / chunk);
      expect(taken.first + taken.second).toBe(2 * chunks + 2);
      expect(taken.second).toBeGreaterThan(0);
      for (let p = 0; p < count; p++) {
        for (const k of [0, 2])
          expect(gamma[p * width + k]).toBe(records.fields[k]!.compare(pairs.a[p]!, pairs.b[p]!));
        // This thread's own field is not the share's: untouched.
        expect(gamma[p * width + 1]).toBe(99);
      }
      expect(samples.get(0)).toEqual(sampleRandomPairLevels(records.fields[0]!, 0));
      expect(samples.get(2)).toEqual(sampleRandomPairLevels(records.fields[2]!, 2));
      expect(samples.has(1)).toBe(false);
    },
  );
});
