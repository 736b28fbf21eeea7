import { describe, expect, it } from 'vitest';
import { combineCodes } from '../../src/dedupe/model/blocking-plan.js';
import { packPattern } from '../../src/dedupe/model/fellegi-sunter-model.js';
import { IntPairCodes } from '../../src/dedupe/model/int-pair-codes.js';
import { StringCodes } from '../../src/dedupe/model/string-codes.js';

describe('StringCodes', () => {
  it.each([
    { keys: [], codes: [] },
    { keys: ['13800138000'], codes: [0] },
    { keys: ['a', 'b', 'a', 'c', 'b'], codes: [0, 1, 0, 2, 1] },
    // Empty, Chinese, astral and look-alike keys are all their own strings.
    { keys: ['', '王伟', 'wang wei', '王伟', '', '𠮷', 'ａ', 'a'], codes: [0, 1, 2, 1, 0, 3, 4, 5] },
  ])('numbers $keys in order of first appearance', ({ keys, codes }) => {
    const table = new StringCodes(2);
    expect(keys.map((k) => table.codeOf(k))).toEqual(codes);
    expect(table.size).toBe(new Set(keys).size);
  });

  it('keeps every number as it grows far past what it expected, as a Map would', () => {
    const table = new StringCodes(1);
    const map = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const key = `user${(i * 7919) % 20_011}@example.com`;
      if (!map.has(key)) map.set(key, map.size);
      expect(table.codeOf(key)).toBe(map.get(key));
    }
    expect(table.size).toBe(map.size);
  });
});

describe('combineCodes', () => {
  it.each([
    // Two terms' codes per record (-1: no value) → one code per distinct pair, first appearance first.
    { x: [0, 0, 1, 1, 0], y: [0, 1, 0, 1, 0], codes: [0, 1, 2, 3, 0] },
    { x: [0, -1, 0, 2], y: [5, 5, -1, 5], codes: [0, -1, -1, 1] },
    { x: [3, 3, 3], y: [7, 7, 7], codes: [0, 0, 0] },
    { x: [], y: [], codes: [] },
  ])('combines $x with $y', ({ x, y, codes }) => {
    const distinct = (c: number[]) => Math.max(-1, ...c) + 1;
    const combined = combineCodes(
      { codes: Int32Array.from(x), distinct: distinct(x) },
      { codes: Int32Array.from(y), distinct: distinct(y) },
    );
    expect([...combined.codes]).toEqual(codes);
    expect(combined.distinct).toBe(distinct(codes));
  });

  it('agrees with joining the two keys as text on many records', () => {
    const n = 30_000;
    const x = Int32Array.from({ length: n }, (_, i) => (i * 31) % 997);
    const y = Int32Array.from({ length: n }, (_, i) => ((i * 17) % 89) - (i % 13 === 0 ? 100 : 0));
    for (let i = 0; i < n; i++) if (y[i]! < 0) y[i] = -1;
    const combined = combineCodes({ codes: x, distinct: 997 }, { codes: y, distinct: 89 });
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (y[i] === -1) {
        expect(combined.codes[i]).toBe(-1);
        continue;
      }
      const key = `${x[i]}\u0001${y[i]}`;
      if (!seen.has(key)) seen.set(key, seen.size);
      expect(combined.codes[i]).toBe(seen.get(key));
    }
    expect(combined.distinct).toBe(seen.size);
  });
});

describe('IntPairCodes', () => {
  it.each([
    { pairs: [], codes: [] },
    { pairs: [[0, 0]], codes: [0] },
    // Negative and 32-bit integers are keys like any other (training packs levels and rule masks into them).
    {
      pairs: [
        [-1, 5],
        [5, -1],
        [-1, 5],
        [-2147483648, 2147483647],
        [0, 0],
        [5, -1],
      ],
      codes: [0, 1, 0, 2, 3, 1],
    },
  ])('numbers $pairs in order of first appearance', ({ pairs, codes }) => {
    const table = new IntPairCodes(1);
    expect(pairs.map(([x, y]) => table.codeOf(x!, y!))).toEqual(codes);
    expect(table.size).toBe(Math.max(-1, ...codes) + 1);
  });

  it('keeps every number as it grows far past what it expected, as a Map would', () => {
    const table = new IntPairCodes(1);
    const map = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const x = (i * 7919) % 3001;
      const y = -((i * 104729) % 17);
      const key = `${x} ${y}`;
      if (!map.has(key)) map.set(key, map.size);
      expect(table.codeOf(x, y)).toBe(map.get(key));
    }
    expect(table.size).toBe(map.size);
  });
});

describe('packPattern', () => {
  it('gives distinct integers to distinct patterns, at the limits of fields, levels and rules', () => {
    const width = 15;
    const random = (() => {
      let seed = 12345;
      return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    })();
    const byText = new Map<string, string>();
    const packed = new Int32Array(2);
    const gamma = new Int8Array(width);
    for (let t = 0; t < 20_000; t++) {
      // Levels -1..5 (six-level comparators' "else" included) with the extremes often.
      for (let k = 0; k < width; k++) gamma[k] = t % 3 === 0 ? 5 : Math.floor(random() * 7) - 1;
      const rules = t % 5 === 0 ? 0xffff : Math.floor(random() * 0x10000);
      packPattern(gamma, 0, width, rules, packed);
      const pattern = `${[...gamma].join(',')}|${rules}`;
      const key = `${packed[0]} ${packed[1]}`;
      const known = byText.get(key);
      if (known !== undefined && known !== pattern) expect({ key, pattern }).toEqual({ key, pattern: known });
      byText.set(key, pattern);
    }
    expect(byText.size).toBeGreaterThan(15_000);
  });
});
