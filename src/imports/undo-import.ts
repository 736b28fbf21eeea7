/**
 * Undo of a whole import: contacts it created are deleted (soft, so they stay in history), fields it
 * changed get their old value back — unless someone changed them again since, in which case the newer
 * value stays and the report says so. Works in batches, newest row first.
 */
import { findOwnedElsewhere, loadContacts } from '../contacts/contact-repository.js';
import type { ContactWriter } from '../contacts/contact-writer.js';
import type { Actor } from '../domain/actor.js';
import type { ContactState } from '../domain/contact/contact-fields.js';
import { diffContactStates, type FieldChange, sameFieldValue } from '../domain/contact/contact-patch.js';
import { appendContactEvent } from '../history/contact-timeline.js';
import type { Store } from '../store/database.js';
import type { Queryable } from '../store/transaction.js';
import { appliedImportRows } from './import-records.js';

export interface UndoReport {
  deleted: number;
  restored: number;
  /** Contacts the import created or changed that no longer exist. */
  gone: number;
  /** Fields left as they are because they changed again after the import (first 1,000 listed). */
  kept: { contact_id: string; field: string; reason: string }[];
  kept_count: number;
}

const BATCH = 500;

function read(state: ContactState, field: string): unknown {
  const [group, key] = field.split('.', 2) as [string, string | undefined];
  if (key !== undefined && (group === 'identities' || group === 'attributes'))
    return state[group][key] ?? null;
  return (state as unknown as Record<string, unknown>)[field];
}

function write(state: ContactState, field: string, value: unknown): void {
  const [group, key] = field.split('.', 2) as [string, string | undefined];
  if (key !== undefined && (group === 'identities' || group === 'attributes')) {
    const target = state[group] as Record<string, unknown>;
    if (value === null || value === undefined) delete target[key];
    else target[key] = value;
    return;
  }
  (state as unknown as Record<string, unknown>)[field] = value;
}

/**
 * Whether a field still holds what the import wrote. A contact's tags are a set, read back sorted by
 * name, while the import recorded them in the file's order: they compare as sets.
 */
function sameValueAs(field: string, now: unknown, written: unknown): boolean {
  if (field !== 'tags' || !Array.isArray(now) || !Array.isArray(written)) return sameFieldValue(now, written);
  const key = (tags: unknown[]) => tags.map((t) => String(t).toLowerCase()).sort();
  return sameFieldValue(key(now), key(written));
}

export async function undoImport(
  store: Store,
  writer: ContactWriter,
  importId: string,
  actor: Actor,
  /** After each committed batch (ImportUndo's `afterBatch`). */
  afterBatch: () => Promise<void> = async () => {},
): Promise<UndoReport> {
  const report: UndoReport = { deleted: 0, restored: 0, gone: 0, kept: [], kept_count: 0 };
  const undoActor: Actor = { ...actor, channelRef: importId };
  const keep = (contactId: string, field: string, reason: string) => {
    report.kept_count++;
    if (report.kept.length < 1000) report.kept.push({ contact_id: contactId, field, reason });
  };
  let before = 2_147_483_647; // the largest row number an integer column holds
  for (;;) {
    const rows = await appliedImportRows(store.db, importId, before, BATCH);
    if (rows.length === 0) break;
    before = rows[rows.length - 1]!.row_number;
    await writer.transaction(undoActor, async (w) => {
      const trx = w.db;
      const at = w.at;
      const ids = [...new Set(rows.map((r) => r.contact_id!).filter(Boolean))];
      const states = await loadContacts(trx, ids, { forUpdate: true });
      for (const row of rows) {
        const contactId = row.contact_id!;
        const current = states.get(contactId);
        if (!current) {
          report.gone++;
          continue;
        }
        if (row.action === 'created') {
          await w.delete([current]);
          await record(trx, contactId, 'deleted', undoActor, at);
          states.delete(contactId);
          report.deleted++;
          continue;
        }
        const restored = structuredClone(current) as ContactState;
        for (const change of JSON.parse(row.changes ?? '[]') as FieldChange[]) {
          if (sameValueAs(change.field, read(current, change.field), change.new))
            write(restored, change.field, change.old);
          else
            keep(
              contactId,
              change.field,
              `changed again since the import (now ${JSON.stringify(read(current, change.field))})`,
            );
        }
        // An old value may meanwhile belong to another contact: that field stays as it is.
        const owner = await findOwnedElsewhere(trx, restored, contactId);
        if (owner) {
          keep(
            contactId,
            owner.field,
            `the old value ${JSON.stringify(owner.value)} now belongs to contact ${owner.contactId}`,
          );
          for (const field of [
            'email',
            'additional_emails',
            'phone',
            'additional_phones',
            'identities',
          ] as const) {
            (restored as unknown as Record<string, unknown>)[field] = structuredClone(current[field]);
          }
        }
        const changes = diffContactStates(current, restored);
        if (changes.length === 0) continue;
        await w.update([{ before: current, after: restored }]);
        await record(trx, contactId, 'updated', undoActor, at);
        states.set(contactId, { ...current, ...restored });
        report.restored++;
      }
    });
    await afterBatch();
  }
  return report;
}

/** The timeline's entry; the change log's comes from the writer. */
async function record(db: Queryable, contactId: string, action: string, actor: Actor, at: string) {
  await appendContactEvent(db, {
    contactId,
    type: 'import_undone',
    actor,
    at,
    data: { import_id: actor.channelRef, action },
  });
}
