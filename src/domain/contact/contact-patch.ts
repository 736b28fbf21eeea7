/**
 * A contact patch: the user's input for create or partial update, already normalised and validated.
 * `normalizeContactInput` is the one place where raw input (API body, CLI flags, later import rows)
 * becomes trusted values; every error is collected so a user sees all problems of one input at once.
 */
import { ValidationError, ValidationErrors } from '../errors.js';
import { normalizeBirthday } from '../normalize/date.js';
import { normalizeEmail } from '../normalize/email.js';
import { normalizeGender } from '../normalize/gender.js';
import { normalizeOnePhone, type Region } from '../normalize/phone.js';
import { normalizeIdentityValue, normalizeText } from '../normalize/text.js';
import { assertNoControlCharacters, findLoneSurrogate, LONE_SURROGATE_REASON } from '../well-formed-text.js';
import { type AttributeDefinition, normalizeAttributeValue } from './attribute-value.js';
import {
  type AttributeValue,
  type ContactState,
  SCALAR_FIELDS,
  type ScalarField,
  SYSTEM_FIELDS,
  TEXT_FIELDS,
} from './contact-fields.js';
import { fieldPath } from '../field-path.js';

export interface ContactPatch {
  scalars: Partial<Record<ScalarField, string | null>>;
  email?: string | null;
  additional_emails?: string[];
  phone?: string | null;
  additional_phones?: string[];
  tags?: string[];
  /** null removes that identity. */
  identities?: Record<string, string | null>;
  /** null removes that attribute. */
  attributes?: Record<string, AttributeValue | null>;
}

export interface NormalizeContext {
  region: Region;
  identityTypes: ReadonlySet<string>;
  attributeDefinitions: ReadonlyMap<string, AttributeDefinition>;
}

const LIST_FIELDS = ['additional_emails', 'additional_phones', 'tags'] as const;
const KNOWN_KEYS = new Set<string>([
  ...SCALAR_FIELDS,
  'email',
  'phone',
  ...LIST_FIELDS,
  'identities',
  'attributes',
  'external_id',
]);
/** A contact's text field holds at most this many characters. */
export const MAX_TEXT_LENGTH = 1000;

/** What a list given as one string is split on (the wire contract's separators). */
export const LIST_SEPARATORS = /[;,|、；，]/u;

/** A list whose every item is in double quotes (Mailchimp's TAGS: `"VIP","Newsletter 2024"`). */
const QUOTED_LIST = /^\s*"[^"]*"(?:\s*[;,|、；，]\s*"[^"]*")*\s*$/u;

/**
 * Splits a list given as one string (CSV cell, CLI flag) on the separators the wire contract accepts;
 * a list of quoted items is split on its quotes, so an item may hold a separator.
 */
export function splitListValue(value: string): string[] {
  if (QUOTED_LIST.test(value))
    return [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]!.trim()).filter((s) => s !== '');
  return value
    .split(LIST_SEPARATORS)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const MAX_TAG_LENGTH = 100;
/** A group's name, an import's group setting. */
export const MAX_GROUP_NAME_LENGTH = 200;

/** A tag's name as stored (null when blank): trimmed text of at most MAX_TAG_LENGTH characters. */
export function normalizeTagName(raw: string, field: string): string | null {
  const tag = normalizeText(raw);
  if (!tag) return null;
  if (tag.length > MAX_TAG_LENGTH)
    throw new ValidationError(field, raw, `is longer than ${MAX_TAG_LENGTH} characters`);
  return tag;
}

/**
 * A tag a person names through the tag actions (add to a contact or a selection, rename, an import's
 * tags): also without a list separator, since a tag holding one comes back as several tags from Kith's
 * own export, and without a control character. A contact's whole tag list, as written or synced, is
 * not refused for one it already has.
 */
export function normalizeNewTagName(raw: string, field: string): string | null {
  // Typed, not read from a file: a control character is refused, not dropped (a file's are dropped).
  assertNoControlCharacters(raw, field);
  const tag = normalizeTagName(raw, field);
  if (tag && LIST_SEPARATORS.test(tag))
    throw new ValidationError(
      field,
      raw,
      'holds a list separator (; , | 、 ； ，): lists of tags are split on them, so name the tags one by one',
    );
  return tag;
}

/**
 * A contact's tag list as written by a person (create, edit): each tag it does not hold yet must be one
 * a tag action would accept (no list separator); tags it already holds pass as they are.
 */
export function assertNewTagsPlain(tags: readonly string[] | undefined, held: readonly string[]): void {
  if (!tags) return;
  const holds = new Set(held.map((t) => t.toLowerCase()));
  tags.forEach((tag, i) => {
    if (!holds.has(tag.toLowerCase())) normalizeNewTagName(tag, fieldPath('tags', i));
  });
}

