/**
 * Imports of overlapping files running at the same time (issue 14, item 2). On PostgreSQL each import
 * has a store of its own, as separate `kith` processes would, so their batches really interleave: one
 * import's new contact takes an e-mail the other is about to insert (a unique clash), and batches that
 * hold the same people in different orders can wait on each other crosswise (a deadlock). Every import must
 * still finish with every row accounted for, and every person must end up as exactly one contact.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactWriter } from '../../src/contacts/contact-writer.js';
import { ContactImportPipeline } from '../../src/imports/contact-import-pipeline.js';
import { IMPORT_JOB_KIND, type ImportRecord } from '../../src/imports/import-service.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { openKith } from '../../src/services.js';
import type { Store } from '../../src/store/database.js';
import { ADMIN, fixture, readFailureRows } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const ROWS_PER_FILE = 1500;
const BATCH_ROWS = 100;
/** A few seconds on an idle machine; room for a busy CI runner, where retries back off longer. */
const CONCURRENT_TIMEOUT_MS = 120_000;

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be repeated exactly. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const emailOf = (person: number) => `person${person}@overlap.example.com`;
const phoneOf = (person: number) => `+86139${String(10_000_000 + person)}`;

/**
 * One file per import: ROWS_PER_FILE people drawn from a shared pool, in an order of the file's own,
 * each with the same e-mail and phone in every file but a different name.
 */
function overlappingFiles(files: number, pool: { from: number; to: number }, seed: number) {
  const next = random(seed);
  const people = new Set<number>();
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const all = Array.from({ length: pool.to - pool.from }, (_, i) => pool.from + i);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const chosen = all.slice(0, ROWS_PER_FILE);
    for (const p of chosen) people.add(p);
    const lines = chosen.map((p) => `Person ${p} of file ${f},${emailOf(p)},${phoneOf(p)}`);
    paths.push(fixture(`overlap-${f}.csv`, `name,email,phone\n${lines.join('\n')}\n`));
  }
  return { paths, people };
}

