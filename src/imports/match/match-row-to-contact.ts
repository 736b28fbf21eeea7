/**
 * Stage 4 of the import pipeline: match. Decides, for one row, which existing contact it updates, whether
 * it creates one, or why it fails, by the contacts' one rule (`identifyByKeys`: id > identity > phone >
 * email, a row whose values belong to different contacts refused). Pure: the owners of a batch's values
 * are looked up beforehand (`findKeyOwners`, one lookup per batch).
 */
import {
  type ContactKeys,
  identifyByKeys,
  type KeyOwners,
  type MatchedBy,
} from '../../domain/contact/identify-rule.js';

export type RowKeys = ContactKeys;
export type OwnerLookup = KeyOwners;
export { identityKey } from '../../domain/contact/identify-rule.js';

export type MatchDecision =
  | { kind: 'create' }
  | { kind: 'update'; contactId: string; matchedBy: MatchedBy }
  | { kind: 'fail'; reason: string };

export function matchRowToContact(row: RowKeys, owners: OwnerLookup): MatchDecision {
  const identified = identifyByKeys(row, owners);
  switch (identified.kind) {
    case 'found':
      return { kind: 'update', contactId: identified.contactId, matchedBy: identified.matchedBy };
    case 'new':
      return { kind: 'create' };
    case 'refused':
      return { kind: 'fail', reason: identified.reason };
  }
}