/**
 * A group's name as a person types it: trimmed, required, at most MAX_GROUP_NAME_LENGTH characters,
 * without a control character.
 */
export function normalizeGroupName(raw: unknown, field: string): string {
  if (typeof raw === 'string') assertNoControlCharacters(raw, field);
  const name = typeof raw === 'string' ? normalizeText(raw) : null;
  if (!name) throw new ValidationError(field, raw ?? null, 'is required');
  if (name.length > MAX_GROUP_NAME_LENGTH)
    throw new ValidationError(field, raw, `is longer than ${MAX_GROUP_NAME_LENGTH} characters`);
  return name;
}

function asList(field: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return splitListValue(value);
  throw new ValidationError(field, value, 'must be a list');
}

export function normalizeContactInput(input: unknown, ctx: NormalizeContext): ContactPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('body', input, 'must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const errors: ValidationError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationError) errors.push(e);
      else if (e instanceof ValidationErrors) errors.push(...e.errors);
      else throw e;
      return undefined;
    }
  };
  const patch: ContactPatch = { scalars: {} };

  for (const [key, value] of Object.entries(raw)) {
    if ((SYSTEM_FIELDS as readonly string[]).includes(key)) {
      errors.push(new ValidationError(key, value, 'is a system field and cannot be written'));
    } else if (!KNOWN_KEYS.has(key)) {
      errors.push(new ValidationError(key, value, 'is not a contact field'));
    }
  }

  // Half a surrogate pair (a JSON file's "\ud800") is no text: stored it became U+FFFD, and as a tag a
  // row the database could not find again, which failed the whole write.
  const lone = findLoneSurrogate(raw);
  if (lone) errors.push(new ValidationError(lone.field, lone.value, LONE_SURROGATE_REASON));

  for (const field of SCALAR_FIELDS) {
    if (!(field in raw)) continue;
    const value = raw[field];
    if (value === null) {
      patch.scalars[field] = null;
      continue;
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && field === 'postcode')) {
      errors.push(new ValidationError(field, value, 'must be text or null'));
      continue;
    }
    const text = normalizeText(String(value));
    if (text !== null && text.length > MAX_TEXT_LENGTH) {
      errors.push(new ValidationError(field, value, `is longer than ${MAX_TEXT_LENGTH} characters`));
      continue;
    }
    if (text === null || (TEXT_FIELDS as readonly string[]).includes(field)) {
      patch.scalars[field] = text;
    } else if (field === 'gender') {
      patch.scalars.gender = attempt(() => normalizeGender(text));
    } else {
      patch.scalars.birthday = attempt(() => normalizeBirthday(text));
    }
  }

  const single = (field: 'email' | 'phone', normalize: (v: string) => string) => {
    if (!(field in raw)) return;
    const value = raw[field];
    if (value === null || (typeof value === 'string' && value.trim() === '')) patch[field] = null;
    else if (typeof value !== 'string')
      errors.push(new ValidationError(field, value, 'must be text or null'));
    else patch[field] = attempt(() => normalize(value));
  };
  const many = (
    field: 'additional_emails' | 'additional_phones' | 'tags',
    normalize: (v: string, index: number) => string | null,
  ) => {
    if (!(field in raw)) return;
    const items = attempt(() => asList(field, raw[field] ?? []));
    if (!items) return;
    const out: string[] = [];
    items.forEach((item, index) => {
      if (typeof item !== 'string') {
        errors.push(new ValidationError(fieldPath(field, index), item, 'must be text'));
        return;
      }
      const normalized = attempt(() => normalize(item, index));
      if (normalized && !out.some((o) => o.toLowerCase() === normalized.toLowerCase())) out.push(normalized);
    });
    patch[field] = out;
  };

  single('email', (v) => normalizeEmail(v, 'email'));
  single('phone', (v) => normalizeOnePhone(v, ctx.region, 'phone'));
  many('additional_emails', (v, i) => normalizeEmail(v, fieldPath('additional_emails', i)));
  many('additional_phones', (v, i) => normalizeOnePhone(v, ctx.region, fieldPath('additional_phones', i)));
  many('tags', (v, i) => normalizeTagName(v, fieldPath('tags', i)));

  const identities: Record<string, unknown> = {};
  if ('identities' in raw) {
    const value = raw.identities;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push(new ValidationError('identities', value, 'must be an object of type → value'));
    } else Object.assign(identities, value);
  }
  if ('external_id' in raw) identities.external_id = raw.external_id;
  if (Object.keys(identities).length > 0 || 'identities' in raw) {
    patch.identities = {};
    for (const [type, value] of Object.entries(identities)) {
      const field = `identities.${type}`;
      if (!ctx.identityTypes.has(type)) {
        errors.push(
          new ValidationError(field, value, `identity type ${JSON.stringify(type)} is not defined`),
        );
      } else if (value === null || (typeof value === 'string' && value.trim() === '')) {
        patch.identities[type] = null;
      } else if (typeof value !== 'string' && typeof value !== 'number') {
        errors.push(new ValidationError(field, value, 'must be text'));
      } else {
        const text = normalizeIdentityValue(String(value));
        if (text.length > 255)
          errors.push(new ValidationError(field, value, 'is longer than 255 characters'));
        else patch.identities[type] = text;
      }
    }
  }

  if ('attributes' in raw) {
    const value = raw.attributes;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push(new ValidationError('attributes', value, 'must be an object of key → value'));
    } else {
      patch.attributes = {};
      for (const [key, attrValue] of Object.entries(value)) {
        const definition = ctx.attributeDefinitions.get(key);
        if (!definition) {
          errors.push(
            new ValidationError(
              `attributes.${key}`,
              attrValue,
              `attribute ${JSON.stringify(key)} is not defined`,
            ),
          );
        } else if (attrValue === null || attrValue === '') {
          patch.attributes[key] = null;
        } else {
          const normalized = attempt(() => normalizeAttributeValue(definition, attrValue));
          if (normalized !== undefined) patch.attributes[key] = normalized;
        }
      }
    }
  }

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ValidationErrors(errors);
  return patch;
}

