import { describe, expect, it } from 'vitest';
import { generateDuplicates } from '../../bench/dedupe/generate-duplicates.js';
import { deriveBlockingRules, generateCandidatePairs } from '../../src/dedupe/model/blocking-plan.js';
import { matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import {
  PreparedFieldBuilder,
  PreparedRecords,
  prepareColumn,
} from '../../src/dedupe/model/prepared-records.js';

const nameRule = { field: 'name', comparator: 'name' as const };
const emailRule = { field: 'email', comparator: 'email' as const };

describe('fields prepared as values are read', () => {
  it('gives each record its first value that prepares, the rest as further values', () => {
    const builder = new PreparedFieldBuilder(emailRule);
    // Record 0: an empty first value, then two addresses; record 2: one; records 1 and 3: none.
    builder.add(0, '   ');
    builder.add(0, 'Ann@Example.com');
    builder.add(0, 'ann.b@example.com');
    builder.add(2, 'bo@example.com');
    const field = builder.finish(4);
    expect(field.values.map((v) => (v as { address: string } | null)?.address ?? null)).toEqual([
      'ann@example.com',
      null,
      'bo@example.com',
      null,
    ]);
    expect(field.extras?.[0]?.map((v) => (v as { address: string }).address)).toEqual(['ann.b@example.com']);
    expect(field.extras?.[2]).toBeUndefined();
    expect(field.nonEmpty).toBe(2);
  });

  it('prepares a column the same as the builder fed value by value', () => {
    const column = ['Wang Wei', null, 'wang wei', ['Li Na', 'Lina'], '', 'Wang Wei', '王伟'];
    const byColumn = prepareColumn(nameRule, column);
    const builder = new PreparedFieldBuilder(nameRule);
    column.forEach((cell, i) => {
      if (cell === null) return;
      for (const raw of typeof cell === 'string' ? [cell] : cell) builder.add(i, raw);
    });
    const fed = builder.finish(column.length);
    expect(fed.values).toEqual(byColumn.values);
    expect(fed.extras).toEqual(byColumn.extras);
    expect(fed.exactAgreementRate).toBe(byColumn.exactAgreementRate);
    expect([...fed.keyShare]).toEqual([...byColumn.keyShare]);
  });

  it('shares one prepared value among records with the same text, numbered per record', () => {
    const field = prepareColumn(nameRule, ['Wang Wei', null, 'Li Na', 'Wang Wei', '', 'Li Na', 'wang wei']);
    const shared = field.sharedValues!;
    expect(shared).not.toBeNull();
    expect([...shared.numbers]).toEqual([0, -1, 1, 0, -1, 1, 3]);
    // "" does not prepare: it is numbered (2) but no record holds it.
    expect(shared.distinct[2]).toBeNull();
    expect(field.values[0]).toBe(field.values[3]);
    field.values.forEach((value, i) =>
      expect(value).toBe(shared.numbers[i]! < 0 ? null : shared.distinct[shared.numbers[i]!]),
    );
  });

  it('stops sharing on a column of mostly distinct values (e-mails), where it would only cost', () => {
    const field = prepareColumn(
      emailRule,
      Array.from({ length: 25_000 }, (_, i) => `person${i}@example.com`),
    );
    expect(field.sharedValues).toBeNull();
    expect(field.nonEmpty).toBe(25_000);
  });

  it('blocks records the same through shared values as record by record', () => {
    const data = generateDuplicates(4000, { seed: 5 });
    const rules = matchingRulesSchema.parse({
      fields: ['name', 'email', 'phone', 'birthday', 'city', 'address'].map((field) => ({
        field,
        comparator: field === 'city' ? 'text' : field === 'birthday' ? 'date' : field,
      })),
    });
    const prepare = () =>
      new PreparedRecords(
        data.records.map((_, i) => `r${i}`),
        rules.fields,
        new Map(
          rules.fields.map((f) => [
            f.field,
            data.records.map(
              (s) => s[f.field as 'name' | 'email' | 'phone' | 'birthday' | 'city' | 'address'],
            ),
          ]),
        ),
      );
    const shared = prepare();
    const plain = prepare();
    for (const field of plain.fields) field.sharedValues = null;
    expect(shared.fields.filter((f) => f.sharedValues).map((f) => f.rule.field)).toEqual(
      expect.arrayContaining(['name', 'birthday', 'city']),
    );
    const rulesShared = deriveBlockingRules(shared, 400);
    expect(deriveBlockingRules(plain, 400)).toEqual(rulesShared);
    const a = generateCandidatePairs(shared, rulesShared, 400);
    const b = generateCandidatePairs(plain, rulesShared, 400);
    expect(a.count).toBeGreaterThan(1000);
    expect(a.count).toBe(b.count);
    expect(Buffer.from(a.a.buffer, a.a.byteOffset, a.count * 4)).toEqual(
      Buffer.from(b.a.buffer, b.a.byteOffset, b.count * 4),
    );
    expect(Buffer.from(a.b.buffer, a.b.byteOffset, a.count * 4)).toEqual(
      Buffer.from(b.b.buffer, b.b.byteOffset, b.count * 4),
    );
    expect([...a.rulesMatched]).toEqual([...b.rulesMatched]);
    // Each pair's matched rules, found independently: its records' keys joined as text, per rule.
    const keysOf = (terms: string[]) => {
      const parts = terms.map((t) => plain.blockingTerm(t)!);
      const keys = data.records.map((_, i) => {
        const values = parts.map((part) => part(i));
        return values.includes(null) ? null : values.join('\u0001');
      });
      const sizes = new Map<string, number>();
      for (const key of keys) if (key !== null) sizes.set(key, (sizes.get(key) ?? 0) + 1);
      return keys.map((key) => (key !== null && sizes.get(key)! <= 400 ? key : null));
    };
    const ruleKeys = a.rules.map((rule) => keysOf(rule.fields));
    let several = 0;
    for (let p = 0; p < a.count; p++) {
      let mask = 0;
      ruleKeys.forEach((keys, r) => {
        if (keys[a.a[p]!] !== null && keys[a.a[p]!] === keys[a.b[p]!]) mask |= 1 << r;
      });
      if (mask !== a.rulesMatched[p]) expect({ pair: p, mask: a.rulesMatched[p] }).toEqual({ pair: p, mask });
      if ((mask & (mask - 1)) !== 0) several++;
    }
    // Many pairs agree on more than one rule, so the later rules' bits are exercised.
    expect(several).toBeGreaterThan(100);
  });
});
