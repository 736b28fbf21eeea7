import { describe, expect, it } from 'vitest';
import { generateDuplicates } from '../../bench/dedupe/generate-duplicates.js';
import {
  blockingWork,
  deriveBlockingRules,
  generateCandidatePairs,
  keyTerms,
  type ListedRules,
} from '../../src/dedupe/model/blocking-plan.js';
import { matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import { PreparedRecords } from '../../src/dedupe/model/prepared-records.js';
import { nextWorkerMessage, startWorkerThread } from '../../src/store/worker-thread.js';

describe('the blocking thread', () => {
  it('fills the columns of rules whose terms are keyed only later, then lists the pairs of every rule', async () => {
    const data = generateDuplicates(2000, { seed: 3 });
    const rules = matchingRulesSchema.parse({
      fields: ['name', 'email', 'phone', 'birthday', 'city', 'address'].map((field) => ({
        field,
        comparator: field === 'city' ? 'text' : field === 'birthday' ? 'date' : field,
      })),
    });
    const columns = new Map(
      ['name', 'email', 'phone', 'birthday', 'city', 'address'].map((field) => [
        field,
        data.records.map((r) => (r as unknown as Record<string, string | null>)[field] ?? null),
      ]),
    );
    const records = new PreparedRecords(
      data.records.map((_, i) => `r${i}`),
      rules.fields,
      columns,
    );
    const blocking = deriveBlockingRules(records, 400);
    expect(blocking.length).toBeGreaterThan(2);
    const { work, terms } = blockingWork(records, blocking, 400, true);
    const worker = startWorkerThread(
      new URL('../../src/dedupe/model/blocking-plan.ts', import.meta.url).href,
      'list-pairs-worker',
      work,
    );
    try {
      const filled = nextWorkerMessage<{ filled?: true; error?: string }>(worker, 'the blocking thread');
      // Nothing is keyed yet: the thread takes the first rule and waits for its terms.
      for (let waited = 0; Atomics.load(work.next, 0) === 0; waited += 20) {
        if (waited > 20_000) throw new Error('the blocking thread took no rule');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(Atomics.load(work.next, 0)).toBe(1);
      keyTerms(records, terms, work);
      expect(await filled).toEqual({ filled: true });
      // This thread filled nothing: every column is the thread's.
      expect(Atomics.load(work.next, 0)).toBeGreaterThanOrEqual(work.width);
      const reply = nextWorkerMessage<ListedRules>(worker, 'the blocking thread');
      worker.postMessage({ list: true });
      const listed = await reply;
      expect(listed.segments.map(([rule]) => rule)).toEqual(blocking.map((_, r) => r));
      const one = generateCandidatePairs(records, blocking, 400);
      expect(one.count).toBeGreaterThan(1000);
      expect(listed.a.length).toBe(one.count);
      expect([...listed.a]).toEqual([...one.a]);
      expect([...listed.b]).toEqual([...one.b]);
      expect([...listed.rulesMatched]).toEqual([...one.rulesMatched]);
    } finally {
      await worker.terminate();
    }
  });
});
