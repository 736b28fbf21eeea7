import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateDuplicates, generateRegister } from '../../bench/dedupe/generate-duplicates.js';
import { pairKey, readTruePairs } from '../../bench/dedupe/linkage-truth.js';
import { findDuplicates } from '../../src/dedupe/find-duplicates.js';
import {
  deriveBlockingRules,
  generateCandidatePairs,
  generateCandidatePairsOnThreads,
} from '../../src/dedupe/model/blocking-plan.js';
import {
  compareCandidatePairs,
  LEVEL_TABLE_MAX_VALUES,
  measureFieldCosts,
  splitByCost,
} from '../../src/dedupe/model/compare-candidate-pairs.js';
import type { ContactState } from '../../src/domain/contact/contact-fields.js';
import { DEFAULT_MATCHING_RULES, matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import { identifiersDiffer } from '../../src/dedupe/model/pair-band.js';
import { PreparedRecords } from '../../src/dedupe/model/prepared-records.js';
import { levelWeights, matchWeight, trainModel } from '../../src/dedupe/model/fellegi-sunter-model.js';
import { scorePairs } from '../../src/dedupe/model/score-pairs.js';

const LINKAGE = '../shared/data/linkage';

describe('first and last names swapped', () => {
  it('agree as an alias through the other half of the name, and only when both halves cross', () => {
    const rules = matchingRulesSchema.parse({
      fields: [
        { field: 'first_name', comparator: 'name' },
        { field: 'last_name', comparator: 'name' },
      ],
    });
    const columns = new Map([
      ['first_name', ['Isla', 'Hall', 'Thomas', 'Gabriel', '伟']],
      ['last_name', ['Hall', 'Isla', 'Gabriel', 'Thomass', '张']],
    ]);
    const records = new PreparedRecords(['a', 'b', 'c', 'd', 'e'], rules.fields, columns);
    const [first, last] = records.fields;
    expect([first!.compare(0, 1), last!.compare(0, 1)]).toEqual([1, 1]);
    expect([first!.compare(2, 3), last!.compare(2, 3)]).toEqual([2, 2]);
    // Only one half crossing (a shared "Thomas"/"Hall") is not a swap.
    expect(first!.compare(0, 2)).toBe(4);
  });
});

describe('matching rules', () => {
  it('names the path of every mistake', () => {
    const result = matchingRulesSchema.safeParse({
      fields: [
        { field: 'name', comparator: 'name' },
        { field: 'name', comparator: 'text' },
      ],
      blocking: [['email']],
      thresholds: { match: 0.5, review: 0.9 },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['fields.1.field', 'blocking.0.0', 'thresholds']));
  });
  it('accepts every blocking term variant on a compared field, and no other', () => {
    const fields = [
      { field: 'first_name', comparator: 'name' },
      { field: 'last_name', comparator: 'name' },
      { field: 'address', comparator: 'address' },
    ];
    const ok = matchingRulesSchema.safeParse({
      fields,
      blocking: [['address:street'], ['first_name:halves'], ['last_name:phonetic', 'address']],
    });
    expect(ok.success).toBe(true);
    const bad = matchingRulesSchema.safeParse({
      fields,
      blocking: [['address:street'], ['address:soundex']],
    });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['blocking.1.0']);
  });
});

