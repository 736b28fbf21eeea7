import { describe, expect, it } from 'vitest';
import { generateDuplicates } from '../../bench/dedupe/generate-duplicates.js';
import { DEFAULT_MATCHING_RULES, type FieldRule } from '../../src/dedupe/model/matching-rules.js';
import { PreparedField, prepareColumn } from '../../src/dedupe/model/prepared-records.js';
import { FieldPreparation, fieldsToPrepareOnThread } from '../../src/dedupe/scan/field-preparation.js';

// The rules every scan uses until an administrator sets others.
const RULES = DEFAULT_MATCHING_RULES.fields;

type Options = ConstructorParameters<typeof FieldPreparation>[1];

/** Feeds generated records to a preparation as `readDedupeValues` would: row by row, then e-mails. */
async function prepare(thread: boolean, threadFrom: number, more: Partial<Options> = {}) {
  const { records } = generateDuplicates(3_000, { seed: 7 });
  const preparation = new FieldPreparation(RULES, { thread, threadFrom, ...more });
  records.forEach((record, i) => {
    const row = record as unknown as Record<string, string | null>;
    RULES.forEach((rule, k) => {
      if (rule.field === 'email') return;
      const raw = row[rule.field];
      if (raw) preparation.add(k, i, raw);
    });
  });
  // A side table's values come field by field, some records with two.
  records.forEach((record, i) => {
    const email = record.email;
    if (email) preparation.add(1, i, email);
    if (email && i % 7 === 0) preparation.add(1, i, `second.${email}`);
  });
  return preparation.finish(records.length);
}

function summary(field: PreparedField) {
  return {
    values: field.values,
    extras: field.extras,
    shared: field.sharedValues
      ? { distinct: field.sharedValues.distinct, numbers: [...field.sharedValues.numbers] }
      : null,
    keyShare: [...field.keyShare],
    nonEmpty: field.nonEmpty,
    exactAgreementRate: field.exactAgreementRate,
  };
}

describe('fields prepared on two threads', () => {
  it('sends the costly fields whose values repeat, keeps e-mails and phones where they are read', () => {
    expect(fieldsToPrepareOnThread(RULES).map((k) => RULES[k]!.field)).toEqual([
      'name',
      'birthday',
      'city',
      'address',
      'company',
    ]);
    // One cheap field is not worth a thread's share of the work.
    expect(fieldsToPrepareOnThread([{ field: 'email', comparator: 'email' }])).toEqual([]);
  });

  it('gives the same prepared fields as preparing everything where it is read', async () => {
    const here = await prepare(false, 0);
    const onThread = await prepare(true, 500);
    expect(onThread).toHaveLength(RULES.length);
    onThread.forEach((field, k) => expect(summary(field), RULES[k]!.field).toEqual(summary(here[k]!)));
    // The text comparator's word rarity was learnt from the whole column on this side.
    expect((onThread[5]!.values.find((v) => v !== null) as { rarity?: unknown }).rarity).toBeDefined();
  });

  it('gives the same fields through batches of a few values, several values of a record across batches', async () => {
    const here = await prepare(false, 0);
    // The e-mails too (records with two of them), in batches of 7, the thread started at record 5:
    // values wait in a growing batch until then, and later ones cross batch boundaries.
    const small = await prepare(true, 5, { batch: 7, onThread: [0, 1, 3, 6] });
    small.forEach((field, k) => expect(summary(field), RULES[k]!.field).toEqual(summary(here[k]!)));
    expect(here[1]!.extras?.some((more) => more !== undefined)).toBe(true);
  });

  it('reports a failure on the thread instead of fields with values missing', async () => {
    // A comparator the thread cannot run: its first batch fails, and the later ones are not prepared.
    const broken: FieldRule[] = [{ field: 'name', comparator: 'no-such' as 'name' }];
    const preparation = new FieldPreparation(broken, {
      thread: true,
      threadFrom: 0,
      batch: 4,
      onThread: [0],
    });
    for (let i = 0; i < 20; i++) preparation.add(0, i, `Name ${i}`);
    await expect(preparation.finish(20)).rejects.toThrow(/preparing the fields failed/);
  });

  it('stops the thread when the reading fails before finishing', async () => {
    const preparation = new FieldPreparation(RULES, { thread: true, threadFrom: 0, batch: 4 });
    for (let i = 0; i < 20; i++) preparation.add(0, i, `Name ${i}`);
    const worker = (preparation as unknown as { worker: import('node:worker_threads').Worker }).worker;
    expect(worker).not.toBeNull();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await preparation.dispose();
    await exited;
  });

  it('prepares everything where it is read when the scan stays small', async () => {
    const small = await prepare(true, 1_000_000);
    const here = await prepare(false, 0);
    small.forEach((field, k) => expect(summary(field)).toEqual(summary(here[k]!)));
  });
});

describe('term-frequency shares of records that share values', () => {
  it('counts distinct values once each and gives the same shares as counting every record', () => {
    const column = ['Wang Wei', null, 'wang wei', 'Li Na', '', 'Wang  Wei', '王伟', 'Li Na', 'Zhang San'];
    const rule: FieldRule = { field: 'name', comparator: 'name' };
    const shared = prepareColumn(rule, column);
    expect(shared.sharedValues).not.toBeNull();
    const perRecord = new PreparedField(rule, shared.values, shared.extras, null);
    expect([...shared.keyShare]).toEqual([...perRecord.keyShare]);
    expect(shared.exactAgreementRate).toBe(perRecord.exactAgreementRate);
    expect(shared.nonEmpty).toBe(perRecord.nonEmpty);
    // "Wang Wei", "wang wei" and "Wang  Wei" are three texts with one key: the same share.
    expect(shared.keyShare[0]).toBe(shared.keyShare[2]);
    expect(shared.keyShare[0]).toBe(shared.keyShare[5]);
    expect(shared.keyShare[0]).toBeGreaterThan(shared.keyShare[3]!);
    expect(shared.keyShare[1]).toBe(0);
  });
});