describe(`concurrent imports of overlapping files on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  /** On PostgreSQL a store per import, like separate processes; SQLite's single writer is shared. */
  const stores: Store[] = [];
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await kith.destroy();
  });

  async function storeFor(): Promise<Store> {
    if (TEST_DIALECT !== 'postgres') return kith.store;
    const own = await openKith(kith.database.config);
    stores.push(own.store);
    return own.store;
  }

  async function importAtOnce(files: string[]): Promise<ImportRecord[]> {
    const started: ImportRecord[] = [];
    for (const file of files)
      started.push(
        await kith.imports.start(
          // A tag and a group too: every import adds the same tag and group rows to the same contacts.
          { filePath: file, fileName: path.basename(file), tags: ['Overlap'], group: 'Overlapping' },
          ADMIN,
        ),
      );
    const runners = await Promise.all(
      started.map(async () => {
        const store = await storeFor();
        const writer = new ContactWriter(store, kith.contacts.events, kith.contacts.references);
        const pipeline = new ContactImportPipeline(store, writer, kith.config, null, {
          batchRows: BATCH_ROWS,
        });
        return new JobRunner(store, {
          [IMPORT_JOB_KIND]: (ctx) => pipeline.run(ctx.job.subject_id, ctx),
        });
      }),
    );
    await Promise.all(runners.map((runner, i) => runner.runOnce({ subjectId: started[i]!.id })));
    return Promise.all(started.map((s) => kith.imports.get(s.id)));
  }

  /** Every person is one live contact holding both of their values; no value is on two contacts. */
  async function expectOneContactPerPerson(people: Set<number>) {
    const db = kith.store.db;
    const live = await db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(live.n)).toBe(people.size);
    for (const [table, valueOf] of [
      ['contact_emails', emailOf],
      ['contact_phones', phoneOf],
    ] as const) {
      const rows = await db
        .selectFrom(table)
        .innerJoin('contacts', 'contacts.id', `${table}.contact_id`)
        .select([`${table}.value as value`, `${table}.contact_id as contact_id`])
        .where(`${table}.deleted_at`, 'is', null)
        .where('contacts.deleted_at', 'is', null)
        .execute();
      expect(rows.length).toBe(people.size);
      expect(new Set(rows.map((r) => r.value))).toEqual(new Set([...people].map(valueOf)));
    }
    const emailOwner = new Map(
      (
        await db
          .selectFrom('contact_emails')
          .select(['value', 'contact_id'])
          .where('deleted_at', 'is', null)
          .execute()
      ).map((r) => [r.value, r.contact_id]),
    );
    const phones = await db
      .selectFrom('contact_phones')
      .select(['value', 'contact_id'])
      .where('deleted_at', 'is', null)
      .execute();
    const phoneOwner = new Map(phones.map((r) => [r.value, r.contact_id]));
    const split = [...people].filter((p) => emailOwner.get(emailOf(p)) !== phoneOwner.get(phoneOf(p)));
    expect(split).toEqual([]);
    const members = await db
      .selectFrom('contact_group_members')
      .innerJoin('contact_groups', 'contact_groups.id', 'contact_group_members.group_id')
      .select('contact_group_members.contact_id')
      .where('contact_groups.name', '=', 'Overlapping')
      .execute();
    expect(new Set(members.map((m) => m.contact_id))).toEqual(new Set(emailOwner.values()));
    const tagged = await db
      .selectFrom('contact_tags')
      .innerJoin('tags', 'tags.id', 'contact_tags.tag_id')
      .select('contact_tags.contact_id')
      .where('tags.name_key', '=', 'overlap')
      .execute();
    expect(tagged.length).toBe(people.size);
    expect(new Set(tagged.map((t) => t.contact_id))).toEqual(new Set(emailOwner.values()));
  }

  async function expectEveryRowAccountedFor(imports: ImportRecord[], people: Set<number>) {
    for (const r of imports) {
      expect({ id: r.id, status: r.status, error: r.error, rows: r.rows }).toEqual({
        id: r.id,
        status: 'completed',
        error: null,
        rows: ROWS_PER_FILE,
      });
      expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);
      // Every person has one e-mail and one phone in every file: nothing here is a row's own fault.
      expect(r.failed).toBe(0);
      const recorded = await kith.store.db
        .selectFrom('import_rows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('import_id', '=', r.id)
        .executeTakeFirstOrThrow();
      expect(Number(recorded.n)).toBe(r.rows);
    }
    // Each person was created by exactly one of the imports; every other row of theirs updated it.
    expect(imports.reduce((sum, r) => sum + r.created, 0)).toBe(people.size);
    const jobs = await kith.store.db
      .selectFrom('jobs')
      .select(['subject_id', 'state', 'last_error'])
      .where(
        'subject_id',
        'in',
        imports.map((r) => r.id),
      )
      .execute();
    expect(jobs.map((j) => j.state)).toEqual(imports.map(() => 'done'));
    expect(jobs.map((j) => j.last_error)).toEqual(imports.map(() => null));
  }

  it(
    'two imports sharing half of their people both finish, one contact per person',
    async () => {
      // A pool twice the file size: each file shares about half of its people with the other.
      const { paths, people } = overlappingFiles(2, { from: 0, to: 2 * ROWS_PER_FILE }, 1);
      const imports = await importAtOnce(paths);
      await expectEveryRowAccountedFor(imports, people);
      await expectOneContactPerPerson(people);
    },
    CONCURRENT_TIMEOUT_MS,
  );

  it(
    'four imports of heavily overlapping files, some people already known, all finish',
    async () => {
      // Half of this pool is people of the first test: their rows update contacts that existed before.
      const { paths, people } = overlappingFiles(4, { from: ROWS_PER_FILE, to: 4 * ROWS_PER_FILE }, 2);
      const known = new Set(
        (
          await kith.store.db
            .selectFrom('contact_emails')
            .select('value')
            .where('deleted_at', 'is', null)
            .execute()
        ).map((r) => Number(/^person(\d+)@/.exec(r.value)![1])),
      );
      const imports = await importAtOnce(paths);
      await expectEveryRowAccountedFor(imports, new Set([...people].filter((p) => !known.has(p))));
      await expectOneContactPerPerson(new Set([...people, ...known]));
    },
    CONCURRENT_TIMEOUT_MS,
  );
});

/**
 * Writes that keep failing, planted with triggers so that they fail every time: a value another writer
 * keeps taking (a real unique clash: the trigger inserts the value for another contact just before the
 * row's own insert), a deadlock (PostgreSQL only: SQLite has one writer at a time), and a failure that is
 * no row's fault.
 */
describe(`imports whose writes keep failing on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let blocker: string;
  const triggers: string[] = [];
  beforeAll(async () => {
    kith = await createTestKith();
    blocker = (await kith.contacts.create({ name: 'Blocker', email: 'blocker@planted.example.com' }, ADMIN))
      .id;
  });
  afterAll(async () => kith.destroy());

  /** A BEFORE INSERT trigger on `table` running `body` for rows whose value is `value`. */
  async function plantTrigger(table: 'contact_emails' | 'contact_phones', value: string, body: string) {
    const name = `planted_${triggers.length}`;
    triggers.push(name);
    if (TEST_DIALECT === 'postgres') {
      await sql
        .raw(
          `create function ${name}() returns trigger language plpgsql as $$
           begin
             if new.value = '${value}' and new.contact_id <> '${blocker}' then ${body}; end if;
             return new;
           end $$`,
        )
        .execute(kith.store.db);
      await sql
        .raw(`create trigger ${name} before insert on ${table} for each row execute function ${name}()`)
        .execute(kith.store.db);
    } else {
      await sql
        .raw(
          `create trigger ${name} before insert on ${table}
           when new.value = '${value}' and new.contact_id <> '${blocker}' begin ${body}; end`,
        )
        .execute(kith.store.db);
    }
  }

  async function runImport(lines: string[]): Promise<ImportRecord> {
    const file = fixture('planted.csv', `name,email,phone\n${lines.join('\n')}\n`);
    const started = await kith.imports.start({ filePath: file, fileName: 'planted.csv' }, ADMIN);
    const pipeline = new ContactImportPipeline(kith.store, kith.contacts.writer, kith.config, null, {
      batchRows: BATCH_ROWS,
    });
    await new JobRunner(kith.store, {
      [IMPORT_JOB_KIND]: (ctx) => pipeline.run(ctx.job.subject_id, ctx),
    }).runOnce({ subjectId: started.id });
    return kith.imports.get(started.id);
  }

  const jobOf = (importId: string) =>
    kith.store.db
      .selectFrom('jobs')
      .select(['state', 'last_error'])
      .where('subject_id', '=', importId)
      .executeTakeFirstOrThrow();

  it('fails only the rows that still collide after their retries, naming the value; the rest is written', async () => {
    const clash = 'clash@planted.example.com';
    await plantTrigger(
      'contact_emails',
      clash,
      `insert into contact_emails (id, contact_id, value, is_primary, position, deleted_at)
       values ('em_planted_clash', '${blocker}', new.value, 0, 1, null)`,
    );
    const lines = Array.from({ length: 250 }, (_, i) => `Row ${i},row${i}@planted.example.com,`);
    // In the second batch: the first and third are written whole; the second row by row.
    lines[120] = `Clashing,${clash},`;
    const deadlocked = phoneOf(990_001);
    if (TEST_DIALECT === 'postgres') {
      await plantTrigger(
        'contact_phones',
        deadlocked,
        `raise exception 'deadlock detected' using errcode = 'deadlock_detected'`,
      );
      lines[130] = `Deadlocked,deadlocked@planted.example.com,${deadlocked}`;
    }
    const r = await runImport(lines);
    const failedRows = TEST_DIALECT === 'postgres' ? 2 : 1;
    expect(r).toMatchObject({ status: 'completed', error: null, rows: 250, created: 250 - failedRows });
    expect(r.failed).toBe(failedRows);
    expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);
    const failures = await readFailureRows(kith, r.id);
    expect(failures.slice(1).map((f) => f[f.length - 1])).toEqual([
      `row 122: email "${clash}" could not be saved: another import or user was saving the same value at the same moment, and it still collided when retried alone; import this row again`,
      ...(TEST_DIALECT === 'postgres'
        ? [
            `row 132: the row could not be saved: other imports or users were changing the same contact (phone "${deadlocked}", email "deadlocked@planted.example.com") at the same moment, and it still collided when retried alone; import this row again`,
          ]
        : []),
    ]);
    // The clashing value stayed with nobody but the planted rows' would-be owner: nothing half-written.
    const owners = await kith.store.db
      .selectFrom('contact_emails')
      .select('contact_id')
      .where('value', '=', clash)
      .execute();
    expect(owners).toEqual([]);
    expect((await jobOf(r.id)).state).toBe('done');
  });

  it('a failure that is no row’s fault ends the import failed, saying which rows were not imported', async () => {
    const boom = 'boom@planted.example.com';
    await plantTrigger(
      'contact_emails',
      boom,
      TEST_DIALECT === 'postgres'
        ? `raise exception 'planted failure'`
        : `select raise(abort, 'planted failure')`,
    );
    const lines = Array.from({ length: 250 }, (_, i) => `Later ${i},later${i}@planted.example.com,`);
    lines[150] = `Boom,${boom},`;
    const r = await runImport(lines);
    const code = TEST_DIALECT === 'postgres' ? 'P0001' : 'SQLITE_CONSTRAINT_TRIGGER';
    expect(r).toMatchObject({ status: 'failed', rows: 100, created: 100, failed: 0, total_rows: 250 });
    expect(r.error).toBe(
      `the database failed with error ${code}; the import stopped after 100 of 250 rows, so the 150 rows after row 101 were not imported (import the file again to bring them in: rows already imported come out unchanged)`,
    );
    const job = await jobOf(r.id);
    expect(job.state).toBe('failed');
    // The database's own message stays in the server's log; the job says only what kind of failure it was.
    expect(job.last_error).toBe('an internal error stopped it; it has been logged');
  });
});
