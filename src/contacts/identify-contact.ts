/**
 * Finds which live contact a record is: its keys' owners looked up, then the one rule
 * (`identifyByKeys`, src/domain/contact/identify-rule.ts). Imports, conversations' find-or-create and
 * `ContactService.upsert` all identify contacts here.
 */
import {
  type ContactKeys,
  type Identification,
  identifyByKeys,
  identityKey,
  type KeyOwners,
} from '../domain/contact/identify-rule.js';
import { chunked } from '../store/chunked.js';
import type { Queryable } from '../store/transaction.js';

const CHUNK = 500;

/** One record: which contact it is, a new one, or why neither. */
export async function identifyContact(db: Queryable, keys: ContactKeys): Promise<Identification> {
  return identifyByKeys(keys, await findKeyOwners(db, [keys]));
}

/**
 * The bulk form: the owners of many records' keys in a few queries per kind of key (an import batch of
 * 1,000 rows costs about as many statements as one row), to apply `identifyByKeys` to each record.
 */
export async function findKeyOwners(db: Queryable, records: readonly ContactKeys[]): Promise<KeyOwners> {
  const ids = [...new Set(records.map((r) => r.id).filter((v): v is string => v !== null))];
  const identitiesByType = new Map<string, Set<string>>();
  for (const r of records) {
    for (const [type, value] of Object.entries(r.identities)) {
      let values = identitiesByType.get(type);
      if (!values) identitiesByType.set(type, (values = new Set()));
      values.add(value);
    }
  }
  const phones = [...new Set(records.flatMap((r) => r.phones))];
  const emails = [...new Set(records.flatMap((r) => r.emails))];
  const liveIds = new Set<string>();
  const identityOwner = new Map<string, string>();
  const phoneOwner = new Map<string, string>();
  const emailOwner = new Map<string, string>();
  for (const part of chunked(ids, CHUNK)) {
    const found = await db
      .selectFrom('contacts')
      .select('id')
      .where('id', 'in', part)
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of found) liveIds.add(r.id);
  }
  for (const [type, values] of identitiesByType) {
    // By (type, value): the live unique index answers it.
    for (const part of chunked([...values], CHUNK)) {
      const found = await db
        .selectFrom('contact_identities')
        .select(['value', 'contact_id'])
        .where('type', '=', type)
        .where('value', 'in', part)
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of found) identityOwner.set(identityKey(type, r.value), r.contact_id);
    }
  }
  for (const [values, table, owners] of [
    [phones, 'contact_phones', phoneOwner],
    [emails, 'contact_emails', emailOwner],
  ] as const) {
    for (const part of chunked(values, CHUNK)) {
      const found = await db
        .selectFrom(table)
        .select(['value', 'contact_id'])
        .where('value', 'in', part)
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of found) owners.set(r.value, r.contact_id);
    }
  }
  return { liveIds, identityOwner, phoneOwner, emailOwner };
}