describe('detection on labelled public data (FEBRL 1)', () => {
  // The data lives beside the project (../shared), not in it; a clone elsewhere has no copy to read.
  it.skipIf(!existsSync(`${LINKAGE}/febrl1.csv`))(
    'finds the true pairs with the fixed bench configuration',
    async () => {
      const rows = parse(readFileSync(`${LINKAGE}/febrl1.csv`), {
        columns: (h: string[]) => h.map((x) => x.trim()),
        trim: true,
      }) as Record<string, string>[];
      const rules = matchingRulesSchema.parse(
        JSON.parse(readFileSync('bench/dedupe/febrl.rules.json', 'utf8')),
      );
      const mapping = JSON.parse(readFileSync('bench/dedupe/febrl.mapping.json', 'utf8')) as Record<
        string,
        string
      >;
      const columns = new Map<string, string[]>();
      for (const [column, target] of Object.entries(mapping)) {
        if (target !== 'identity.external_id')
          columns.set(
            target,
            rows.map((r) => r[column] ?? ''),
          );
      }
      const ids = rows.map((r) => r.rec_id!);
      const result = await findDuplicates(new PreparedRecords(ids, rules.fields, columns), rules);
      const truth = readTruePairs(`${LINKAGE}/truth/febrl1_true_pairs.csv`);
      const found = result.pairs.filter((p) => p.band === 'match').map((p) => pairKey(ids[p.a]!, ids[p.b]!));
      const truePositives = found.filter((f) => truth.has(f)).length;
      const precision = truePositives / found.length;
      const recall = truePositives / truth.size;
      expect(precision).toBeGreaterThanOrEqual(0.99);
      expect(recall).toBeGreaterThanOrEqual(0.99);
      expect(result.compared).toBeLessThan((ids.length * (ids.length - 1)) / 2 / 10);
      // The guard passed what EM learnt.
      expect(result.model.check?.fallback).toBeNull();
    },
  );
});

describe('a small store of common names and no duplicates', () => {
  // 130 customers under 20 common names, each with their own phone and a numbered e-mail
  // (zhangwei7@…): the model can learn "same name, similar e-mail" as its match class.
  const PEOPLE = [
    ['张伟', 'zhangwei'],
    ['王芳', 'wangfang'],
    ['李娜', 'lina'],
    ['刘洋', 'liuyang'],
    ['陈静', 'chenjing'],
    ['杨磊', 'yanglei'],
    ['赵敏', 'zhaomin'],
    ['黄勇', 'huangyong'],
    ['周杰', 'zhoujie'],
    ['吴霞', 'wuxia'],
    ['徐强', 'xuqiang'],
    ['孙丽', 'sunli'],
    ['马超', 'machao'],
    ['朱琳', 'zhulin'],
    ['胡军', 'hujun'],
    ['郭燕', 'guoyan'],
    ['何平', 'heping'],
    ['高峰', 'gaofeng'],
    ['林红', 'linhong'],
    ['罗斌', 'luobin'],
  ] as const;
  const names: string[] = [];
  const emails: string[] = [];
  const phones: string[] = [];
  for (let i = 0; i < 130; i++) {
    const [name, pinyin] = PEOPLE[i % PEOPLE.length]!;
    names.push(name);
    emails.push(`${pinyin}${i}@example.com`);
    phones.push(`+86139${String(10_000_000 + i * 7919).slice(-8)}`);
  }
  // The default rules, as a new store has them: the fields not given are empty.
  const rules = DEFAULT_MATCHING_RULES;
  const ids = names.map((_, i) => `c${i}`);

  it('merges no one automatically: their phones differ', async () => {
    const columns = new Map([
      ['name', names],
      ['email', emails],
      ['phone', phones],
    ]);
    const result = await findDuplicates(new PreparedRecords(ids, rules.fields, columns), rules);
    expect(result.pairs.filter((p) => p.band === 'match')).toEqual([]);
    expect(result.clusters).toEqual([]);
  });
});

describe('timing fields before the compare split', () => {
  it.each([0, 1, 999, 1_000, 20_001])('times %i pairs within the list, each field once', (count) => {
    const rules = matchingRulesSchema.parse({
      fields: [
        { field: 'city', comparator: 'text' },
        { field: 'email', comparator: 'email' },
      ],
    });
    const cities = ['Leeds', 'York', 'Hull'];
    const records = new PreparedRecords(
      ['r0', 'r1', 'r2', 'r3'],
      rules.fields,
      new Map([
        ['city', [0, 1, 2, 3].map((i) => cities[i % 3]!)],
        ['email', ['a@x.org', null, 'b@x.org', 'a@x.org']],
      ]),
    );
    // Pairs read past the end would be undefined records and throw in the comparators.
    const a = Int32Array.from({ length: count }, (_, p) => p % 3);
    const b = Int32Array.from({ length: count }, (_, p) => 1 + (p % 3));
    const costs = measureFieldCosts(records.fields, { a, b, count });
    expect(costs).toHaveLength(2);
    for (const cost of costs) expect(cost).toBeGreaterThanOrEqual(0);
  });
});

