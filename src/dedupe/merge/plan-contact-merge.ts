/**
 * What a merge produces, decided without I/O: the survivor's resulting state and, per field, which
 * record's value won and which values it replaced. Emails, phones, tags and identities are kept from
 * every record (union); scalar fields and attributes follow the per-field choice, by default the
 * survivor's non-empty value, else the most recently updated record's non-empty value. An identity type
 * can hold one value per contact: when records disagree, the chosen value stays and the others are
 * reported as dropped (and come back on unmerge).
 */
import {
  type AttributeValue,
  type Contact,
  type ContactState,
  SCALAR_FIELDS,
} from '../../domain/contact/contact-fields.js';
import { ValidationError } from '../../domain/errors.js';

export interface FieldChoice {
  /** `first_name`, `email` (which address is primary), `attr.<key>`, `identity.<type>`. */
  field: string;
  chosen_from: string;
  value: unknown;
  /** Differing values of the other records that this choice replaced. */
  replaced: { contact_id: string; value: unknown }[];
}

export interface DroppedIdentity {
  contact_id: string;
  type: string;
  value: string;
}

export interface MergePlan {
  state: ContactState;
  choices: FieldChoice[];
  dropped_identities: DroppedIdentity[];
}

/** The record a merge keeps by default: the most filled fields, ties to the oldest. */
export function defaultSurvivor(contacts: readonly Contact[]): Contact {
  const filled = (c: Contact) =>
    SCALAR_FIELDS.filter((f) => c[f] !== null).length +
    (c.email ? 1 : 0) +
    (c.phone ? 1 : 0) +
    c.additional_emails.length +
    c.additional_phones.length +
    Object.keys(c.identities).length +
    Object.keys(c.attributes).length +
    c.tags.length;
  return [...contacts].sort(
    (a, b) => filled(b) - filled(a) || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id),
  )[0]!;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

export function planContactMerge(
  survivor: Contact,
  others: readonly Contact[],
  prefer: Readonly<Record<string, string>> = {},
): MergePlan {
  const all = [survivor, ...others];
  const byId = new Map(all.map((c) => [c.id, c]));
  const choosable = new Set<string>([
    ...SCALAR_FIELDS,
    'email',
    'phone',
    ...all.flatMap((c) => Object.keys(c.identities).map((type) => `identity.${type}`)),
    ...all.flatMap((c) => Object.keys(c.attributes).map((key) => `attr.${key}`)),
  ]);
  for (const [field, id] of Object.entries(prefer)) {
    // A preference the merge would not read is refused, not silently dropped.
    if (!choosable.has(field))
      throw new ValidationError(
        `prefer.${field}`,
        id,
        'is not a field the merge chooses: a standard field, email, phone, or an identity.<type> or attr.<key> one of the merged contacts holds',
      );
    if (!byId.has(id))
      throw new ValidationError(`prefer.${field}`, id, 'must be the id of one of the merged contacts');
  }
  // Default order of preference: the survivor, then the others from most to least recently updated.
  const ranked = [survivor, ...[...others].sort((a, b) => b.updated_at.localeCompare(a.updated_at))];
  const choices: FieldChoice[] = [];
  const choose = (field: string, read: (c: Contact) => unknown): { from: Contact; value: unknown } => {
    const preferred = prefer[field];
    const from = preferred ? byId.get(preferred)! : (ranked.find((c) => !isEmpty(read(c))) ?? survivor);
    const value = read(from) ?? null;
    const replaced = all
      .filter((c) => c !== from && !isEmpty(read(c)) && JSON.stringify(read(c)) !== JSON.stringify(value))
      .map((c) => ({ contact_id: c.id, value: read(c) }));
    if (!isEmpty(value) || replaced.length > 0)
      choices.push({ field, chosen_from: from.id, value, replaced });
    return { from, value };
  };

  const state = contactStateOf(survivor);

  for (const field of SCALAR_FIELDS) {
    (state as unknown as Record<string, unknown>)[field] = choose(field, (c) => c[field]).value;
  }

  for (const [primary, additional] of [
    ['email', 'additional_emails'],
    ['phone', 'additional_phones'],
  ] as const) {
    const chosen = choose(primary, (c) => c[primary]).value as string | null;
    const values: string[] = [];
    for (const c of ranked) {
      for (const v of [c[primary], ...c[additional]]) if (v !== null && !values.includes(v)) values.push(v);
    }
    state[primary] = chosen ?? values[0] ?? null;
    state[additional] = values.filter((v) => v !== state[primary]);
  }

  const identityTypes = [...new Set(all.flatMap((c) => Object.keys(c.identities)))].sort();
  const dropped: DroppedIdentity[] = [];
  state.identities = {};
  for (const type of identityTypes) {
    const { value } = choose(`identity.${type}`, (c) => c.identities[type]);
    if (isEmpty(value)) continue;
    state.identities[type] = value as string;
    for (const c of all) {
      const v = c.identities[type];
      if (v !== undefined && v !== value) dropped.push({ contact_id: c.id, type, value: v });
    }
  }

  const attributeKeys = [...new Set(all.flatMap((c) => Object.keys(c.attributes)))].sort();
  state.attributes = {};
  for (const key of attributeKeys) {
    const { value } = choose(`attr.${key}`, (c) => c.attributes[key]);
    if (!isEmpty(value)) state.attributes[key] = value as AttributeValue;
  }

  const tags: string[] = [];
  for (const c of all) {
    for (const t of c.tags) if (!tags.some((x) => x.toLowerCase() === t.toLowerCase())) tags.push(t);
  }
  state.tags = tags;
  return { state, choices, dropped_identities: dropped };
}

/** A contact's state without the fields Kith writes itself. */
export function contactStateOf(contact: Contact): ContactState {
  const state = structuredClone(contact) as Partial<Contact>;
  delete state.id;
  delete state.created_at;
  delete state.updated_at;
  return state as ContactState;
}
