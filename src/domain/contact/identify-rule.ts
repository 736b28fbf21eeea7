/**
 * Which contact a record (an import row, a conversation's customer, a synced record) is, from its keys
 * and the live contacts that own them: id > identity > phone > email, the priority users of DM Hub rely
 * on. Pure: `identifyContact` (src/contacts/identify-contact.ts) looks the owners up.
 *
 * A record whose keys belong to different contacts is refused rather than guessed: matching one would
 * either steal the other's value or silently drop it. A merged or deleted contact owns nothing, so its
 * id is not found (reading `GET /contacts/:id` follows a merge; matching does not).
 */
import type { ContactPatch } from './contact-patch.js';

export interface ContactKeys {
  id: string | null;
  /** `type` → value. */
  identities: Record<string, string>;
  phones: string[];
  emails: string[];
}

/** The live contacts owning the keys of one or many records. */
export interface KeyOwners {
  /** Live contact ids among the ids the records name. */
  liveIds: ReadonlySet<string>;
  /** `identityKey(type, value)` → owning contact. */
  identityOwner: ReadonlyMap<string, string>;
  phoneOwner: ReadonlyMap<string, string>;
  emailOwner: ReadonlyMap<string, string>;
}

export type MatchedBy = 'id' | 'identity' | 'phone' | 'email';

/** A value of the record and the contact owning it. */
export interface OwnedKey {
  field: 'identity' | 'phone' | 'email';
  /** The identity type; absent for phones and emails. */
  type?: string;
  value: string;
  contactId: string;
}

export type Refusal =
  | { kind: 'no_identifier' }
  | { kind: 'id_not_found'; id: string }
  /** The record's identities point at two or more contacts. */
  | { kind: 'identities_of_different_contacts'; keys: OwnedKey[] }
  /** The record matched `matched` (or nobody), but these keys belong to another contact. */
  | { kind: 'owned_by_another'; matched: string | null; keys: OwnedKey[] };

export type Identification =
  | { kind: 'found'; contactId: string; matchedBy: MatchedBy }
  | { kind: 'new' }
  | { kind: 'refused'; refusal: Refusal; reason: string };

export const identityKey = (type: string, value: string) => `${type}\u0000${value}`;

/** The one "no identifier" check: such a record can be neither matched nor created. */
export function hasIdentifier(keys: ContactKeys): boolean {
  return (
    keys.id !== null ||
    Object.keys(keys.identities).length > 0 ||
    keys.phones.length > 0 ||
    keys.emails.length > 0
  );
}

/** The keys a patch identifies its contact by (removed identities and empty values are none). */
export function contactKeysOf(id: string | null, patch: ContactPatch): ContactKeys {
  const identities: Record<string, string> = {};
  for (const [type, value] of Object.entries(patch.identities ?? {}))
    if (value !== null) identities[type] = value;
  const phones = [patch.phone, ...(patch.additional_phones ?? [])].filter((v): v is string => !!v);
  const emails = [patch.email, ...(patch.additional_emails ?? [])].filter((v): v is string => !!v);
  return { id, identities, phones: [...new Set(phones)], emails: [...new Set(emails)] };
}

const refused = (refusal: Refusal, reason: string): Identification => ({
  kind: 'refused',
  refusal,
  reason,
});

const describeIdentities = (keys: OwnedKey[]) =>
  keys.map((k) => `${k.type} ${JSON.stringify(k.value)}`).join(', ');

export function identifyByKeys(keys: ContactKeys, owners: KeyOwners): Identification {
  if (!hasIdentifier(keys))
    return refused({ kind: 'no_identifier' }, 'no id, identity, phone or email to match or create by');

  // In the record's order, grouped by owner: the reasons name them as the record lists them.
  const identitiesByOwner = new Map<string, OwnedKey[]>();
  for (const [type, value] of Object.entries(keys.identities)) {
    const contactId = owners.identityOwner.get(identityKey(type, value));
    if (contactId === undefined) continue;
    const owned: OwnedKey = { field: 'identity', type, value, contactId };
    identitiesByOwner.set(contactId, [...(identitiesByOwner.get(contactId) ?? []), owned]);
  }

  let target: string | null = null;
  let matchedBy: MatchedBy | null = null;
  if (keys.id !== null) {
    if (!owners.liveIds.has(keys.id))
      return refused(
        { kind: 'id_not_found', id: keys.id },
        `id: contact ${JSON.stringify(keys.id)} not found`,
      );
    for (const [owner, owned] of identitiesByOwner) {
      if (owner !== keys.id)
        return refused(
          { kind: 'owned_by_another', matched: keys.id, keys: owned },
          `identity ${describeIdentities(owned)} belongs to another contact ${owner}`,
        );
    }
    target = keys.id;
    matchedBy = 'id';
  } else if (identitiesByOwner.size > 1) {
    const list = [...identitiesByOwner]
      .map(([owner, owned]) => `${owner} (${describeIdentities(owned)})`)
      .join(', ');
    return refused(
      { kind: 'identities_of_different_contacts', keys: [...identitiesByOwner.values()].flat() },
      `the row's identities belong to different contacts: ${list}`,
    );
  } else if (identitiesByOwner.size === 1) {
    target = identitiesByOwner.keys().next().value!;
    matchedBy = 'identity';
  } else {
    for (const [values, lookup, by] of [
      [keys.phones, owners.phoneOwner, 'phone'],
      [keys.emails, owners.emailOwner, 'email'],
    ] as const) {
      const owner = values.map((v) => lookup.get(v)).find((o) => o !== undefined);
      if (owner !== undefined) {
        target = owner;
        matchedBy = by;
        break;
      }
    }
  }

  // A phone or email of someone else would either be stolen or silently dropped.
  for (const [values, lookup, field] of [
    [keys.phones, owners.phoneOwner, 'phone'],
    [keys.emails, owners.emailOwner, 'email'],
  ] as const) {
    for (const value of values) {
      const owner = lookup.get(value);
      if (owner !== undefined && owner !== target) {
        const matched = target ? `the row matched contact ${target} but ` : '';
        return refused(
          { kind: 'owned_by_another', matched: target, keys: [{ field, value, contactId: owner }] },
          `${matched}${field} ${JSON.stringify(value)} belongs to another contact ${owner}`,
        );
      }
    }
  }
  return target !== null && matchedBy !== null
    ? { kind: 'found', contactId: target, matchedBy }
    : { kind: 'new' };
}
