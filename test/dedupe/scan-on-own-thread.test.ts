import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDuplicates } from '../../bench/dedupe/generate-duplicates.js';
import { insertContactsBulk, type NewContact } from '../../src/contacts/contact-repository.js';
import type { Actor } from '../../src/domain/actor.js';
import { newId } from '../../src/domain/ids.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'system' };

/** This process's threads at a lower OS priority (nice ≥ 10), by id (/proc/self/task/<tid>/stat; Linux). */
function nicedThreads(): Set<string> {
  if (!fs.existsSync('/proc/self/task')) return new Set();
  return new Set(
    fs.readdirSync('/proc/self/task').filter((tid) => {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) >= 10;
      } catch {
        return false; // a thread that ended meanwhile
      }
    }),
  );
}

/** The longest the event loop went without running a 5 ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

describe('a scan on a thread of its own', () => {
  let kith: TestKith;
  const data = generateDuplicates(30_000, { seed: 3 });

  beforeAll(async () => {
    kith = await createTestKith();
    const contacts: NewContact[] = data.records.map((state) => ({ id: newId('contact'), state }));
    for (let k = 0; k < contacts.length; k += 2000) {
      await kith.store.db
        .transaction()
        .execute((trx) =>
          insertContactsBulk(trx, contacts.slice(k, k + 2000), { at: new Date().toISOString(), by: null }),
        );
    }
  }, 120_000);
  afterAll(async () => kith?.destroy());

  it('finds what a scan here finds, while this thread goes on answering', async () => {
    let here: Awaited<ReturnType<TestKith['duplicateScans']['scan']>> | undefined;
    const stalledHere = await longestStall(async () => (here = await kith.duplicateScans.scan({ actor })));
    const stages: string[] = [];
    let there: typeof here;
    const nicedBefore = nicedThreads();
    let nicedDuring: string[] = [];
    const stalledThere = await longestStall(
      async () =>
        (there = await kith.duplicateScans.scanOnOwnThread({
          actor,
          onStage: (stage) => {
            stages.push(stage);
            // The scan's thread yields the cores to requests: a lower OS priority (Linux).
            if (stage === 'compare') nicedDuring = [...nicedThreads()].filter((t) => !nicedBefore.has(t));
          },
        })),
    );
    if (fs.existsSync('/proc/self/task')) expect(nicedDuring.length).toBeGreaterThanOrEqual(1);
    expect(there!.contacts).toBe(30_000);
    expect(there!.match_pairs).toBeGreaterThan(1000);
    for (const key of ['compared', 'pairs', 'match_pairs', 'review_pairs', 'clusters'] as const) {
      expect(there![key]).toBe(here![key]);
    }
    expect(stages).toEqual(['load', 'block', 'compare', 'train', 'score', 'cluster', 'save']);
    // Here the scan held this thread for most of its run; there, timers kept running.
    expect(stalledHere).toBeGreaterThan(250);
    expect(stalledThere).toBeLessThan(stalledHere / 3);
    // The thread's scan is the one stored and listed.
    expect((await kith.duplicateScans.listScans())[0]!.id).toBe(there!.scan_id);
  }, 120_000);
});
