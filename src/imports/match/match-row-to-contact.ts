/**
 * Stage 4 of the import pipeline: match. Decides, for one row, which existing contact it updates, whether
 * it creates one, or why it fails, in the priority users of DM Hub rely on:
 * id > identity > phone > email. Pure: the owners of the row's values are looked up beforehand.
 */

export interface RowKeys {
  id: string | null;
  /** `type` → value. */
  identities: Record<string, string>;
  phones: string[];
  emails: string[];
}

export interface OwnerLookup {
  /** Live contact ids among the ids rows name. */
  liveIds: ReadonlySet<string>;
  /** `type\u0000value` → owning contact. */
  identityOwner: ReadonlyMap<string, string>;
  phoneOwner: ReadonlyMap<string, string>;
  emailOwner: ReadonlyMap<string, string>;
}

export type MatchDecision =
  | { kind: 'create' }
  | { kind: 'update'; contactId: string; matchedBy: 'id' | 'identity' | 'phone' | 'email' }
  | { kind: 'fail'; reason: string };

export const identityKey = (type: string, value: string) => `${type}\u0000${value}`;

export function matchRowToContact(row: RowKeys, owners: OwnerLookup): MatchDecision {
  let target: string | null = null;
  let matchedBy: 'id' | 'identity' | 'phone' | 'email' | null = null;
  const identityOwners = new Map<string, string[]>(); // contact → identity descriptions
  for (const [type, value] of Object.entries(row.identities)) {
    const owner = owners.identityOwner.get(identityKey(type, value));
    if (owner)
      identityOwners.set(owner, [...(identityOwners.get(owner) ?? []), `${type} ${JSON.stringify(value)}`]);
  }

  if (row.id !== null) {
    if (!owners.liveIds.has(row.id))
      return { kind: 'fail', reason: `id: contact ${JSON.stringify(row.id)} not found` };
    for (const [owner, what] of identityOwners) {
      if (owner !== row.id)
        return { kind: 'fail', reason: `identity ${what.join(', ')} belongs to another contact ${owner}` };
    }
    target = row.id;
    matchedBy = 'id';
  } else if (identityOwners.size > 1) {
    const list = [...identityOwners].map(([owner, what]) => `${owner} (${what.join(', ')})`).join(', ');
    return { kind: 'fail', reason: `the row's identities belong to different contacts: ${list}` };
  } else if (identityOwners.size === 1) {
    target = identityOwners.keys().next().value!;
    matchedBy = 'identity';
  } else {
    for (const [values, lookup, by] of [
      [row.phones, owners.phoneOwner, 'phone'],
      [row.emails, owners.emailOwner, 'email'],
    ] as const) {
      const owner = values.map((v) => lookup.get(v)).find((o) => o !== undefined);
      if (owner) {
        target = owner;
        matchedBy = by;
        break;
      }
    }
  }

  // A value of the row that belongs to someone else would either be stolen or silently dropped: fail.
  for (const [values, lookup, field] of [
    [row.phones, owners.phoneOwner, 'phone'],
    [row.emails, owners.emailOwner, 'email'],
  ] as const) {
    for (const value of values) {
      const owner = lookup.get(value);
      if (owner && owner !== target) {
        const matched = target ? `the row matched contact ${target} but ` : '';
        return {
          kind: 'fail',
          reason: `${matched}${field} ${JSON.stringify(value)} belongs to another contact ${owner}`,
        };
      }
    }
  }
  return target && matchedBy ? { kind: 'update', contactId: target, matchedBy } : { kind: 'create' };
}
