/**
 * Undo of an import that added tags to an existing customer, the file listing them in another order
 * than the contact keeps them (by name): the tags go back to what they were.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-undo-tags-'));

describe(`undo of an import's tags on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it.each([
    ['out of order', 'Zeta;Alpha;新客户'],
    ['in order', 'Alpha;Zeta'],
  ])('tags written %s are removed again', async (_, tags) => {
    const email = `tags.${Math.random().toString(36).slice(2)}@example.com`;
    const contact = await kith.contacts.create({ email, tags: ['VIP'] }, ADMIN);
    const file = path.join(dir, `${contact.id}.csv`);
    fs.writeFileSync(file, `email,tags\n${email},VIP;${tags}\n`);
    const imported = await runImport(kith, file);
    expect(imported).toMatchObject({ status: 'completed', updated: 1 });
    expect((await kith.contacts.get(contact.id)).tags.length).toBeGreaterThan(1);
    const undone = await kith.imports.undo(imported.id, ADMIN);
    expect(undone.undo_report).toMatchObject({ restored: 1, kept_count: 0 });
    expect((await kith.contacts.get(contact.id)).tags).toEqual(['VIP']);
  });
});
