/**
 * An undo runs in many transactions and is claimed first (imports.undone_at without a report). A claim
 * not renewed for 15 minutes belongs to an undo whose process died, and may be taken over; a running
 * undo renews it after every batch, so a long one is never taken for stopped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type UndoReport, undoImport } from '../../src/imports/undo-import.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const NOTHING: UndoReport = { deleted: 0, restored: 0, gone: 0, kept: [], kept_count: 0 };
const MINUTE = 60_000;

describe(`an undo's claim on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());
  afterEach(() => {
    vi.useRealTimers();
    // The contacts kind's own undo again (a test below puts another in its place).
    kith.imports.registerUndo('contacts', (id, actor, afterBatch) =>
      undoImport(kith.store, kith.contacts.writer, id, actor, afterBatch),
    );
  });

  const importRows = async (name: string, rows: number) =>
    runImport(
      kith,
      fixture(
        `${name}.csv`,
        `name,email\n${Array.from({ length: rows }, (_, i) => `${name} ${i},${name}-${i}@example.com`).join('\n')}\n`,
      ),
    );

  it('an undo running longer than 15 minutes keeps its claim: a second undo is refused, not let in beside it', async () => {
    const r = await importRows('long-undo', 3);
    let second: unknown;
    kith.imports.registerUndo('contacts', async (id, actor, afterBatch) => {
      // Claimed 16 minutes ago (the clock below); a batch ends now.
      vi.useRealTimers();
      await afterBatch();
      second = await kith.imports.undo(id, ADMIN).catch((e: unknown) => e);
      return NOTHING;
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 16 * MINUTE);
    const first = await kith.imports.undo(r.id, ADMIN);
    expect(second).toMatchObject({ code: 'undo_running', status: 409 });
    expect(first.undo_report).toEqual(NOTHING);
  });

  it('an undo whose claim another process took over stops at its next batch and leaves the claim alone', async () => {
    const r = await importRows('taken-over', 3);
    const theirs = new Date(Date.now() + MINUTE).toISOString();
    kith.imports.registerUndo('contacts', async (id, _actor, afterBatch) => {
      // Another process found this claim stale and took the undo over.
      await kith.store.db.updateTable('imports').set({ undone_at: theirs }).where('id', '=', id).execute();
      await afterBatch();
      return NOTHING;
    });
    await expect(kith.imports.undo(r.id, ADMIN)).rejects.toMatchObject({ code: 'undo_running' });
    const record = await kith.imports.get(r.id);
    expect([record.undone_at, record.undo_report]).toEqual([theirs, null]);
  });

  it("a contacts import's undo renews its claim after each batch of 500 rows", async () => {
    const r = await importRows('batches', 1_200);
    let renewals = 0;
    const report = await undoImport(kith.store, kith.contacts.writer, r.id, ADMIN, async () => {
      renewals++;
    });
    expect([report.deleted, renewals]).toEqual([1_200, 3]);
  });
});