const HAN = /\p{Script=Han}/u;

/** Display name from parts: Chinese names are family name first without a space (张 + 伟 → 张伟). */
export function deriveName(firstName: string | null, lastName: string | null): string | null {
  if (!firstName && !lastName) return null;
  if (!firstName || !lastName) return firstName ?? lastName;
  if (HAN.test(firstName) && HAN.test(lastName)) return `${lastName}${firstName}`;
  return `${firstName} ${lastName}`;
}

function withoutValue(list: string[], value: string | null | undefined): string[] {
  return value ? list.filter((v) => v !== value) : list;
}

/** The state a patch produces. Pure: the service persists whatever differs. */
export function applyContactPatch(current: ContactState, patch: ContactPatch): ContactState {
  const next: ContactState = {
    ...current,
    additional_emails: [...current.additional_emails],
    additional_phones: [...current.additional_phones],
    tags: [...current.tags],
    identities: { ...current.identities },
    attributes: { ...current.attributes },
  };
  for (const [field, value] of Object.entries(patch.scalars) as [ScalarField, string | null][]) {
    (next as unknown as Record<ScalarField, string | null>)[field] = value;
  }
  if (!('name' in patch.scalars) && ('first_name' in patch.scalars || 'last_name' in patch.scalars)) {
    // Keep the display name in step with its parts unless someone gave it a name of its own.
    const wasDerived =
      current.name === null || current.name === deriveName(current.first_name, current.last_name);
    if (wasDerived) next.name = deriveName(next.first_name, next.last_name);
  }

  const applyList = (primary: 'email' | 'phone', additional: 'additional_emails' | 'additional_phones') => {
    const newPrimary = patch[primary];
    let rest = patch[additional] ?? next[additional];
    if (newPrimary !== undefined) {
      next[primary] = newPrimary;
    } else if (next[primary] === null && rest.length > 0 && patch[additional] !== undefined) {
      // Additional values without any primary: the first one becomes primary.
      next[primary] = rest[0] ?? null;
    }
    rest = withoutValue(rest, next[primary]);
    next[additional] = rest;
  };
  applyList('email', 'additional_emails');
  applyList('phone', 'additional_phones');

  if (patch.tags !== undefined) next.tags = [...patch.tags];
  for (const [type, value] of Object.entries(patch.identities ?? {})) {
    if (value === null) delete next.identities[type];
    else next.identities[type] = value;
  }
  for (const [key, value] of Object.entries(patch.attributes ?? {})) {
    if (value === null) delete next.attributes[key];
    else next.attributes[key] = value;
  }
  return next;
}

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/**
 * A field holds a scalar or a list of strings; imports diff every row, so no JSON round trip. An absent
 * value (a removed identity or attribute: undefined, or null once stored as JSON) is the same as null.
 */
export function sameFieldValue(a: unknown, b: unknown): boolean {
  if (a === b || (a ?? null) === (b ?? null)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Field-level changes for the audit log; identities and attributes are reported per key. */
export function diffContactStates(before: ContactState, after: ContactState): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(after) as (keyof ContactState)[]) {
    if (key === 'identities' || key === 'attributes') continue;
    if (!sameFieldValue(before[key], after[key]))
      changes.push({ field: key, old: before[key], new: after[key] });
  }
  for (const group of ['identities', 'attributes'] as const) {
    const keys = new Set([...Object.keys(before[group]), ...Object.keys(after[group])]);
    for (const key of [...keys].sort()) {
      const [a, b] = [before[group][key] ?? null, after[group][key] ?? null];
      if (a !== b) changes.push({ field: `${group}.${key}`, old: a, new: b });
    }
  }
  return changes;
}