describe('comparing on a worker thread', () => {
  it('fills the same levels as comparing in-process, name halves and several e-mails included', async () => {
    const data = generateDuplicates(4000, { seed: 5 });
    const rules = matchingRulesSchema.parse({
      fields: [
        { field: 'first_name', comparator: 'name' },
        { field: 'last_name', comparator: 'name' },
        { field: 'email', comparator: 'email' },
        { field: 'phone', comparator: 'phone' },
        { field: 'birthday', comparator: 'date' },
        { field: 'city', comparator: 'text' },
        { field: 'address', comparator: 'address' },
      ],
    });
    const column = (pick: (s: ContactState) => string | string[] | null) => data.records.map(pick);
    const columns = new Map<string, (string | string[] | null)[]>([
      // Halves swapped on every fifth record, so swapped-name levels are exercised.
      ['first_name', data.records.map((s, i) => (i % 5 === 0 ? s.last_name : s.first_name))],
      ['last_name', data.records.map((s, i) => (i % 5 === 0 ? s.first_name : s.last_name))],
      ['email', column((s) => (s.email ? [s.email, `${s.email}.alt`] : null))],
      ['phone', column((s) => s.phone)],
      ['birthday', column((s) => s.birthday)],
      ['city', column((s) => s.city)],
      ['address', column((s) => s.address)],
    ]);
    const records = new PreparedRecords(
      data.records.map((_, i) => `r${i}`),
      rules.fields,
      columns,
    );
    const blocking = deriveBlockingRules(records, 400);
    const pairs = generateCandidatePairs(records, blocking, 400);
    expect(pairs.count).toBeGreaterThan(10_000);
    // Listed on two threads (each taking rules as they come): the same pairs in the same order.
    const changed = new Uint8Array(records.size).map((_, i) => (i % 3 === 0 ? 1 : 0));
    for (const only of [undefined, changed]) {
      const one = only ? generateCandidatePairs(records, blocking, 400, only) : pairs;
      const two = await generateCandidatePairsOnThreads(records, blocking, 400, {
        changed: only,
        threadMinRecords: 0,
      });
      expect(two.count).toBe(one.count);
      expect([...two.a]).toEqual([...one.a]);
      expect([...two.b]).toEqual([...one.b]);
      expect([...two.rulesMatched]).toEqual([...one.rulesMatched]);
    }
    const comparedHere = await compareCandidatePairs(records, pairs, { sampleRandomPairs: true });
    const comparedThreaded = await compareCandidatePairs(records, pairs, {
      thread: true,
      threadMinPairs: 0,
      sampleRandomPairs: true,
    });
    const here = comparedHere.gamma;
    const threaded = comparedThreaded.gamma;
    // The thread's share in small units, many of them taken by this thread: the same levels.
    const inUnits = await compareCandidatePairs(records, pairs, {
      thread: true,
      threadMinPairs: 0,
      sampleRandomPairs: true,
      chunk: 997,
    });
    expect(Buffer.from(inUnits.gamma.buffer).equals(Buffer.from(here.buffer))).toBe(true);
    expect(inUnits.randomPairLevels).toEqual(comparedHere.randomPairLevels);
    // Each field's random pairs are sampled the same on either thread, and are what training samples.
    expect(comparedThreaded.randomPairLevels).toEqual(comparedHere.randomPairLevels);
    expect(comparedHere.randomPairLevels!.every((l) => l.sampled > 1000)).toBe(true);
    expect(trainModel(records, pairs, here, undefined, comparedThreaded.randomPairLevels!)).toEqual(
      trainModel(records, pairs, here),
    );
    expect((await compareCandidatePairs(records, pairs)).randomPairLevels).toBeNull();
    expect(threaded.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(threaded.buffer).equals(Buffer.from(here.buffer))).toBe(true);
    // Every level occurs somewhere, so the comparison is not trivially equal.
    expect(new Set(here).size).toBeGreaterThan(4);
    // Fields of few values are compared once per pair of values (a table): the same levels pair by pair.
    const width = records.fields.length;
    const tabled = records.fields.filter(
      (f) => f.sharedValues && f.extras === null && f.sharedValues.distinct.length <= LEVEL_TABLE_MAX_VALUES,
    );
    expect(tabled.map((f) => f.rule.field)).toContain('city');
    for (let p = 0; p < pairs.count; p++) {
      for (let k = 0; k < width; k++) {
        const level = records.fields[k]!.compare(pairs.a[p]!, pairs.b[p]!);
        if (here[p * width + k] !== level) expect([p, k, here[p * width + k]]).toEqual([p, k, level]);
      }
    }
    // Scored all at once as pair by pair, term-frequency adjustment included.
    const model = trainModel(records, pairs, here);
    const weights = levelWeights(model);
    const scores = await scorePairs(model, records, {
      a: pairs.a,
      b: pairs.b,
      gamma: here,
      count: pairs.count,
    });
    // Half of them on a thread: the same scores.
    const threadedScores = await scorePairs(
      model,
      records,
      { a: pairs.a, b: pairs.b, gamma: threaded, count: pairs.count },
      { thread: true, threadMinPairs: 0 },
    );
    expect(threadedScores.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The thread read the term-frequency shares in place, not a copy.
    expect(records.fields[0]!.keyShare.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...threadedScores]).toEqual([...scores]);
    const one = new Float32Array(1);
    for (let p = 0; p < pairs.count; p++) {
      one[0] = matchWeight(model, weights, records, here, pairs.a[p]!, pairs.b[p]!, p * 7);
      if (scores[p] !== one[0]) expect({ pair: p, score: scores[p] }).toEqual({ pair: p, score: one[0] });
    }
    expect(new Set(scores).size).toBeGreaterThan(100);
    // Costs as once measured on the scale benchmark: name 12, e-mail 9, phone and date 5, text 3, address 11.
    const measured = [12, 12, 9, 5, 5, 3, 11];
    const [own, theirs] = splitByCost(records, measured);
    expect([...own, ...theirs].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(theirs.includes(0)).toBe(theirs.includes(1));
    // The slower side is as fast as a split can make it (57 in all: 29 against 28).
    const side = (group: number[]) => group.reduce((sum, k) => sum + measured[k]!, 0);
    expect(Math.max(side(own), side(theirs))).toBe(29);
    // This thread takes over what the thread has not reached, never the other way: the thread's share is
    // at least half (names and the three small fields, 13 of 25, rather than 12 that leave this thread 13).
    const uneven = [5, 5, 6, 6, 1, 1, 1];
    const [, threads] = splitByCost(records, uneven);
    expect(threads.reduce((sum, k) => sum + uneven[k]!, 0)).toBeGreaterThanOrEqual(25 / 2);
    // Costs measured on the pairs themselves; one costly field alone is the thread's when that is fastest.
    const costs = measureFieldCosts(records.fields, pairs);
    expect(costs).toHaveLength(7);
    expect(costs.every((c) => c >= 0)).toBe(true);
    const [mine, thread] = splitByCost(records, [1, 1, 1, 1, 1, 1, 9]);
    expect(thread).toEqual([6]);
    expect(mine).toEqual(expect.arrayContaining([0, 1]));
    // Two splits as fast: the thread takes the names (fewer distinct values to copy), not the e-mails.
    expect(records.fields[0]!.sharedValues!.distinct.length).toBeLessThan(records.fields[2]!.nonEmpty / 2);
    const [, names] = splitByCost(records, [5, 5, 10, 1, 1, 1, 1]);
    expect(names).toEqual(expect.arrayContaining([0, 1]));
    expect(names).not.toContain(2);
  });
});

describe('band thresholds', () => {
  const data = generateDuplicates(3000, { seed: 9 });
  const rules = matchingRulesSchema.parse({
    fields: ['name', 'email', 'phone', 'birthday', 'city', 'address'].map((field) => ({
      field,
      comparator: field === 'city' ? 'text' : field === 'birthday' ? 'date' : field,
    })),
  });
  const records = new PreparedRecords(
    data.records.map((_, i) => `r${i}`),
    rules.fields,
    new Map(
      rules.fields.map((f) => [
        f.field,
        data.records.map((s) => s[f.field as 'name' | 'email' | 'phone' | 'birthday' | 'city' | 'address']),
      ]),
    ),
  );

  it('derives them from the model, keeps them with it, and bands pairs by them', async () => {
    const result = await findDuplicates(records, rules);
    const { match, review } = result.thresholds;
    expect(result.model.thresholds).toEqual(result.thresholds);
    expect(match).toBeGreaterThanOrEqual(0.5);
    expect(match).toBeLessThanOrEqual(0.99);
    expect(review).toBeLessThanOrEqual(match);
    for (const pair of result.pairs) {
      expect(pair.probability).toBeGreaterThanOrEqual(review);
      // Wholly different phones or e-mails keep a pair out of the match band whatever its score.
      const differ = identifiersDiffer(records.fields, pair.levels);
      expect(pair.band).toBe(pair.probability >= match && !differ ? 'match' : 'review');
    }
    // An incremental scan reuses the model and with it the bands.
    const changed = new Uint8Array(records.size);
    changed[records.size - 1] = 1;
    const again = await findDuplicates(records, rules, { model: result.model, changed });
    expect(again.thresholds).toEqual(result.thresholds);
  });

  it('takes the rules thresholds when they are set', async () => {
    const result = await findDuplicates(records, { ...rules, thresholds: { match: 0.999, review: 0.9 } });
    expect(result.thresholds).toEqual({ match: 0.999, review: 0.9 });
    // Pairs inside a cluster are kept whatever their score (the weakest is why a cluster needs review).
    const clusterOf = new Map(result.clusters.flatMap((c, k) => c.members.map((m) => [m, k])));
    const inCluster = (a: number, b: number) =>
      clusterOf.get(a) !== undefined && clusterOf.get(a) === clusterOf.get(b);
    expect(result.pairs.every((p) => p.probability >= 0.9 || inCluster(p.a, p.b))).toBe(true);
    for (const c of result.clusters) {
      const n = c.members.length;
      expect(
        result.pairs.filter((p) => inCluster(p.a, p.b) && clusterOf.get(p.a) === result.clusters.indexOf(c))
          .length,
      ).toBe((n * (n - 1)) / 2);
      expect(result.pairs.some((p) => p.a === c.weakest.a && p.b === c.weakest.b)).toBe(true);
    }
  });
});

describe('clusters on the register profile (many people sharing a name, 1–20 records each)', () => {
  it('are at least as good as the match pairs, and more precise', async () => {
    const { rows, entity } = generateRegister(4000, { seed: 7 });
    const rules = matchingRulesSchema.parse(
      JSON.parse(readFileSync('bench/dedupe/register.rules.json', 'utf8')),
    );
    const column = (k: number) => rows.map((r) => r[k]!);
    const columns = new Map<string, string[]>([
      ['name', rows.map((r) => `${r[1]} ${r[2]}`.trim())],
      ['first_name', column(1)],
      ['last_name', column(2)],
      ['attr.dob', column(3)],
      ['city', column(4)],
      ['postcode', column(5)],
      ['gender', column(6)],
      ['attr.occupation', column(7)],
    ]);
    const ids = rows.map((r) => r[0]!);
    const result = await findDuplicates(new PreparedRecords(ids, rules.fields, columns), rules);
    let truePairs = 0;
    const sizes = new Map<number, number>();
    for (const e of entity) sizes.set(e, (sizes.get(e) ?? 0) + 1);
    for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
    const score = (pairs: [number, number][]) => {
      const tp = pairs.filter(([a, b]) => entity[a] === entity[b]).length;
      const precision = tp / pairs.length;
      const recall = tp / truePairs;
      return { precision, f1: (2 * precision * recall) / (precision + recall) };
    };
    const match = score(result.pairs.filter((p) => p.band === 'match').map((p) => [p.a, p.b]));
    const inClusters: [number, number][] = [];
    for (const { members } of result.clusters)
      for (let i = 0; i < members.length; i++)
        for (let j = i + 1; j < members.length; j++) inClusters.push([members[i]!, members[j]!]);
    const clusters = score(inClusters);
    expect(clusters.f1).toBeGreaterThanOrEqual(match.f1 - 0.01);
    expect(clusters.precision).toBeGreaterThanOrEqual(match.precision);
  });
});
