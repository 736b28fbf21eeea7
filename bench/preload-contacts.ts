/**
 * The store `bench:import` imports into: N clean contacts, of which those generated from rows 0.7N …
 * 1.7N-1 (seed 42) share their external_id with the generated file's rows 0.7N … N-1, so 30% of the
 * file updates a contact and the rest creates one. Written by the bulk writer, in the bench's process.
 */
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../src/domain/contact/contact-patch.js';
import { newId } from '../src/domain/ids.js';
import { mapRecord, resolveMapping, suggestMapping } from '../src/imports/map/column-mapping.js';
import type { KithServices } from '../src/services.js';
import { GENERATED_HEADER, generateRow } from './generate-contacts.js';

/** How the generated file's columns map onto the store's fields (its attributes defined first). */
export async function generatedMapping(kith: KithServices) {
  const ctx = await kith.contacts.normalizeContext();
  const mappingCtx = {
    identityTypes: ctx.identityTypes,
    attributeTypes: new Map([...ctx.attributeDefinitions].map(([k, d]) => [k, d.type])),
    createAttributes: false,
  };
  const mapping = resolveMapping(
    GENERATED_HEADER,
    {},
    suggestMapping(GENERATED_HEADER, [], mappingCtx),
    mappingCtx,
  );
  return { ctx, mappingCtx, mapping };
}

/** Pre-loads `n` contacts that 30% of a generated file of `n` rows matches; define its attributes first. */
export async function preloadMatchedContacts(kith: KithServices, n: number): Promise<void> {
  const { ctx, mappingCtx, mapping } = await generatedMapping(kith);
  let batch: NewContact[] = [];
  const flush = async () => {
    await kith.store.db
      .transaction()
      .execute((trx) => insertContactsBulk(trx, batch, { at: new Date().toISOString(), by: null }));
    batch = [];
  };
  const start = Math.floor(n * 0.7);
  for (let i = start; i < start + n; i++) {
    const cells = generateRow(i, 42);
    cells[1] = String(15_000_000_000 + i); // own phone and email: only external_id links file and store
    cells[2] = `existing${i}@example.org`;
    try {
      const patch = normalizeContactInput(mapRecord(cells, mapping, mappingCtx).input, ctx);
      batch.push({ id: newId('contact'), state: applyContactPatch(emptyContactState(), patch) });
    } catch {
      // rows with invalid generated values are simply not pre-loaded
    }
    if (batch.length >= 2000) await flush();
  }
  await flush();
}
